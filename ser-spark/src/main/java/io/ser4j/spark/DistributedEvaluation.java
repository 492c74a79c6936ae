package io.ser4j.spark;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.metrics.EvaluationCounts;
import io.ser4j.metrics.EvaluationItem;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Scores a prediction table against a labelled manifest without collecting the items: each
 * partition counts its items into {@link EvaluationCounts}, the driver merges the per-partition
 * counts, and every count-based metric (accuracy, Macro-F1, weighted F1, UAR, annotator-aware
 * Macro-F1 and accuracy, per-class scores, confusion matrices) is then <em>identical</em> to what
 * {@link io.ser4j.metrics.Evaluation} computes on the same items on one machine (see {@link
 * EvaluationCounts} for why, and for why the soft-label and agreement metrics are not included).
 *
 * <p>Items are joined on {@link PredictionSchema#ID} = {@link SparkManifest#ID}. A clip whose
 * recognition failed (its {@link PredictionSchema#ERROR} is set) is not scored but counted in
 * {@link Result#failed()}; a manifest row without annotations or majority label is counted in
 * {@link Result#unlabelled()}. Stateless; thread-safe.
 */
public final class DistributedEvaluation {
  private DistributedEvaluation() {}

  /**
   * The merged counts of a distributed evaluation and what was left out.
   *
   * @param counts the merged counts of the scored items (read metrics from it)
   * @param failed predictions with an error, not scored
   * @param unlabelled manifest rows without labels, not scored
   * @param partitions number of partitions whose counts were merged
   */
  public record Result(EvaluationCounts counts, long failed, long unlabelled, int partitions) {}

  /** One partition's counts (shipped to the driver with Java serialization). */
  record PartitionCounts(EvaluationCounts counts, long failed, long unlabelled)
      implements Serializable {}

  /**
   * Scores {@code predictions} ({@link PredictionSchema}) against {@code manifest} ({@link
   * SparkManifest#SCHEMA}) with the label set observed from the items.
   *
   * @throws ManifestException if a dataset lacks a needed column, or no item could be scored
   */
  public static Result evaluate(Dataset<Row> predictions, Dataset<Row> manifest) {
    return evaluate(predictions, manifest, null);
  }

  /**
   * Scores {@code predictions} against {@code manifest} over a given label set (or observed labels
   * when {@code labels} is null), as {@link io.ser4j.metrics.Evaluation#of(java.util.Collection,
   * LabelSet)}.
   *
   * @throws ManifestException if a dataset lacks a needed column, or no item could be scored
   * @throws io.ser4j.core.UnknownLabelException (inside the job's exception) naming the item when a
   *     label is outside the given set
   */
  public static Result evaluate(Dataset<Row> predictions, Dataset<Row> manifest, LabelSet labels) {
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(manifest, "manifest");
    require(predictions, "predictions", PredictionSchema.ID, PredictionSchema.LABEL);
    require(manifest, "manifest", SparkManifest.ID, SparkManifest.ANNOTATIONS, SparkManifest.MAJORITY);
    Dataset<Row> p = predictions.select(
        predictions.col(PredictionSchema.ID).as("pid"),
        predictions.col(PredictionSchema.LABEL).as("prediction"));
    Dataset<Row> m = manifest.select(
        manifest.col(SparkManifest.ID).as("mid"),
        manifest.col(SparkManifest.ANNOTATIONS).as("ann"),
        manifest.col(SparkManifest.MAJORITY).as("maj"));
    Column on = p.col("pid").equalTo(m.col("mid"));
    Dataset<Row> joined = p.join(m, on, "inner").select("pid", "prediction", "ann", "maj");
    String[] given = labels == null ? null : names(labels);
    List<PartitionCounts> parts = joined.javaRDD().mapPartitions(new CountPartition(given)).collect();
    EvaluationCounts total =
        given == null ? EvaluationCounts.empty() : EvaluationCounts.empty(LabelSet.of(given));
    long failed = 0;
    long unlabelled = 0;
    for (PartitionCounts pc : parts) {
      total = total.merge(pc.counts());
      failed += pc.failed();
      unlabelled += pc.unlabelled();
    }
    if (total.n() == 0) {
      throw new ManifestException(
          "predictions",
          "no item could be scored: " + failed + " failed, " + unlabelled
              + " unlabelled (are the ids of predictions and manifest the same?)");
    }
    return new Result(total, failed, unlabelled, parts.size());
  }

  private static String[] names(LabelSet labels) {
    String[] out = new String[labels.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = labels.get(i).name();
    }
    return out;
  }

  private static void require(Dataset<Row> ds, String what, String... columns) {
    List<String> have = Arrays.asList(ds.columns());
    for (String c : columns) {
      if (!have.contains(c)) {
        throw new ManifestException(what, "the dataset has no '" + c + "' column; columns: " + have);
      }
    }
  }

  /** Counts one partition of joined rows {@code (id, prediction, annotations, majority)}. */
  private static final class CountPartition implements FlatMapFunction<Iterator<Row>, PartitionCounts> {
    private static final long serialVersionUID = 1L;
    private final String[] labels;

    CountPartition(String[] labels) {
      this.labels = labels;
    }

    @Override
    public Iterator<PartitionCounts> call(Iterator<Row> rows) {
      EvaluationCounts.Builder b =
          labels == null ? EvaluationCounts.builder() : EvaluationCounts.builder(LabelSet.of(labels));
      long failed = 0;
      long unlabelled = 0;
      while (rows.hasNext()) {
        Row r = rows.next();
        String id = r.getString(0);
        List<Label> ann = new ArrayList<>();
        if (!r.isNullAt(2)) {
          for (Object a : r.getList(2)) {
            ann.add(new Label(a.toString()));
          }
        }
        Label majority = r.isNullAt(3) ? null : new Label(r.getString(3));
        if (ann.isEmpty() && majority != null) {
          ann.add(majority);
        }
        if (ann.isEmpty()) {
          unlabelled++;
        } else if (r.isNullAt(1)) {
          failed++;
        } else {
          b.add(new EvaluationItem(id, new Label(r.getString(1)), ann, majority, null, null));
        }
      }
      return List.of(new PartitionCounts(b.build(), failed, unlabelled)).iterator();
    }
  }
}
