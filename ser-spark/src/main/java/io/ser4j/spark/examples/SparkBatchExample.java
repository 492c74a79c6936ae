package io.ser4j.spark.examples;

import io.ser4j.core.LabelSet;
import io.ser4j.core.SerException;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.spark.DistributedEvaluation;
import io.ser4j.spark.PredictionSchema;
import io.ser4j.spark.SparkManifest;
import io.ser4j.spark.SparkRecognizer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark batch inference and distributed evaluation, end to end: read clips (a directory of audio
 * files, a manifest on any Hadoop file system, or an EmoDB copy read on the driver), recognise
 * them with the model loaded once per executor, write {@code predictions.parquet/} and {@code
 * predictions.jsonl/} under {@code --out}, and, when the input carries labels, write {@code
 * metrics.json} computed from per-partition counts (identical to {@code ser metrics} on the same
 * predictions for the count-based metrics).
 *
 * <pre>
 * SparkBatchExample (--files DIR | --manifest FILE | --emodb DIR) --out DIR
 *                   [--model default|baseline|DIR|URL] [--labels a,b,...] [--partitions N]
 * </pre>
 *
 * Without a master from {@code spark-submit} it runs in {@code local[2]} bound to the loopback
 * interface. Exit codes as the {@code ser} CLI: 0 success, 2 usage error, 3 bad input (one line on
 * stderr), 1 anything else. See {@code ser-spark/README.md}. Not thread-safe (a program).
 */
public final class SparkBatchExample {
  /** Master used when neither {@code spark-submit} nor {@code spark.master} set one. */
  public static final String LOCAL_MASTER = "local[2]";

  private SparkBatchExample() {}

  /**
   * The parsed command line.
   *
   * @param files a directory (or file) of audio read with Spark's binaryFile source, or null
   * @param manifest a manifest file (JSONL or a list of paths) on any Hadoop file system, or null
   * @param emodb a local EmoDB copy (its manifest.csv or wav directory) read on the driver, or null
   * @param out the output directory (Hadoop path or URI)
   * @param model the model specification
   * @param labels candidate labels, or null for all
   * @param partitions partitions of a manifest's dataset
   */
  public record Options(
      String files,
      String manifest,
      String emodb,
      String out,
      String model,
      LabelSet labels,
      int partitions) {}

