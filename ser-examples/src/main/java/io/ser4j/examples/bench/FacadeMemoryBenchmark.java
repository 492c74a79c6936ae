package io.ser4j.examples.bench;

import io.ser4j.core.AudioInput;
import io.ser4j.core.BatchResult;
import io.ser4j.core.Ser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Native-memory check of the {@link Ser} facade: RSS ({@code VmRSS} of {@code /proc/self/status})
 * before and after {@code N} recognitions through one shared facade, which must stay within
 * {@value #LIMIT_PERCENT}%.
 *
 * <p>The clips are the first {@code CLIPS} WAV files of a directory (decoded on every call: each
 * recognition is the whole path, file → decoder SPI → recognizer → result). The run is: build the
 * facade, {@code WARMUP} recognitions (JIT, allocator arenas, thread pool), RSS "before", then
 * {@code N} recognitions in batches of {@value #BATCH} through {@link Ser#analyzeAll} on {@code
 * THREADS} threads, printing RSS every {@code N/10}, then RSS "after". Prints {@code RESULT ...
 * PASS|FAIL}; exit code 0 on pass, 1 on fail.
 *
 * <p>Usage: {@code java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -cp ser-examples/target/ser.jar
 * io.ser4j.examples.bench.FacadeMemoryBenchmark WAV_DIR [N=10000] [THREADS=2] [MODEL=baseline]
 * [WARMUP=500] [CLIPS=100]}. A fixed, pre-touched heap makes the heap resident from the start, so
 * that RSS growth is native growth rather than the heap expanding. Linux only. A command-line
 * program; not for concurrent use.
 */
public final class FacadeMemoryBenchmark {
  /** The pass criterion: RSS growth from "before" to "after", in percent. */
  public static final double LIMIT_PERCENT = 5.0;

  /** Recognitions per {@link Ser#analyzeAll} call. */
  public static final int BATCH = 500;

  private static final double KIB_PER_MIB = 1024.0;

  private FacadeMemoryBenchmark() {}

  /**
   * The outcome of a run.
   *
   * @param recognitions recognitions measured (after the warm-up)
   * @param failures items that failed
   * @param rssBeforeKib RSS after the warm-up, KiB
   * @param rssAfterKib RSS after the measured recognitions, KiB
   * @param growthPercent {@code 100 * (after - before) / before}
   * @param pass whether |growth| is within {@link #LIMIT_PERCENT} and nothing failed
   */
  public record Result(
      int recognitions, int failures, long rssBeforeKib, long rssAfterKib, double growthPercent, boolean pass) {}

  /**
   * Runs the benchmark and exits with 0 on pass, 1 on fail, 2 on a usage error.
   *
   * @param args {@code WAV_DIR [N] [THREADS] [MODEL] [WARMUP] [CLIPS]}
   * @throws IOException if the directory or /proc/self/status cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: FacadeMemoryBenchmark WAV_DIR [N=10000] [THREADS=2] [MODEL=baseline] [WARMUP=500] [CLIPS=100]");
      System.exit(2);
    }
    System.exit(run(args).pass() ? 0 : 1);
  }

  /**
   * Runs the benchmark, printing its progress and the {@code RESULT} line.
   *
   * @param args {@code WAV_DIR [N] [THREADS] [MODEL] [WARMUP] [CLIPS]}
   * @return the outcome
   * @throws IOException if the directory or /proc/self/status cannot be read
   * @throws IllegalArgumentException if the directory holds no WAV file
   */
  public static Result run(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String model = args.length > 3 ? args[3] : "baseline";
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 500;
    int clipCount = args.length > 5 ? Integer.parseInt(args[5]) : 100;
    List<Path> clips;
    try (Stream<Path> s = Files.list(dir)) {
      clips = s.filter(p -> p.toString().endsWith(".wav")).sorted().limit(clipCount).toList();
    }
    if (clips.isEmpty()) {
      throw new IllegalArgumentException(dir + ": no .wav files");
    }
    long rssStart = rssKib();
    System.out.printf(Locale.ROOT, "JVM started: RSS %.1f MiB%n", rssStart / KIB_PER_MIB);
    try (Ser ser = Ser.builder().optModel(model).optThreads(threads).build()) {
      long rssLoaded = rssKib();
      System.out.printf(
          Locale.ROOT, "model %s loaded: RSS %.1f MiB%n", ser.modelName(), rssLoaded / KIB_PER_MIB);
      run(ser, clips, warmup);
      System.gc();
      long before = rssKib();
      System.out.printf(Locale.ROOT, "after %d warm-up recognitions (before): RSS %.1f MiB%n", warmup,
          before / KIB_PER_MIB);
      long t0 = System.nanoTime();
      int failures = 0;
      int done = 0;
      int step = Math.max(BATCH, n / 10);
      int nextReport = step;
      while (done < n) {
        int k = Math.min(BATCH, n - done);
        failures += run(ser, rotate(clips, done, k), 0);
        done += k;
        if (done >= nextReport || done == n) {
          System.out.printf(Locale.ROOT, "  after %,d: RSS %.1f MiB%n", done, rssKib() / KIB_PER_MIB);
          nextReport += step;
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.gc();
      long after = rssKib();
      double growth = 100.0 * (after - before) / before;
      boolean pass = Math.abs(growth) <= LIMIT_PERCENT && failures == 0;
      System.out.printf(
          Locale.ROOT,
          "RESULT model=%s recognitions=%d threads=%d failures=%d seconds=%.1f ms_per_recognition=%.1f"
              + " rss_before_mib=%.1f rss_after_mib=%.1f growth_percent=%+.2f limit_percent=%.1f %s%n",
          ser.modelName(), n, threads, failures, seconds, 1000 * seconds / n * threads,
          before / KIB_PER_MIB, after / KIB_PER_MIB, growth, LIMIT_PERCENT, pass ? "PASS" : "FAIL");
      return new Result(n, failures, before, after, growth, pass);
    }
  }

  private static List<Path> rotate(List<Path> clips, int offset, int k) {
    List<Path> out = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      out.add(clips.get((offset + i) % clips.size()));
    }
    return out;
  }

  /** Runs the items as one batch; returns the number of failed items. */
  private static int run(Ser ser, List<Path> files, int count) {
    List<Path> items = count > 0 ? rotate(files, 0, count) : files;
    int failed = 0;
    for (BatchResult r : ser.analyzeAll(AudioInput.files(items))) {
      if (!r.isOk()) {
        failed++;
        System.err.println("failed: " + r.error().getMessage());
      }
    }
    return failed;
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
