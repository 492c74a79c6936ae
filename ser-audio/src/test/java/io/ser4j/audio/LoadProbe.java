package io.ser4j.audio;

import io.ser4j.core.AudioClip;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Child-JVM probe for {@link AudioLoaderMemoryTest}: loads {@code args[0]} at {@code args[1]} Hz
 * and prints one line of facts (length, RMS of the first/middle/last second, peak heap, time).
 */
public final class LoadProbe {
  private LoadProbe() {}

  /** Entry point: {@code LoadProbe FILE RATE}. */
  public static void main(String[] args) {
    long t0 = System.nanoTime();
    AudioClip c = AudioLoader.load(Path.of(args[0]), Integer.parseInt(args[1]));
    double seconds = (System.nanoTime() - t0) / 1e9;
    int sr = c.sampleRate();
    int n = c.length();
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        "samples=%d rate=%d rmsFirst=%.6f rmsMiddle=%.6f rmsLast=%.6f peakHeapMB=%.1f seconds=%.2f%n",
        n,
        sr,
        rms(c, sr / 4, sr / 2),
        rms(c, n / 2, n / 2 + sr),
        rms(c, n - sr + sr / 4, n - sr / 4),
        peak / 1048576.0,
        seconds);
  }

  private static double rms(AudioClip c, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += (double) c.sample(i) * c.sample(i);
    }
    return Math.sqrt(s / (to - from));
  }
}
