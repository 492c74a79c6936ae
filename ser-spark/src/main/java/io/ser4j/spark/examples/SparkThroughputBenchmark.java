package io.ser4j.spark.examples;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.spark.ExecutorModels;
import io.ser4j.spark.PredictionSchema;
import io.ser4j.spark.SparkManifest;
import io.ser4j.spark.SparkRecognizer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Clips per second of the same recognition on the same EmoDB clips: one JVM with one thread, one
 * JVM with two threads sharing one recognizer, and Spark {@code local[2]} through {@link
 * SparkRecognizer#recognizeManifest} (two partitions). The model is loaded and one untimed pass
 * over the clips warms the JIT (and one more Spark's query code generation) before anything is
 * timed; each configuration is timed {@code --repeats} times and the best run
 * is reported (the least disturbed by other load on a shared machine). Decoding from disk is
 * included in every configuration.
 *
 * <pre>
 * SparkThroughputBenchmark --emodb DIR [--clips 96] [--repeats 3] [--model baseline]
 * </pre>
 *
 * Not thread-safe (a program).
 */
public final class SparkThroughputBenchmark {
  private static final double NANOS_PER_SECOND = 1e9;

  private SparkThroughputBenchmark() {}

  /**
   * One measured configuration.
   *
   * @param name what ran
   * @param clips clips per run
   * @param bestSeconds wall time of the fastest run
   * @param clipsPerSecond {@code clips / bestSeconds}
   * @param cpuMsPerClip process CPU time (all threads, Spark's own included) per clip in the
   *     fastest run, in milliseconds; NaN where the JVM does not report it
   */
  public record Measurement(
      String name, int clips, double bestSeconds, double clipsPerSecond, double cpuMsPerClip) {}

  /** Process CPU time in nanoseconds, or -1 when the JVM does not report it. */
  private static long cpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** One timed run: wall and CPU seconds. */
  private record Run(double wallSeconds, double cpuSeconds) {}

  @FunctionalInterface
  private interface Body {
    void run() throws Exception;
  }

  private static Run time(Body body) throws Exception {
    long c0 = cpuNanos();
    long t0 = System.nanoTime();
    body.run();
    long t1 = System.nanoTime();
    long c1 = cpuNanos();
    return new Run(
        (t1 - t0) / NANOS_PER_SECOND, c0 < 0 ? Double.NaN : (c1 - c0) / NANOS_PER_SECOND);
  }

  private static Measurement best(String name, int clips, int repeats, Body body) throws Exception {
    Run best = null;
    for (int r = 0; r < repeats; r++) {
      Run run = time(body);
      if (best == null || run.wallSeconds() < best.wallSeconds()) {
        best = run;
      }
    }
    return new Measurement(
        name, clips, best.wallSeconds(), clips / best.wallSeconds(), 1000 * best.cpuSeconds() / clips);
  }

  /**
   * Runs the benchmark in {@code local[2]} and prints a Markdown table.
   *
   * @param args {@code --emodb DIR [--clips N] [--repeats R] [--model SPEC]}
   * @throws Exception when a run fails
   */
  public static void main(String[] args) throws Exception {
    String emodb = null;
    int clips = 96;
    int repeats = 3;
    String model = "baseline";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--emodb" -> emodb = args[i + 1];
        case "--clips" -> clips = Integer.parseInt(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        case "--model" -> model = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (emodb == null) {
      throw new IllegalArgumentException("usage: --emodb DIR [--clips N] [--repeats R] [--model SPEC]");
    }
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ser4j-spark-benchmark")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      run(spark, Corpora.readEmoDb(Path.of(emodb)), clips, repeats, model, System.out);
    } finally {
      spark.stop();
    }
  }

  /**
   * Measures the three configurations on {@code clips} clips of {@code corpus} (evenly spaced
   * through it) and prints a Markdown table to {@code out}.
   *
   * @return the measurements, in the printed order
   * @throws Exception when a run fails
   */
  public static List<Measurement> run(
      SparkSession spark, Corpus corpus, int clips, int repeats, String model, PrintStream out)
      throws Exception {
    if (clips <= 0 || clips > corpus.size() || repeats <= 0) {
      throw new IllegalArgumentException(
          "need 0 < clips <= " + corpus.size() + " and repeats > 0, got " + clips + ", " + repeats);
    }
    List<Utterance> picked = new ArrayList<>();
    double step = corpus.size() / (double) clips;
    for (int i = 0; i < clips; i++) {
      picked.add(corpus.utterances().get((int) (i * step)));
    }
    Recognizer rec = ExecutorModels.get(model);
    for (Utterance u : picked) { // one untimed pass: the JIT compiles the hot code first
      rec.recognize(AudioLoader.load(u.audio()), null);
    }
    List<Measurement> results = new ArrayList<>();

    results.add(
        best(
            "single JVM, 1 thread",
            clips,
            repeats,
            () -> {
              for (Utterance u : picked) {
                rec.recognize(AudioLoader.load(u.audio()), null);
              }
            }));

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      results.add(
          best(
              "single JVM, 2 threads",
              clips,
              repeats,
              () -> {
                List<Future<?>> fs = new ArrayList<>();
                for (Utterance u : picked) {
                  fs.add(pool.submit(() -> rec.recognize(AudioLoader.load(u.audio()), null)));
                }
                for (Future<?> f : fs) {
                  f.get();
                }
              }));
    } finally {
      pool.shutdown();
    }

    Dataset<Row> manifest =
        SparkManifest.fromCorpus(spark, Corpus.of("bench", picked), 2).cache();
    manifest.count();
    SparkRecognizer sr = SparkRecognizer.builder().model(model).build();
    sr.recognizeManifest(manifest).collectAsList(); // one untimed pass: Spark's code generation
    results.add(
        best(
            "Spark local[2], 2 partitions",
            clips,
            repeats,
            () -> {
              List<Row> rows = sr.recognizeManifest(manifest).collectAsList();
              long failed =
                  rows.stream().filter(x -> !x.isNullAt(x.fieldIndex(PredictionSchema.ERROR))).count();
              if (rows.size() != clips || failed > 0) {
                throw new IllegalStateException(rows.size() + " rows, " + failed + " failed");
              }
            }));
    manifest.unpersist();

    out.printf(
        Locale.ROOT,
        "model %s, %d EmoDB clips (2.0 s each), best of %d; %d processors, load average %.1f%n%n",
        model, clips, repeats, Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    out.println("| configuration | clips | best wall s | clips/s | CPU ms per clip |");
    out.println("|---|---:|---:|---:|---:|");
    for (Measurement m : results) {
      out.printf(
          Locale.ROOT,
          "| %s | %d | %.2f | %.1f | %.0f |%n",
          m.name(), m.clips(), m.bestSeconds(), m.clipsPerSecond(), m.cpuMsPerClip());
    }
    return results;
  }
}
