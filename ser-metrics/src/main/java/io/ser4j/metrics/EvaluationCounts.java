package io.ser4j.metrics;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.SerException;
import io.ser4j.core.UnknownLabelException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mergeable counts behind the count-based metrics of an {@link Evaluation}: the majority and
 * annotator-aware confusion counts, the number of items and of items without a majority, and the
 * labels seen. Counts of disjoint item sets (data partitions, files, shards) merge with {@link
 * #merge(EvaluationCounts)} into the counts of their union, and every metric read from merged
 * counts is <em>identical</em> (bit for bit) to the value {@link Evaluation} computes on all the
 * items at once, because the metrics are exact functions of integer counts evaluated with the same
 * arithmetic in the same class order. This is how distributed evaluation (e.g. {@code ser-spark})
 * scores a corpus without collecting its items in one place.
 *
 * <p>Covered: the {@link Metric.Family#MAJORITY} and {@link Metric.Family#ANNOTATOR_AWARE} metrics
 * ({@link #supports(Metric)}), {@link #perClass()}, both confusion matrices and the label sets,
 * under the same rules as {@link Evaluation} (see its class documentation): with a given label set
 * ({@link #builder(LabelSet)}) every average runs over it; without one ({@link #builder()}) over
 * the labels observed as majority (or annotator-aware) reference or prediction of the items that
 * have a majority. Not covered: the soft-label and agreement metrics, which are sums of
 * per-item real numbers whose floating-point value depends on the summation order, so they could
 * not be identical after a merge; compute them with {@link Evaluation} where they are needed.
 *
 * <pre>{@code
 * EvaluationCounts.Builder part1 = EvaluationCounts.builder();
 * itemsOfPartition1.forEach(part1::add);
 * EvaluationCounts total = part1.build().merge(countsOfPartition2);
 * double f1 = total.macroF1();   // == Evaluation.of(allItems).macroF1()
 * }</pre>
 *
 * <p>Instances are immutable, thread-safe and {@link Serializable} (for shipping between JVMs);
 * {@link Builder} is not thread-safe.
 */
public final class EvaluationCounts implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The given label names in order, or {@code null} when the label set is observed. */
  private final List<String> givenLabels;

  private final long n;
  private final long nNoMajority;
  /** reference → prediction → count, majority reference. */
  private final TreeMap<String, TreeMap<String, Long>> majorityCells;
  /** reference → prediction → count, annotator-aware reference. */
  private final TreeMap<String, TreeMap<String, Long>> awareCells;
  /** Every label seen as prediction, annotation or given majority. */
  private final TreeSet<String> seen;

  private EvaluationCounts(
      List<String> givenLabels,
      long n,
      long nNoMajority,
      TreeMap<String, TreeMap<String, Long>> majorityCells,
      TreeMap<String, TreeMap<String, Long>> awareCells,
      TreeSet<String> seen) {
    this.givenLabels = givenLabels;
    this.n = n;
    this.nNoMajority = nNoMajority;
    this.majorityCells = majorityCells;
    this.awareCells = awareCells;
    this.seen = seen;
  }

  /** A builder whose label set is observed from the items (as {@link Evaluation#of(java.util.Collection)}). */
  public static Builder builder() {
    return new Builder(null);
  }

  /**
   * A builder over a given label set (as {@link Evaluation#of(java.util.Collection, LabelSet)}):
   * its order fixes matrix rows and columns.
   *
   * @throws ManifestException if {@code labels} is null
   */
  public static Builder builder(LabelSet labels) {
    if (labels == null) {
      throw new ManifestException("labels", "the label set is missing");
    }
    return new Builder(labels);
  }

  /** The counts of no items, with an observed label set: the identity of {@link #merge}. */
  public static EvaluationCounts empty() {
    return builder().build();
  }

  /** The counts of no items over a given label set: the identity of {@link #merge} for it. */
  public static EvaluationCounts empty(LabelSet labels) {
    return builder(labels).build();
  }

  /**
   * The counts of {@code items}.
   *
   * @throws ManifestException if an item is null
   */
  public static EvaluationCounts of(Iterable<EvaluationItem> items) {
    Builder b = builder();
    items.forEach(b::add);
    return b.build();
  }

  /**
   * The counts of {@code items} over a given label set.
   *
   * @throws UnknownLabelException naming the item when it uses a label outside {@code labels}
   */
  public static EvaluationCounts of(Iterable<EvaluationItem> items, LabelSet labels) {
    Builder b = builder(labels);
    items.forEach(b::add);
    return b.build();
  }

  /** True when {@code metric} can be read from counts ({@link #metric(Metric)}). */
  public static boolean supports(Metric metric) {
    return metric != null
        && (metric.family() == Metric.Family.MAJORITY
            || metric.family() == Metric.Family.ANNOTATOR_AWARE);
  }

  /**
   * The counts of both item sets. Merging is associative and commutative, so partitions may be
   * merged in any order.
   *
   * @throws SerException if the two were counted over different given label sets (or one over a
   *     given set and the other over observed labels)
   */
  public EvaluationCounts merge(EvaluationCounts other) {
    Objects.requireNonNull(other, "other");
    if (!Objects.equals(givenLabels, other.givenLabels)) {
      throw new SerException(
          "evaluation counts",
          "cannot merge counts over different label sets: "
              + describe(givenLabels)
              + " and "
              + describe(other.givenLabels));
    }
    TreeSet<String> s = new TreeSet<>(seen);
    s.addAll(other.seen);
    return new EvaluationCounts(
        givenLabels,
        n + other.n,
        nNoMajority + other.nNoMajority,
        mergeCells(majorityCells, other.majorityCells),
        mergeCells(awareCells, other.awareCells),
        s);
  }

  private static String describe(List<String> labels) {
    return labels == null ? "observed labels" : labels.toString();
  }

  private static TreeMap<String, TreeMap<String, Long>> mergeCells(
      TreeMap<String, TreeMap<String, Long>> a, TreeMap<String, TreeMap<String, Long>> b) {
    TreeMap<String, TreeMap<String, Long>> out = deepCopy(a);
    b.forEach(
        (ref, row) -> {
          TreeMap<String, Long> target = out.computeIfAbsent(ref, k -> new TreeMap<>());
          row.forEach((pred, cnt) -> target.merge(pred, cnt, Long::sum));
        });
    return out;
  }

  private static TreeMap<String, TreeMap<String, Long>> deepCopy(
      TreeMap<String, TreeMap<String, Long>> cells) {
    TreeMap<String, TreeMap<String, Long>> out = new TreeMap<>();
    cells.forEach((ref, row) -> out.put(ref, new TreeMap<>(row)));
    return out;
  }

  /** Number of items counted. */
  public long n() {
    return n;
  }

  /** Items without a majority label (left out of every majority-based metric). */
  public long nNoMajority() {
    return nNoMajority;
  }

  /** True when the label set was given ({@link #builder(LabelSet)}). */
  public boolean isLabelSetGiven() {
    return givenLabels != null;
  }

  /**
   * Every label of the counts: the given label set, else every label seen as prediction, annotation
   * or given majority, alphabetically (as {@link Evaluation#allLabels()}).
   *
   * @throws ManifestException when no item was counted and no label set was given
   */
  public LabelSet allLabels() {
    if (givenLabels != null) {
      return LabelSet.of(givenLabels.toArray(String[]::new));
    }
    requireItems();
    return LabelSet.of(seen.toArray(String[]::new));
  }

  /**
   * The label set of the majority-based metrics (as {@link Evaluation#labels()}).
   *
   * @throws ManifestException when no item was counted
   */
  public LabelSet labels() {
    return classes(majorityCells);
  }

  /**
   * The label set of the annotator-aware metrics (as {@link Evaluation#annotatorAwareLabels()}).
   *
   * @throws ManifestException when no item was counted
   */
  public LabelSet annotatorAwareLabels() {
    return classes(awareCells);
  }

  private LabelSet classes(TreeMap<String, TreeMap<String, Long>> cells) {
    requireItems();
    if (givenLabels != null || nNoMajority == n) {
      return allLabels();
    }
    TreeSet<String> used = new TreeSet<>(cells.keySet());
    cells.values().forEach(row -> used.addAll(row.keySet()));
    return LabelSet.of(used.toArray(String[]::new));
  }

  private void requireItems() {
    if (n == 0) {
      throw new ManifestException("items", "no items to evaluate (the counts are empty)");
    }
  }

  /** Items with a majority label: the denominator of accuracy and weighted F1. */
  private long scored() {
    return n - nNoMajority;
  }

  /**
   * The confusion counts over {@code labels}, row-major (c, c): rows reference, columns
   * prediction.
   */
  private static long[] matrix(TreeMap<String, TreeMap<String, Long>> cells, LabelSet labels) {
    int c = labels.size();
    long[] cm = new long[c * c];
    cells.forEach(
        (ref, row) -> {
          int r = labels.indexOf(Label.of(ref));
          row.forEach((pred, cnt) -> cm[r * c + labels.indexOf(Label.of(pred))] += cnt);
        });
    return cm;
  }

  /**
   * The value of a count-based metric; NaN when no item has a majority label.
   *
   * @throws IllegalArgumentException when {@link #supports(Metric)} is false for {@code metric}
   * @throws ManifestException when no item was counted
   */
  public double metric(Metric metric) {
    if (!supports(metric)) {
      throw new IllegalArgumentException(
          "metric " + metric + " is not count-based; compute it with Evaluation");
    }
    boolean aware = metric.family() == Metric.Family.ANNOTATOR_AWARE;
    LabelSet labels = aware ? annotatorAwareLabels() : labels();
    long[] cm = matrix(aware ? awareCells : majorityCells, labels);
    int c = labels.size();
    long total = scored();
    switch (metric) {
      case ACCURACY_MAJORITY:
      case ACCURACY_ANNOTATOR_AWARE:
        return accuracy(cm, c, total);
      case MACRO_F1_MAJORITY:
      case MACRO_F1_ANNOTATOR_AWARE:
        return macroF1(cm, c, total);
      case WEIGHTED_F1:
        return weightedF1(cm, c, total);
      case UAR:
        return uar(cm, c, total);
      default:
        throw new AssertionError(metric);
    }
  }

  /**
   * Every count-based metric, keyed by metric, in declaration order.
   *
   * @throws ManifestException when no item was counted
   */
  public Map<Metric, Double> metrics() {
    EnumMap<Metric, Double> out = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      if (supports(m)) {
        out.put(m, metric(m));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Accuracy against the majority label (as {@link Evaluation#accuracy()}). */
  public double accuracy() {
    return metric(Metric.ACCURACY_MAJORITY);
  }

  /** Macro-F1 against the majority label (as {@link Evaluation#macroF1()}). */
  public double macroF1() {
    return metric(Metric.MACRO_F1_MAJORITY);
  }

  /** Support-weighted F1 against the majority label (as {@link Evaluation#weightedF1()}). */
  public double weightedF1() {
    return metric(Metric.WEIGHTED_F1);
  }

  /** Unweighted average recall (as {@link Evaluation#uar()}). */
  public double uar() {
    return metric(Metric.UAR);
  }

  /** Annotator-aware Macro-F1 (as {@link Evaluation#annotatorAwareMacroF1()}). */
  public double annotatorAwareMacroF1() {
    return metric(Metric.MACRO_F1_ANNOTATOR_AWARE);
  }

  /** Annotator-aware accuracy (as {@link Evaluation#annotatorAwareAccuracy()}). */
  public double annotatorAwareAccuracy() {
    return metric(Metric.ACCURACY_ANNOTATOR_AWARE);
  }

  /**
   * Per-class precision, recall, F1 and support against the majority label, one per class of
   * {@link #labels()} (as {@link Evaluation#perClass()}).
   *
   * @throws ManifestException when no item was counted
   */
  public List<ClassMetrics> perClass() {
    LabelSet labels = labels();
    int c = labels.size();
    long[] cm = matrix(majorityCells, labels);
    List<ClassMetrics> out = new ArrayList<>(c);
    for (int k = 0; k < c; k++) {
      out.add(
          new ClassMetrics(
              labels.get(k), precision(cm, c, k), recall(cm, c, k), f1(cm, c, k), support(cm, c, k)));
    }
    return List.copyOf(out);
  }

  /**
   * The majority confusion matrix over {@link #labels()} (as {@link Evaluation#confusionMatrix()}).
   *
   * @throws ManifestException when no item was counted
   */
  public ConfusionMatrix confusionMatrix() {
    LabelSet labels = labels();
    return new ConfusionMatrix(labels, matrix(majorityCells, labels));
  }

  /**
   * The annotator-aware confusion matrix over {@link #annotatorAwareLabels()} (as {@link
   * Evaluation#annotatorAwareConfusionMatrix()}).
   *
   * @throws ManifestException when no item was counted
   */
  public ConfusionMatrix annotatorAwareConfusionMatrix() {
    LabelSet labels = annotatorAwareLabels();
    return new ConfusionMatrix(labels, matrix(awareCells, labels));
  }

  /**
   * The count-based part of {@link MetricsReport#toJsonMap()}, with the same keys: {@code n},
   * {@code n_no_majority}, {@code labels} (and {@code labels_all}, {@code labels_annotator_aware}
   * where they differ), every supported metric (null when undefined), {@code per_class}, {@code
   * confusion_matrix}, {@code confusion_matrix_normalized}.
   *
   * @throws ManifestException when no item was counted
   */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", jsonCount(n));
    m.put("n_no_majority", jsonCount(nNoMajority));
    m.put("labels", names(labels()));
    if (!allLabels().equals(labels())) {
      m.put("labels_all", names(allLabels()));
    }
    if (!annotatorAwareLabels().equals(labels())) {
      m.put("labels_annotator_aware", names(annotatorAwareLabels()));
    }
    metrics().forEach((k, v) -> m.put(k.key(), Double.isFinite(v) ? v : null));
    Map<String, Object> perClass = new LinkedHashMap<>();
    for (ClassMetrics c : perClass()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("precision", c.precision());
      row.put("recall", c.recall());
      row.put("f1", c.f1());
      row.put("support", c.support());
      perClass.put(c.label().name(), Collections.unmodifiableMap(row));
    }
    m.put("per_class", Collections.unmodifiableMap(perClass));
    m.put("confusion_matrix", confusionMatrix().countsAsLists());
    m.put("confusion_matrix_normalized", confusionMatrix().rowNormalisedAsLists());
    return Collections.unmodifiableMap(m);
  }

  /** An {@code int} when the count fits (as {@link MetricsReport} writes it), else a {@code long}. */
  private static Number jsonCount(long count) {
    if (count <= Integer.MAX_VALUE) {
      return Integer.valueOf((int) count);
    }
    return Long.valueOf(count);
  }

  private static List<String> names(LabelSet labels) {
    List<String> out = new ArrayList<>(labels.size());
    labels.forEach(l -> out.add(l.name()));
    return List.copyOf(out);
  }

  // the same arithmetic, in the same order, as ItemTable's kernels (so values are identical)

  private static double precision(long[] cm, int c, int k) {
    long col = 0;
    for (int r = 0; r < c; r++) {
      col += cm[r * c + k];
    }
    return col == 0 ? 0 : cm[k * c + k] / (double) col;
  }

  private static double recall(long[] cm, int c, int k) {
    long row = support(cm, c, k);
    return row == 0 ? 0 : cm[k * c + k] / (double) row;
  }

  private static long support(long[] cm, int c, int k) {
    long row = 0;
    for (int j = 0; j < c; j++) {
      row += cm[k * c + j];
    }
    return row;
  }

  private static double f1(long[] cm, int c, int k) {
    double pr = precision(cm, c, k);
    double rc = recall(cm, c, k);
    double denom = pr + rc;
    return denom == 0 ? 0 : 2 * pr * rc / denom;
  }

  private static double macroF1(long[] cm, int c, long total) {
    if (total == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int k = 0; k < c; k++) {
      s += f1(cm, c, k);
    }
    return s / c;
  }

  private static double weightedF1(long[] cm, int c, long total) {
    if (total == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int k = 0; k < c; k++) {
      s += f1(cm, c, k) * support(cm, c, k);
    }
    return s / total;
  }

  private static double uar(long[] cm, int c, long total) {
    if (total == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int k = 0; k < c; k++) {
      s += recall(cm, c, k);
    }
    return s / c;
  }

  private static double accuracy(long[] cm, int c, long total) {
    if (total == 0) {
      return Double.NaN;
    }
    long t = 0;
    for (int k = 0; k < c; k++) {
      t += cm[k * c + k];
    }
    return t / (double) total;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EvaluationCounts e
        && e.n == n
        && e.nNoMajority == nNoMajority
        && Objects.equals(e.givenLabels, givenLabels)
        && e.majorityCells.equals(majorityCells)
        && e.awareCells.equals(awareCells)
        && e.seen.equals(seen);
  }

  @Override
  public int hashCode() {
    return Objects.hash(givenLabels, n, nNoMajority, majorityCells, awareCells, seen);
  }

  @Override
  public String toString() {
    return "EvaluationCounts[n=" + n + ", nNoMajority=" + nNoMajority + ", majority=" + majorityCells
        + "]";
  }

  /** Accumulates items into {@link EvaluationCounts}. Not thread-safe; one per partition. */
  public static final class Builder {
    private final LabelSet given;
    private long n;
    private long nNoMajority;
    private final TreeMap<String, TreeMap<String, Long>> majorityCells = new TreeMap<>();
    private final TreeMap<String, TreeMap<String, Long>> awareCells = new TreeMap<>();
    private final TreeSet<String> seen = new TreeSet<>();

    private Builder(LabelSet given) {
      this.given = given;
    }

    /**
     * Counts one item: its majority reference (the given majority, else the strict plurality of
     * its annotations, else none), and its annotator-aware reference (the prediction when an
     * annotator chose it, else the majority).
     *
     * @throws ManifestException if {@code item} is null
     * @throws UnknownLabelException naming the item when a label set was given and the item uses a
     *     label outside it
     */
    public Builder add(EvaluationItem item) {
      if (item == null) {
        throw new ManifestException("items", "item " + n + " is null");
      }
      check(item.prediction(), item.id(), "prediction");
      for (Label a : item.annotations()) {
        check(a, item.id(), "annotation");
      }
      if (item.majority() != null) {
        check(item.majority(), item.id(), "majority");
      }
      n++;
      seen.add(item.prediction().name());
      item.annotations().forEach(a -> seen.add(a.name()));
      if (item.majority() != null) {
        seen.add(item.majority().name());
      }
      Label majority = item.referenceMajority().orElse(null);
      if (majority == null) {
        nNoMajority++;
        return this;
      }
      Label pred = item.prediction();
      Label aware = item.annotations().contains(pred) ? pred : majority;
      count(majorityCells, majority, pred);
      count(awareCells, aware, pred);
      return this;
    }

    private void check(Label label, String id, String role) {
      if (given != null && !given.contains(label)) {
        throw new UnknownLabelException(
            id, role + " '" + label + "' is not in the label set " + given);
      }
    }

    private static void count(TreeMap<String, TreeMap<String, Long>> cells, Label ref, Label pred) {
      cells.computeIfAbsent(ref.name(), k -> new TreeMap<>()).merge(pred.name(), 1L, Long::sum);
    }

    /** The immutable counts so far (the builder may go on counting). */
    public EvaluationCounts build() {
      List<String> labels = null;
      if (given != null) {
        List<String> names = new ArrayList<>(given.size());
        given.forEach(l -> names.add(l.name()));
        labels = List.copyOf(names);
      }
      return new EvaluationCounts(
          labels, n, nNoMajority, deepCopy(majorityCells), deepCopy(awareCells), new TreeSet<>(seen));
    }
  }
}
