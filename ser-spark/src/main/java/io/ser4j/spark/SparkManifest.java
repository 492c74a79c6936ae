package io.ser4j.spark;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Manifests as Spark datasets with the columns {@value #ID}, {@value #PATH}, {@value #ANNOTATIONS}
 * (array of label names, possibly empty) and {@value #MAJORITY} (nullable): the input of {@link
 * SparkRecognizer#recognizeManifest} and, with labels, of {@link DistributedEvaluation}.
 *
 * <p>Sources: a manifest file on any Hadoop-compatible file system ({@link #read}): ser4j's JSONL
 * manifest ({@code *.jsonl} / {@code *.json}: keys {@code audio}, optional {@code id}, {@code
 * label}, {@code annotations}; docs/corpora.md) or a plain list of audio paths, one per line; or a
 * corpus read on the driver with {@link io.ser4j.core.corpus.Corpora} ({@link #fromCorpus}).
 * Relative audio paths are resolved against the manifest's directory. Stateless; thread-safe.
 */
public final class SparkManifest {
  /** Column: utterance id. */
  public static final String ID = "id";
  /** Column: absolute audio path or URI. */
  public static final String PATH = "path";
  /** Column: per-annotator labels (array of strings). */
  public static final String ANNOTATIONS = "annotations";
  /** Column: consensus label, or null. */
  public static final String MAJORITY = "majority";

  /** The manifest dataset's schema. */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(ID, DataTypes.StringType, false),
            DataTypes.createStructField(PATH, DataTypes.StringType, false),
            DataTypes.createStructField(
                ANNOTATIONS, DataTypes.createArrayType(DataTypes.StringType, false), false),
            DataTypes.createStructField(MAJORITY, DataTypes.StringType, true)
          });

  /** The JSONL manifest's keys that this reader uses (others are ignored). */
  private static final StructType JSONL_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("id", DataTypes.StringType, true),
            DataTypes.createStructField("audio", DataTypes.StringType, true),
            DataTypes.createStructField("label", DataTypes.StringType, true),
            DataTypes.createStructField(
                "annotations", DataTypes.createArrayType(DataTypes.StringType, true), true)
          });

  private SparkManifest() {}

  /**
   * Reads a manifest file lazily on the cluster: JSONL when the name ends in {@code .jsonl} or
   * {@code .json}, else a list of paths (blank lines and lines starting with {@code #} skipped).
   * A JSONL line without {@code audio}, or one that is not JSON, fails the job when the dataset is
   * evaluated, with a {@link ManifestException} naming the manifest and the line's id or content.
   *
   * @param manifest a Hadoop-compatible path or URI
   */
  public static Dataset<Row> read(SparkSession spark, String manifest) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(manifest, "manifest");
    Path file = new Path(manifest);
    Path dir = file.getParent();
    String base = dir == null ? "" : dir.toString();
    String lower = manifest.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".jsonl") || lower.endsWith(".json")) {
      Dataset<Row> raw =
          spark
              .read()
              .schema(JSONL_SCHEMA.add("_corrupt_record", DataTypes.StringType, true))
              .option("mode", "PERMISSIVE")
              .option("columnNameOfCorruptRecord", "_corrupt_record")
              .json(manifest);
      return raw.map(new FromJsonl(manifest, base), Encoders.row(SCHEMA));
    }
    return spark
        .read()
        .textFile(manifest)
        .filter((org.apache.spark.api.java.function.FilterFunction<String>) SparkManifest::isEntry)
        .map(new FromLine(base), Encoders.row(SCHEMA));
  }

  private static boolean isEntry(String line) {
    String s = line.trim();
    return !s.isEmpty() && !s.startsWith("#");
  }

  /**
   * A manifest dataset from a corpus read on the driver (e.g. {@code Corpora.readEmoDb}); paths
   * become {@code file:} URIs, so every executor must see the same files (a shared mount), else
   * use a manifest on a distributed file system.
   *
   * @param partitions number of partitions of the result, &gt; 0
   * @throws ManifestException if the corpus is empty or {@code partitions} is not positive
   */
  public static Dataset<Row> fromCorpus(SparkSession spark, Corpus corpus, int partitions) {
    Objects.requireNonNull(corpus, "corpus");
    if (corpus.size() == 0) {
      throw new ManifestException(corpus.name(), "the corpus has no utterances");
    }
    if (partitions <= 0) {
      throw new ManifestException(corpus.name(), "partitions must be positive, got " + partitions);
    }
    List<Row> rows = new ArrayList<>(corpus.size());
    for (Utterance u : corpus.utterances()) {
      List<String> ann = new ArrayList<>();
      for (Label l : u.annotations()) {
        ann.add(l.name());
      }
      rows.add(
          RowFactory.create(
              u.id(),
              u.audio().toUri().toString(),
              ann.toArray(String[]::new),
              u.majority() == null ? null : u.majority().name()));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  private static final class FromLine implements MapFunction<String, Row> {
    private static final long serialVersionUID = 1L;
    private final String base;

    FromLine(String base) {
      this.base = base;
    }

    @Override
    public Row call(String line) {
      String path = resolve(base, line.trim());
      return RowFactory.create(SparkRecognizer.idOf(path), path, new String[0], null);
    }
  }

  private static final class FromJsonl implements MapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final String manifest;
    private final String base;

    FromJsonl(String manifest, String base) {
      this.manifest = manifest;
      this.base = base;
    }

    @Override
    public Row call(Row r) {
      String corrupt = r.getAs("_corrupt_record");
      if (corrupt != null) {
        throw new ManifestException(
            manifest, "not a JSON object: " + abbreviate(corrupt) + " (one object per line)");
      }
      String id = r.getAs("id");
      String audio = r.getAs("audio");
      if (audio == null || audio.isBlank()) {
        throw new ManifestException(
            manifest,
            "line " + (id == null ? "without id" : "\"" + id + "\"") + " has no \"audio\" path");
      }
      String path = resolve(base, audio);
      String label = r.getAs("label");
      List<String> ann = new ArrayList<>();
      if (!r.isNullAt(r.fieldIndex("annotations"))) {
        for (Object a : r.getList(r.fieldIndex("annotations"))) {
          if (a != null && !a.toString().isBlank()) {
            ann.add(new Label(a.toString()).name());
          }
        }
      }
      String majority = label == null || label.isBlank() ? null : new Label(label).name();
      if (ann.isEmpty() && majority != null) {
        ann.add(majority);
      }
      return RowFactory.create(
          id == null || id.isBlank() ? SparkRecognizer.idOf(path) : id,
          path,
          ann.toArray(String[]::new),
          majority);
    }

    private static String abbreviate(String s) {
      String t = s.strip();
      return t.length() <= 80 ? t : t.substring(0, 77) + "...";
    }
  }

  /** {@code path} unless it is relative, then resolved against {@code base} (Hadoop semantics). */
  static String resolve(String base, String path) {
    Path p = new Path(path);
    if (p.isAbsolute() || p.toUri().getScheme() != null || base.isEmpty()) {
      return p.toString();
    }
    return new Path(new Path(base), p).toString();
  }
}
