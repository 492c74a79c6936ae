package io.ser4j.examples.bench;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Recognition;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Wall time of {@code Recognizer.recognize} for one clip after warm-up, as {@code ser analyze} runs
 * it: {@code java -cp ser.jar io.ser4j.examples.bench.AnalyzeLatency MODEL CLIP [runs=10] [warmup=3]}
 * (MODEL: {@code default}, {@code baseline} or a checkpoint directory). Prints every run, the
 * median and the recognizer's own decode/features/inference split of the median run.
 */
public final class AnalyzeLatency {
  private AnalyzeLatency() {}

  /** Entry point. */
  public static void main(String[] args) {
    String model = args[0];
    AudioClip clip = AudioLoader.load(Path.of(args[1]));
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    try (Recognizer r = RecognizerProvider.open(model)) {
      for (int i = 0; i < warmup; i++) {
        r.recognize(clip, null);
      }
      long[] ns = new long[runs];
      Recognition[] recs = new Recognition[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        recs[i] = r.recognize(clip, null);
        ns[i] = System.nanoTime() - t0;
        System.out.printf(Locale.ROOT, "run %d: %.1f ms%n", i + 1, ns[i] / 1e6);
      }
      long[] sorted = ns.clone();
      Arrays.sort(sorted);
      long median = sorted[runs / 2];
      int mi = 0;
      for (int i = 0; i < runs; i++) {
        if (ns[i] == median) {
          mi = i;
        }
      }
      Recognition m = recs[mi];
      System.out.printf(Locale.ROOT, "model %s, clip %.2f s: median %.1f ms (min %.1f, max %.1f); decode %d ms,"
              + " features %d ms, inference %d ms%n", r.name(), clip.durationSeconds(), median / 1e6,
          sorted[0] / 1e6, sorted[runs - 1] / 1e6, m.timings().decode().toMillis(),
          m.timings().features().toMillis(), m.timings().inference().toMillis());
      System.out.println("label " + m.label().name() + " | transcript " + m.transcript() + " | rationale "
          + m.rationale());
    }
  }
}
