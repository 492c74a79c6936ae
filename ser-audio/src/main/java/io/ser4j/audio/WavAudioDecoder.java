package io.ser4j.audio;

import io.ser4j.core.AudioClip;
import io.ser4j.core.spi.AudioDecoder;
import io.ser4j.core.stream.PcmSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@link AudioDecoder} service for RIFF/WAVE (PCM 8/16/24/32-bit, IEEE float 32/64,
 * WAVE_FORMAT_EXTENSIBLE) through {@link WavReader}; registered in {@code
 * META-INF/services/io.ser4j.core.spi.AudioDecoder} with rank {@value #RANK}, so it is tried before
 * the ffmpeg route. Decodes to mono at the file's rate. Stateless and thread-safe.
 */
public final class WavAudioDecoder implements AudioDecoder {
  /** Rank: above {@link FfmpegAudioDecoder}. */
  public static final int RANK = 100;

  /** Used by {@link java.util.ServiceLoader}. */
  public WavAudioDecoder() {}

  @Override
  public String name() {
    return "wav";
  }

  @Override
  public int rank() {
    return RANK;
  }

  /**
   * True for data starting with {@code RIFF....WAVE}, and for a {@code RIFF} prefix too short to
   * tell (so that the WAV reader reports it as truncated).
   */
  @Override
  public boolean supports(byte[] header, String sourceId) {
    int n = header.length;
    if (n < 4 || header[0] != 'R' || header[1] != 'I' || header[2] != 'F' || header[3] != 'F') {
      return false;
    }
    return n < 12 || (header[8] == 'W' && header[9] == 'A' && header[10] == 'V' && header[11] == 'E');
  }

  @Override
  public AudioClip decode(Path file) {
    return AudioLoader.load(file);
  }

  @Override
  public AudioClip decode(InputStream in, String sourceId) {
    return AudioLoader.load(in, sourceId);
  }

  /** Incremental decoding; closing the source leaves {@code in} open. */
  @Override
  public PcmSource open(InputStream in, String sourceId) {
    Objects.requireNonNull(in, "in");
    String id = sourceId == null ? "<stream>" : sourceId;
    return new WavPcmSource(WavReader.open(in, id), false);
  }

  /** A {@link WavStream} as a {@link PcmSource}. Not thread-safe. */
  static final class WavPcmSource implements PcmSource {
    private final WavStream stream;
    private final boolean closeStream;
    private final Runnable afterClose;

    WavPcmSource(WavStream stream, boolean closeStream) {
      this(stream, closeStream, () -> {});
    }

    WavPcmSource(WavStream stream, boolean closeStream, Runnable afterClose) {
      this.stream = stream;
      this.closeStream = closeStream;
      this.afterClose = afterClose;
    }

    @Override
    public int sampleRate() {
      return stream.format().sampleRate();
    }

    @Override
    public String sourceId() {
      return stream.sourceId();
    }

    @Override
    public int read(float[] buf, int off, int len) {
      if (len == 0) {
        return 0;
      }
      return stream.read(buf, off, len);
    }

    @Override
    public void close() {
      try {
        if (closeStream) {
          stream.close();
        }
      } finally {
        afterClose.run();
      }
    }
  }
}
