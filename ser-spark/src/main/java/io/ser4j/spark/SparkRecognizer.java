package io.ser4j.spark;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.Recognition;
import io.ser4j.core.SerException;
import io.ser4j.core.spi.Recognizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Emotion recognition over a Spark {@link Dataset}, one {@code mapPartitions} pass: each task takes
 * the model from {@link ExecutorModels} (loaded once per executor JVM, shared by its task threads),
 * decodes each clip with {@link AudioLoader} and recognises it, and emits one row in the {@link
 * PredictionSchema}. A clip that cannot be read, decoded or recognised becomes a row with its
 * {@link PredictionSchema#ERROR} set; it never aborts the job. Only a model that cannot be loaded
 * fails the tasks (every clip would fail the same way).
 *
 * <pre>{@code
 * SparkRecognizer rec = SparkRecognizer.builder().model("baseline").build();
 * Dataset<Row> preds = rec.recognizeFiles(spark, "hdfs:///corpora/emodb/wav");  // lazy
 * SparkRecognizer.writeParquet(preds, "hdfs:///out/preds.parquet");
 * }</pre>
 *
 * <p>Inputs: a directory or glob of audio files read by Spark's {@code binaryFile} source ({@link
 * #recognizeFiles}), or a manifest of paths ({@link SparkManifest}) whose files are opened on the
 * executors through Hadoop's {@link FileSystem} ({@link #recognizeManifest}): any
 * Hadoop-compatible scheme works ({@code file:}, {@code hdfs:}, {@code s3a:}, ... with its
 * connector on the class path).
 *
 * <p>Immutable, serializable and thread-safe; the returned datasets are lazy (nothing runs until an
 * action such as a write).
 */
public final class SparkRecognizer implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The model specification used when none is given: the best installed recognizer. */
  public static final String DEFAULT_MODEL = "default";
  /** Files matched under a directory by {@link #recognizeFiles} unless another glob is set. */
  public static final String DEFAULT_GLOB = "*.wav";

  private final String modelSpec;
  /** Candidate label names, or null for all of the model's labels. */
  private final String[] candidates;
  private final String glob;

  private SparkRecognizer(Builder b) {
    this.modelSpec = b.modelSpec;
    this.candidates = b.candidates == null ? null : names(b.candidates);
    this.glob = b.glob;
  }

  private static String[] names(LabelSet labels) {
    String[] out = new String[labels.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = labels.get(i).name();
    }
    return out;
  }

  /** A new builder (model {@value #DEFAULT_MODEL}, all labels, glob {@value #DEFAULT_GLOB}). */
  public static Builder builder() {
    return new Builder();
  }

  /** The model specification ({@link io.ser4j.core.spi.RecognizerProvider#open(String)}). */
  public String modelSpec() {
    return modelSpec;
  }

  /** The candidate labels, or {@code null} for all of the model's labels. */
  public LabelSet candidates() {
    return candidates == null ? null : LabelSet.of(candidates);
  }

  /**
   * Recognises every file matching the glob under {@code path} (a directory, searched
   * recursively, or a file), read with Spark's {@code binaryFile} source: the whole file travels
   * as one byte array, so files must stay under {@code spark.sql.sources.binaryFile.maxLength}
   * (2 GiB). The id of each clip is its file name without the extension (files with the same name
   * in different directories get the same id: use a manifest with ids for such trees).
   *
   * @param spark the session
   * @param path a Hadoop-compatible path or URI
   * @return the lazy prediction table ({@link PredictionSchema#SCHEMA})
   * @throws SerException naming {@code path} when it does not exist or cannot be listed
   */
  public Dataset<Row> recognizeFiles(SparkSession spark, String path) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(path, "path");
    Dataset<Row> files;
    try {
      files =
          spark
              .read()
              .format("binaryFile")
              .option("pathGlobFilter", glob)
              .option("recursiveFileLookup", "true")
              .load(path)
              .select("path", "content");
    } catch (Exception e) { // Spark's AnalysisException (e.g. PATH_NOT_FOUND) is a checked type
      if (e instanceof RuntimeException r && !(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw r;
      }
      throw new SerException(path, "cannot list audio files: " + e.getMessage(), e);
    }
    return files.mapPartitions(
        new FromBytes(modelSpec, candidates), Encoders.row(PredictionSchema.SCHEMA));
  }

  /**
   * Recognises the clips of a manifest: a dataset with a string column {@link SparkManifest#PATH}
   * (absolute paths or URIs) and optionally {@link SparkManifest#ID} (else the file name without
   * its extension), such as {@link SparkManifest#read} returns. Files are opened on the executors
   * with the session's Hadoop configuration; a missing file is a per-clip error.
   *
   * @return the lazy prediction table ({@link PredictionSchema#SCHEMA}), in the manifest's order
   * @throws ManifestException if the dataset has no {@code path} column
   */
  public Dataset<Row> recognizeManifest(Dataset<Row> manifest) {
    Objects.requireNonNull(manifest, "manifest");
    java.util.List<String> cols = java.util.Arrays.asList(manifest.columns());
    if (!cols.contains(SparkManifest.PATH)) {
      throw new ManifestException(
          "manifest", "the dataset has no '" + SparkManifest.PATH + "' column; columns: " + cols);
    }
    Dataset<Row> input =
        cols.contains(SparkManifest.ID)
            ? manifest.select(SparkManifest.PATH, SparkManifest.ID)
            : manifest.select(SparkManifest.PATH);
    SparkSession spark = manifest.sparkSession();
    Broadcast<HadoopConf> conf =
        spark
            .sparkContext()
            .broadcast(
                new HadoopConf(spark.sparkContext().hadoopConfiguration()),
                scala.reflect.ClassTag$.MODULE$.apply(HadoopConf.class));
    return input.mapPartitions(
        new FromPaths(modelSpec, candidates, conf), Encoders.row(PredictionSchema.SCHEMA));
  }

  /** Writes predictions as Parquet into directory {@code dir} (Spark's part files), replacing it. */
  public static void writeParquet(Dataset<Row> predictions, String dir) {
    predictions.write().mode(SaveMode.Overwrite).parquet(dir);
  }

  /**
   * Writes predictions as JSON Lines into directory {@code dir} (Spark's part files, one object per
   * line with the {@link PredictionSchema} keys; null columns are left out), replacing it.
   */
  public static void writeJsonl(Dataset<Row> predictions, String dir) {
    predictions.write().mode(SaveMode.Overwrite).json(dir);
  }

  // ------------------------------------------------------------------------------------------
  // per-clip work (the same code path for both inputs)
  // ------------------------------------------------------------------------------------------

  /** Something that opens a clip's bytes. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  /** The id of a path when none is given: the file name without its last extension. */
  static String idOf(String path) {
    String name = path;
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      name = name.substring(slash + 1);
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /**
   * One prediction row: decodes and recognises the clip, or records why it failed (any exception
   * from reading, decoding or recognising; errors such as {@link OutOfMemoryError} propagate).
   */
  static Row recognizeOne(
      Recognizer recognizer, LabelSet candidates, String id, String path, Opener opener) {
    try {
      AudioClip clip;
      try (InputStream in = opener.open()) {
        clip = AudioLoader.load(in, path);
      }
      return toRow(id, path, recognizer.recognize(clip, candidates));
    } catch (IOException | RuntimeException e) {
      return failure(id, path, e);
    }
  }

  static Row toRow(String id, String path, Recognition r) {
    Map<String, Double> probs = null;
    if (r.probabilities() != null) {
      probs = new LinkedHashMap<>();
      for (Map.Entry<Label, Double> e : r.probabilities().asMap().entrySet()) {
        probs.put(e.getKey().name(), e.getValue());
      }
    }
    Map<String, Double> cues = null;
    if (r.cues() != null) {
      cues = new LinkedHashMap<>();
      for (Map.Entry<Cue, Double> e : r.cues().asMap().entrySet()) {
        if (Double.isFinite(e.getValue())) {
          cues.put(e.getKey().key(), e.getValue());
        }
      }
    }
    return RowFactory.create(
        id,
        path,
        r.label() == null ? null : r.label().name(),
        probs == null ? null : CollectionConverters.asScala(probs),
        r.transcript(),
        r.rationale(),
        cues == null ? null : CollectionConverters.asScala(cues),
        null);
  }

  static Row failure(String id, String path, Exception e) {
    String message = e.getMessage() == null ? "(no message)" : e.getMessage();
    return RowFactory.create(
        id, path, null, null, "", "", null, e.getClass().getSimpleName() + ": " + message);
  }

  /** The partition function over {@code (path, content)} rows of the binaryFile source. */
  private static final class FromBytes implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String modelSpec;
    private final String[] candidates;

    FromBytes(String modelSpec, String[] candidates) {
      this.modelSpec = modelSpec;
      this.candidates = candidates;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Recognizer recognizer = ExecutorModels.get(modelSpec);
      LabelSet cand = candidates == null ? null : LabelSet.of(candidates);
      return new Mapped(
          rows,
          row -> {
            String path = row.getString(0);
            byte[] content = row.getAs(1);
            return recognizeOne(
                recognizer, cand, idOf(path), path, () -> new ByteArrayInputStream(content));
          });
    }
  }

  /** The partition function over manifest rows {@code (path[, id])}, files opened through Hadoop. */
  private static final class FromPaths implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String modelSpec;
    private final String[] candidates;
    private final Broadcast<HadoopConf> conf;

    FromPaths(String modelSpec, String[] candidates, Broadcast<HadoopConf> conf) {
      this.modelSpec = modelSpec;
      this.candidates = candidates;
      this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Recognizer recognizer = ExecutorModels.get(modelSpec);
      LabelSet cand = candidates == null ? null : LabelSet.of(candidates);
      org.apache.hadoop.conf.Configuration hadoop = conf.value().get();
      return new Mapped(
          rows,
          row -> {
            String path = row.isNullAt(0) ? "" : row.getString(0);
            String id =
                row.length() > 1 && !row.isNullAt(1) ? row.getString(1) : idOf(path);
            return recognizeOne(
                recognizer,
                cand,
                id,
                path,
                () -> {
                  if (path.isBlank()) {
                    throw new ManifestException(id, "the manifest row has no path");
                  }
                  Path p = new Path(path);
                  FileSystem fs = p.getFileSystem(hadoop);
                  return fs.open(p);
                });
          });
    }
  }

  /** A lazy one-to-one iterator: clips are recognised as Spark pulls rows, not all up front. */
  private static final class Mapped implements Iterator<Row> {
    private final Iterator<Row> in;
    private final java.util.function.Function<Row, Row> f;

    Mapped(Iterator<Row> in, java.util.function.Function<Row, Row> f) {
      this.in = in;
      this.f = f;
    }

    @Override
    public boolean hasNext() {
      return in.hasNext();
    }

    @Override
    public Row next() {
      if (!in.hasNext()) {
        throw new NoSuchElementException();
      }
      return f.apply(in.next());
    }
  }

  /** Builds a {@link SparkRecognizer}. Not thread-safe. */
  public static final class Builder {
    private String modelSpec = DEFAULT_MODEL;
    private LabelSet candidates;
    private String glob = DEFAULT_GLOB;

    private Builder() {}

    /**
     * The model specification, as {@code ser analyze --model}: {@code default}, {@code baseline},
     * a checkpoint directory or an {@code http(s)://} URL. The directory must exist at the same
     * path on every executor (see docs/spark.md on shipping models).
     */
    public Builder model(String spec) {
      this.modelSpec = spec;
      return this;
    }

    /** Restricts the output distribution to these labels (as {@code --labels}); null for all. */
    public Builder candidates(LabelSet labels) {
      this.candidates = labels;
      return this;
    }

    /** The file-name glob {@link #recognizeFiles} matches, e.g. {@code "*.{wav,flac}"}. */
    public Builder glob(String pattern) {
      this.glob = pattern;
      return this;
    }

    /**
     * The recognizer configuration. The model itself is not loaded here but on the executors.
     *
     * @throws io.ser4j.core.ModelLoadException if the model specification is blank
     * @throws ManifestException if the glob is blank
     */
    public SparkRecognizer build() {
      if (modelSpec == null || modelSpec.isBlank()) {
        throw new io.ser4j.core.ModelLoadException(
            String.valueOf(modelSpec), "the model specification is blank");
      }
      if (glob == null || glob.isBlank()) {
        throw new ManifestException("glob", "the file-name glob is blank");
      }
      modelSpec = modelSpec.trim();
      return new SparkRecognizer(this);
    }
  }
}
