package io.ser4j.examples.bench;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Recognition;
import io.ser4j.model.speechlm.SpeechLmOptions;
import io.ser4j.model.speechlm.SpeechLmRecognizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Native memory over many SpeechLM recognitions: loads a checkpoint with {@link SpeechLmRecognizer},
 * runs {@code WARMUP} recognitions of a clip, then {@code N} more, and prints the process RSS
 * ({@code VmRSS} of {@code /proc/self/status}) and the model's resident DJL array count before the
 * first recognition, after the warm-up and after the {@code N}, plus the growth after warm-up in
 * percent. Every recognition is the full pipeline (resample, log-mel, cues, encoder, transcript
 * generation, label scoring, rationale generation, parsing).
 *
 * <p>Usage: {@code java -cp ser-examples/target/ser.jar
 * io.ser4j.examples.bench.SpeechLmMemoryBenchmark CHECKPOINT_DIR CLIP.wav [N=1000] [WARMUP=50]}.
 * Prints one line {@code RESULT ...}. Run it with a fixed, pre-touched Java heap ({@code -Xms256m
 * -Xmx256m -XX:+AlwaysPreTouch}) so that the heap is resident from the start and RSS growth is
 * native growth (libtorch, tokenizer) rather than the heap expanding. Linux only (reads /proc). Not thread-safe (a command-line
 * program).
 */
public final class SpeechLmMemoryBenchmark {
  private static final long KIB = 1024;

  private SpeechLmMemoryBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code CHECKPOINT_DIR CLIP [N] [WARMUP]}
   * @throws IOException if /proc/self/status cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SpeechLmMemoryBenchmark CHECKPOINT_DIR CLIP.wav [N=1000] [WARMUP=50]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    AudioClip clip = AudioLoader.load(Path.of(args[1]));
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 50;
    try (SpeechLmRecognizer rec = SpeechLmRecognizer.open(dir, SpeechLmOptions.defaults())) {
      long rss0 = rssKib();
      int arrays0 = rec.model().residentArrayCount();
      report("before", rss0, arrays0);
      Recognition first = null;
      for (int i = 0; i < warmup; i++) {
        Recognition r = rec.recognize(clip, null);
        first = first == null ? r : first;
      }
      System.gc();
      long rss1 = rssKib();
      int arrays1 = rec.model().residentArrayCount();
      report("after warm-up (" + warmup + ")", rss1, arrays1);
      long tokens = 0;
      double decodeS = 0;
      double featuresS = 0;
      double inferenceS = 0;
      long t0 = System.nanoTime();
      boolean same = true;
      for (int i = 0; i < n; i++) {
        SpeechLmRecognizer.Result r = rec.analyze(clip, null);
        tokens += r.generatedTokens();
        decodeS += r.recognition().timings().decode().toNanos() / 1e9;
        featuresS += r.recognition().timings().features().toNanos() / 1e9;
        inferenceS += r.recognition().timings().inference().toNanos() / 1e9;
        if (first != null && !r.recognition().probabilities().equals(first.probabilities())) {
          same = false;
        }
        if ((i + 1) % Math.max(1, n / 10) == 0) {
          report("after " + (i + 1), rssKib(), rec.model().residentArrayCount());
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.gc();
      long rss2 = rssKib();
      int arrays2 = rec.model().residentArrayCount();
      report("after " + n, rss2, arrays2);
      System.out.printf(Locale.ROOT,
          "RESULT recognitions=%d warmup=%d rss_before_mib=%.1f rss_warm_mib=%.1f rss_after_mib=%.1f"
              + " growth_after_warmup_pct=%.2f arrays_before=%d arrays_warm=%d arrays_after=%d"
              + " heap_used_mib=%.1f generated_tokens=%d seconds=%.1f ms_per_recognition=%.1f"
              + " (resample %.1f, log-mel+cues %.1f, model %.1f) deterministic=%s%n",
          n, warmup, rss0 / (double) KIB, rss1 / (double) KIB, rss2 / (double) KIB,
          100.0 * (rss2 - rss1) / rss1, arrays0, arrays1, arrays2, heapMib(), tokens, seconds,
          1000 * seconds / Math.max(1, n), 1000 * decodeS / Math.max(1, n),
          1000 * featuresS / Math.max(1, n), 1000 * inferenceS / Math.max(1, n), same);
    }
  }

  private static void report(String when, long rssKib, int arrays) {
    System.out.printf(Locale.ROOT, "%-22s RSS %8.1f MiB  Java heap used %6.1f MiB  resident arrays %d%n",
        when, rssKib / (double) KIB, heapMib(), arrays);
  }

  private static double heapMib() {
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) / (double) (KIB * KIB);
  }

  /** VmRSS of this process in KiB. */
  static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS line in /proc/self/status");
  }
}
