package io.ser4j.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects decoded samples into one array. When the final length is known and trusted (checked
 * against a file size), the array is allocated once at its exact size, so peak memory is the output
 * alone. Otherwise samples go into chunks that grow geometrically with the data actually received
 * (never with a declared size), and are joined at the end (peak about twice the output).
 *
 * <p>Not thread-safe.
 */
final class FloatCollector {
  private static final int FIRST_CHUNK = 4096;
  private static final int MAX_CHUNK = 1 << 22;

  private final String sourceId;
  private float[] exact; // non-null when the size is trusted
  private final List<float[]> chunks = new ArrayList<>();
  private float[] current;
  private int currentLen;
  private long total;

  /**
   * @param expected expected number of samples, or a negative value when unknown
   * @param trusted whether {@code expected} may be used to allocate up front
   */
  FloatCollector(String sourceId, long expected, boolean trusted) {
    this.sourceId = sourceId;
    if (trusted && expected >= 0) {
      if (expected > WavReader.MAX_CLIP_SAMPLES) {
        throw WavReader.tooLong(sourceId, expected);
      }
      exact = new float[(int) expected];
    }
  }

  /** Appends {@code buf[off..off+len)}. */
  void add(float[] buf, int off, int len) {
    if (len == 0) {
      return;
    }
    if (total + len > WavReader.MAX_CLIP_SAMPLES) {
      throw WavReader.tooLong(sourceId, total + len);
    }
    if (exact != null) {
      if (total + len <= exact.length) {
        System.arraycopy(buf, off, exact, (int) total, len);
        total += len;
        return;
      }
      // more data than announced: fall back to chunks
      chunks.add(Arrays.copyOf(exact, (int) total));
      exact = null;
    }
    while (len > 0) {
      if (current == null || currentLen == current.length) {
        if (current != null) {
          chunks.add(current);
        }
        int size = current == null ? FIRST_CHUNK : Math.min(MAX_CHUNK, current.length * 2);
        current = new float[size];
        currentLen = 0;
      }
      int n = Math.min(len, current.length - currentLen);
      System.arraycopy(buf, off, current, currentLen, n);
      currentLen += n;
      off += n;
      len -= n;
      total += n;
    }
  }

  /** Number of samples collected. */
  long size() {
    return total;
  }

  /** The samples collected, as one array (the collector must not be used afterwards). */
  float[] toArray() {
    if (exact != null) {
      return total == exact.length ? exact : Arrays.copyOf(exact, (int) total);
    }
    float[] out = new float[(int) total];
    int p = 0;
    for (float[] c : chunks) {
      int n = (int) Math.min(c.length, total - p);
      System.arraycopy(c, 0, out, p, n);
      p += n;
    }
    if (current != null) {
      System.arraycopy(current, 0, out, p, currentLen);
    }
    chunks.clear();
    current = null;
    return out;
  }
}
