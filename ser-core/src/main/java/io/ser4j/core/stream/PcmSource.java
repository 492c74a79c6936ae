package io.ser4j.core.stream;

import io.ser4j.core.AudioFormatException;
import java.io.Closeable;
import java.util.Objects;

/**
 * A source of mono float PCM read block by block: a decoded file or stream ({@link
 * io.ser4j.core.spi.AudioDecoder#open}), a microphone adapter or an in-memory array. Not
 * thread-safe: one reader at a time.
 */
public interface PcmSource extends Closeable {
  /** Samples per second, &gt; 0. */
  int sampleRate();

  /** Where the samples come from (a path, a stream name), for messages and results. */
  String sourceId();

  /**
   * Reads up to {@code len} samples into {@code buf[off..off+len)}.
   *
   * @return the number of samples read (&gt; 0 when {@code len > 0}), or -1 at the end
   * @throws AudioFormatException on corrupt data or an I/O error, naming the source
   */
  int read(float[] buf, int off, int len);

  /** Releases the source; the default does nothing. */
  @Override
  default void close() {}

  /**
   * A source over an array (not copied; do not modify it while reading).
   *
   * @param samples mono PCM in [-1, 1]
   * @param sampleRate samples per second, &gt; 0
   * @param sourceId name for messages
   * @throws AudioFormatException if the rate is not positive
   */
  static PcmSource of(float[] samples, int sampleRate, String sourceId) {
    Objects.requireNonNull(samples, "samples");
    String id = sourceId == null ? "<pcm>" : sourceId;
    if (sampleRate <= 0) {
      throw new AudioFormatException(id, "sample rate must be positive, got " + sampleRate);
    }
    return new PcmSource() {
      private int pos;

      @Override
      public int sampleRate() {
        return sampleRate;
      }

      @Override
      public String sourceId() {
        return id;
      }

      @Override
      public int read(float[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (pos >= samples.length) {
          return -1;
        }
        int n = Math.min(len, samples.length - pos);
        System.arraycopy(samples, pos, buf, off, n);
        pos += n;
        return n;
      }
    };
  }
}