  /** Thrown for a bad command line (exit 2). */
  public static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A usage error with this message. */
    public UsageException(String message) {
      super(message);
    }
  }

  static final String USAGE =
      "usage: SparkBatchExample (--files DIR | --manifest FILE | --emodb DIR) --out DIR"
          + " [--model SPEC] [--labels a,b,...] [--partitions N]";

  /**
   * Parses the command line.
   *
   * @throws UsageException naming the problem when the arguments are not valid
   */
  public static Options parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      if (m.put(a.substring(2), args[++i]) != null) {
        throw new UsageException("option " + a + " given twice");
      }
    }
    for (String k : m.keySet()) {
      if (!List.of("files", "manifest", "emodb", "out", "model", "labels", "partitions").contains(k)) {
        throw new UsageException("unknown option --" + k);
      }
    }
    int inputs = (m.containsKey("files") ? 1 : 0) + (m.containsKey("manifest") ? 1 : 0)
        + (m.containsKey("emodb") ? 1 : 0);
    if (inputs != 1) {
      throw new UsageException("give exactly one of --files, --manifest, --emodb");
    }
    if (!m.containsKey("out")) {
      throw new UsageException("--out is required");
    }
    int partitions;
    try {
      partitions = Integer.parseInt(m.getOrDefault("partitions", "4"));
    } catch (NumberFormatException e) {
      throw new UsageException("--partitions must be a whole number");
    }
    if (partitions <= 0) {
      throw new UsageException("--partitions must be positive");
    }
    LabelSet labels = null;
    if (m.containsKey("labels")) {
      try {
        labels = LabelSet.parse(m.get("labels"));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--labels: " + e.getMessage());
      }
    }
    return new Options(
        m.get("files"), m.get("manifest"), m.get("emodb"), m.get("out"),
        m.getOrDefault("model", SparkRecognizer.DEFAULT_MODEL), labels, partitions);
  }

  /**
   * Runs the example with the given arguments; exits the JVM with the status code.
   *
   * @param args see the class documentation
   */
  public static void main(String[] args) {
    int status;
    try {
      Options o = parse(args);
      SparkConf conf = new SparkConf();
      SparkSession.Builder b = SparkSession.builder().appName("ser4j-spark-batch");
      if (!conf.contains("spark.master")) {
        b.master(LOCAL_MASTER)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false");
      }
      SparkSession spark = b.getOrCreate();
      spark.sparkContext().setLogLevel("WARN"); // Spark's INFO lines would bury the summary
      try {
        status = run(spark, o, System.out);
      } finally {
        spark.stop();
      }
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      status = 2;
    } catch (RuntimeException e) {
      SerException ser = rootSer(e);
      if (ser != null) {
        System.err.println(ser.getMessage());
        status = 3;
      } else {
        e.printStackTrace();
        status = 1;
      }
    }
    System.exit(status);
  }

  /** The SerException behind a Spark job failure, if any (tasks wrap it in a SparkException). */
  static SerException rootSer(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SerException s) {
        return s;
      }
    }
    return null;
  }

  /**
   * Runs the example on an existing session (used by {@link #main} and the smoke test).
   *
   * @param out where the summary lines go
   * @return 0 on success, 3 when some clips failed (they are in the predictions with their error)
   * @throws SerException for bad input (a manifest without audio paths, an unknown model, ...)
   */
  public static int run(SparkSession spark, Options o, java.io.PrintStream out) {
    SparkRecognizer rec =
        SparkRecognizer.builder().model(o.model()).candidates(o.labels()).build();
    Dataset<Row> manifest = null;
    Dataset<Row> preds;
    if (o.files() != null) {
      preds = rec.recognizeFiles(spark, o.files());
    } else {
      manifest =
          o.manifest() != null
              ? SparkManifest.read(spark, o.manifest()).repartition(o.partitions())
              : SparkManifest.fromCorpus(spark, Corpora.readEmoDb(java.nio.file.Path.of(o.emodb())), o.partitions());
      manifest = manifest.cache();
      preds = rec.recognizeManifest(manifest);
    }
    long t0 = System.nanoTime();
    preds = preds.cache();
    String parquet = o.out() + "/predictions.parquet";
    String jsonl = o.out() + "/predictions.jsonl";
    SparkRecognizer.writeParquet(preds, parquet); // the first action runs the recognition
    SparkRecognizer.writeJsonl(preds, jsonl);
    double seconds = (System.nanoTime() - t0) / 1e9;
    long n = preds.count();
    long failed = preds.filter(preds.col(PredictionSchema.ERROR).isNotNull()).count();
    out.printf(Locale.ROOT, "%d clips (%d failed) in %.1f s -> %s, %s%n", n, failed, seconds, parquet, jsonl);
    if (manifest != null && hasLabels(manifest)) {
      DistributedEvaluation.Result r = DistributedEvaluation.evaluate(preds, manifest, null);
      Map<String, Object> json = new LinkedHashMap<>(r.counts().toJsonMap());
      json.put("n_failed", r.failed());
      json.put("n_unlabelled", r.unlabelled());
      json.put("partitions", r.partitions());
      json.put("model", rec.modelSpec());
      writeText(spark, o.out() + "/metrics.json", Json.write(json) + "\n");
      out.printf(
          Locale.ROOT,
          "accuracy %.4f, macro-F1 %.4f, annotator-aware macro-F1 %.4f (n=%d, merged from %d partitions) -> %s%n",
          r.counts().accuracy(), r.counts().macroF1(), r.counts().annotatorAwareMacroF1(),
          r.counts().n(), r.partitions(), o.out() + "/metrics.json");
    }
    preds.unpersist();
    return failed > 0 ? 3 : 0;
  }

  private static boolean hasLabels(Dataset<Row> manifest) {
    return !manifest
        .filter(
            manifest.col(SparkManifest.MAJORITY).isNotNull()
                .or(org.apache.spark.sql.functions.size(manifest.col(SparkManifest.ANNOTATIONS)).gt(0)))
        .isEmpty();
  }

  /** Writes a small text file on the Hadoop file system of {@code path} (driver side). */
  static void writeText(SparkSession spark, String path, String text) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream os = fs.create(p, true)) {
        os.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new SerException(path, "cannot write: " + e.getMessage(), e);
    }
  }

  /** A minimal JSON writer for the metrics map (strings, numbers, booleans, null, lists, maps). */
  static final class Json {
    private Json() {}

    static String write(Object v) {
      StringBuilder sb = new StringBuilder();
      write(v, sb);
      return sb.toString();
    }

    private static void write(Object v, StringBuilder sb) {
      if (v == null) {
        sb.append("null");
      } else if (v instanceof String s) {
        quote(s, sb);
      } else if (v instanceof Double d) {
        sb.append(Double.isFinite(d) ? d.toString() : "null");
      } else if (v instanceof Number || v instanceof Boolean) {
        sb.append(v);
      } else if (v instanceof Map<?, ?> m) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          sb.append(first ? "" : ",");
          first = false;
          quote(String.valueOf(e.getKey()), sb);
          sb.append(':');
          write(e.getValue(), sb);
        }
        sb.append('}');
      } else if (v instanceof Iterable<?> it) {
        List<Object> items = new ArrayList<>();
        it.forEach(items::add);
        sb.append('[');
        for (int i = 0; i < items.size(); i++) {
          sb.append(i == 0 ? "" : ",");
          write(items.get(i), sb);
        }
        sb.append(']');
      } else {
        quote(v.toString(), sb);
      }
    }

    private static void quote(String s, StringBuilder sb) {
      sb.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          default -> {
            if (c < 0x20) {
              sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
    }
  }
}
