package io.ser4j.metrics;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.UnknownLabelException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Predictions scored against annotators, computed once: shared counts (confusion matrices,
 * per-item soft-label terms, vote counts) are built at construction and every metric is then a
 * cheap read. Immutable and thread-safe.
 *
 * <p>Rules (GUIDE §7): the reference of majority-based metrics is the item's given majority, else
 * the strict plurality of its annotations; items with neither are counted in {@link
 * #nNoMajority()} and left out of every majority-based and annotator-aware metric. Soft metrics
 * use the items that carry a distribution. Agreement uses every item's annotations.
 *
 * <p>Label sets. With a given label set ({@link #of(Collection, LabelSet)}, {@code ser metrics
 * --labels}) every metric uses it: per-class averages run over the whole set (scikit-learn's {@code
 * labels=} with {@code zero_division=0}), so a class never predicted or absent from the references
 * contributes 0. Without one ({@link #of(Collection)}):
 *
 * <ul>
 *   <li>the majority-based metrics (accuracy, macro and weighted F1, UAR, {@link #perClass()},
 *       {@link #confusionMatrix()}) use {@link #labels()}: the union of the majority labels and
 *       the predictions of the items that have a majority, exactly as scikit-learn without {@code
 *       labels=} on those two vectors ({@code unique_labels(y_true, y_pred)});
 *   <li>the annotator-aware metrics use {@link #annotatorAwareLabels()}: the union of the
 *       effective (annotator-aware) references and the predictions of the same items, again as
 *       scikit-learn would on those vectors. It is a subset of {@link #labels()}: a class whose
 *       every majority occurrence is credited to a prediction some annotator chose has no
 *       reference left and is not averaged in as a zero;
 *   <li>the multi-annotator metrics (soft metrics, all-inclusive F1 with its 1/C threshold,
 *       agreement, ECE) use {@link #allLabels()}: every label that occurs as prediction,
 *       annotation or given majority, because they need the annotators' full distribution.
 * </ul>
 *
 * So a label that only ever appears as a minority annotation is in {@link #allLabels()} but not a
 * zero-F1 class of the majority Macro-F1. All sets are in alphabetical order. When no item has a
 * majority, {@link #labels()} and {@link #annotatorAwareLabels()} fall back to {@link
 * #allLabels()} (the majority-based metrics are then all undefined). The bootstrap keeps these
 * sets fixed across replicates (a class absent from a resample contributes 0).
 *
 * <pre>{@code
 * Evaluation ev = Evaluation.of(items);            // label sets as observed (see above)
 * double f1 = ev.macroF1();                        // against the majority label
 * double aware = ev.annotatorAwareMacroF1();       // report beside it, never instead
 * Map<String, Object> json = ev.report().toJsonMap();
 * }</pre>
 */
public final class Evaluation {
  private final ItemTable table;
  private final Map<Metric, Double> values;
  private final ConfusionMatrix confusion;
  private final ConfusionMatrix awareConfusion;
  private final List<ClassMetrics> perClass;
  private final List<ReliabilityBin> reliability;

  private final boolean labelSetGiven;
  private final LabelSet majorityLabels;
  private final LabelSet awareLabels;

  private Evaluation(List<EvaluationItem> items, LabelSet labels, boolean labelSetGiven) {
    this.table = new ItemTable(items, labels, !labelSetGiven);
    this.labelSetGiven = labelSetGiven;
    this.majorityLabels = subset(labels, table.majorityClasses);
    this.awareLabels = subset(labels, table.awareClasses);
    ItemTable.Workspace ws = new ItemTable.Workspace(labels.size());
    int[] idx = table.identity();
    EnumMap<Metric, Double> v = new EnumMap<>(Metric.class);
    for (Metric m : Metric.values()) {
      v.put(m, m.compute(table, idx, idx.length, ws));
    }
    this.values = Collections.unmodifiableMap(v);
    table.confusion(idx, idx.length, false, ws.cm);
    this.confusion =
        new ConfusionMatrix(majorityLabels, submatrix(ws.cm, labels.size(), table.majorityClasses));
    List<ClassMetrics> pc = new ArrayList<>();
    for (int k : table.majorityClasses) {
      pc.add(
          new ClassMetrics(
              labels.get(k),
              table.precision(ws.cm, k),
              table.recall(ws.cm, k),
              table.f1(ws.cm, k),
              table.support(ws.cm, k)));
    }
    this.perClass = List.copyOf(pc);
    table.confusion(idx, idx.length, true, ws.cm);
    this.awareConfusion =
        new ConfusionMatrix(awareLabels, submatrix(ws.cm, labels.size(), table.awareClasses));
    table.ece(idx, idx.length, ws.binCount, ws.binConf, ws.binCorrect);
    List<ReliabilityBin> bins = new ArrayList<>();
    for (int b = 0; b < ItemTable.ECE_BINS; b++) {
      long cnt = ws.binCount[b];
      bins.add(
          new ReliabilityBin(
              b / (double) ItemTable.ECE_BINS,
              (b + 1) / (double) ItemTable.ECE_BINS,
              cnt,
              cnt == 0 ? Double.NaN : ws.binConf[b] / cnt,
              cnt == 0 ? Double.NaN : ws.binCorrect[b] / (double) cnt));
    }
    this.reliability = List.copyOf(bins);
  }

  /**
   * Scores {@code items} without a given label set: the majority-based metrics over the labels
   * that occur as majority label or prediction of the items with a majority ({@link #labels()}),
   * the multi-annotator metrics over every label that occurs ({@link #allLabels()}); see the class
   * documentation.
   *
   * @throws ManifestException if there are no items
   * @throws UnknownLabelException naming the item id when a distribution gives a positive
   *     probability to a label that no item uses as prediction, annotation or majority
   */
  public static Evaluation of(Collection<EvaluationItem> items) {
    List<EvaluationItem> list = checked(items);
    TreeSet<Label> union = new TreeSet<>();
    for (EvaluationItem it : list) {
      union.add(it.prediction());
      union.addAll(it.annotations());
      if (it.majority() != null) {
        union.add(it.majority());
      }
    }
    return new Evaluation(list, LabelSet.of(union), false);
  }

  /**
   * Scores {@code items} over a given label set (its order fixes matrix rows and columns).
   *
   * @throws ManifestException if there are no items
   * @throws UnknownLabelException naming the item id when an item uses a label outside {@code
   *     labels} (a distribution may hold outside labels only with probability 0)
   */
  public static Evaluation of(Collection<EvaluationItem> items, LabelSet labels) {
    if (labels == null) {
      throw new ManifestException("labels", "the label set is missing");
    }
    return new Evaluation(checked(items), labels, true);
  }

  private static LabelSet subset(LabelSet labels, int[] classes) {
    if (classes.length == labels.size()) {
      return labels;
    }
    List<Label> out = new ArrayList<>(classes.length);
    for (int k : classes) {
      out.add(labels.get(k));
    }
    return LabelSet.of(out);
  }

  /** The rows and columns {@code classes} of a row-major (c, c) matrix. */
  private static long[] submatrix(long[] cm, int c, int[] classes) {
    int s = classes.length;
    long[] out = new long[s * s];
    for (int r = 0; r < s; r++) {
      for (int k = 0; k < s; k++) {
        out[r * s + k] = cm[classes[r] * c + classes[k]];
      }
    }
    return out;
  }

  private static List<EvaluationItem> checked(Collection<EvaluationItem> items) {
    if (items == null || items.isEmpty()) {
      throw new ManifestException("items", "no items to evaluate (the item list is empty)");
    }
    List<EvaluationItem> list = new ArrayList<>(items.size());
    for (EvaluationItem it : items) {
      if (it == null) {
        throw new ManifestException("items", "item " + list.size() + " is null");
      }
      list.add(it);
    }
    return list;
  }

  ItemTable table() {
    return table;
  }

  /**
   * The label set of the majority-based metrics, which orders {@link #perClass()} and {@link
   * #confusionMatrix()}: the given label set, else the union of the majority labels and the
   * predictions of the items that have a majority (see the class documentation).
   */
  public LabelSet labels() {
    return majorityLabels;
  }

  /**
   * Every label of the evaluation, used by the multi-annotator metrics (soft metrics, all-inclusive
   * F1, agreement, ECE): the given label set, else every label that occurs as prediction,
   * annotation or given majority. A superset of {@link #labels()}.
   */
  public LabelSet allLabels() {
    return table.labels;
  }

  /**
   * The label set of the annotator-aware metrics, which orders {@link
   * #annotatorAwareConfusionMatrix()}: the given label set, else the union of the annotator-aware
   * references and the predictions of the items that have a majority. A subset of {@link
   * #labels()}.
   */
  public LabelSet annotatorAwareLabels() {
    return awareLabels;
  }

  /** True when the label set was given ({@link #of(Collection, LabelSet)}): all sets equal it. */
  public boolean isLabelSetGiven() {
    return labelSetGiven;
  }

  /** Number of items. */
  public int n() {
    return table.n;
  }

  /** Items without a majority label (ties with no given majority). */
  public int nNoMajority() {
    return table.nNoMajority;
  }

  /** Items that carry a prediction distribution. */
  public int nWithDistribution() {
    return table.nDist;
  }

  /** True when at least one item carries a distribution, so soft metrics are defined. */
  public boolean hasDistributions() {
    return table.nDist > 0;
  }

  /** The item ids, in order. */
  public List<String> ids() {
    return List.of(table.ids);
  }

  /** The value of {@code metric} on all items; NaN when undefined (e.g. soft without distributions). */
  public double metric(Metric metric) {
    if (metric == null) {
      throw new IllegalArgumentException("metric is null");
    }
    return values.get(metric);
  }

  /** Every metric's value, keyed by metric. */
  public Map<Metric, Double> metrics() {
    return values;
  }

  /** Accuracy against the majority label. */
  public double accuracy() {
    return metric(Metric.ACCURACY_MAJORITY);
  }

  /** Macro-F1 against the majority label, averaged over {@link #labels()}. */
  public double macroF1() {
    return metric(Metric.MACRO_F1_MAJORITY);
  }

  /** Support-weighted mean F1 against the majority label. */
  public double weightedF1() {
    return metric(Metric.WEIGHTED_F1);
  }

  /** Unweighted average recall (macro recall) against the majority label over {@link #labels()}. */
  public double uar() {
    return metric(Metric.UAR);
  }

  /**
   * Annotator-aware Macro-F1 (prediction is the reference when any annotator chose it), averaged
   * over {@link #annotatorAwareLabels()}.
   */
  public double annotatorAwareMacroF1() {
    return metric(Metric.MACRO_F1_ANNOTATOR_AWARE);
  }

  /** Annotator-aware accuracy. */
  public double annotatorAwareAccuracy() {
    return metric(Metric.ACCURACY_ANNOTATOR_AWARE);
  }

  /** All-inclusive multi-label macro-F1 (Chou et al. 2024); NaN without distributions. */
  public double allInclusiveMacroF1() {
    return metric(Metric.ALL_INCLUSIVE_MACRO_F1);
  }

  /** Soft accuracy; NaN without distributions. */
  public double softAccuracy() {
    return metric(Metric.SOFT_ACCURACY);
  }

  /** Soft micro-F1; NaN without distributions. */
  public double softMicroF1() {
    return metric(Metric.SOFT_MICRO_F1);
  }

  /** 1 − mean Jensen–Shannon divergence (base 2); NaN without distributions. */
  public double jsSimilarity() {
    return metric(Metric.JS_SIMILARITY);
  }

  /** Mean cross-entropy to the annotator distribution (nats); NaN without distributions. */
  public double crossEntropy() {
    return metric(Metric.CROSS_ENTROPY);
  }

  /** Pearson correlation of reference and prediction entropies; NaN when undefined. */
  public double entropyCorrelation() {
    return metric(Metric.ENTROPY_CORRELATION);
  }

  /** Expected calibration error (15 bins); NaN without distributions. */
  public double ece() {
    return metric(Metric.ECE);
  }

  /** The reliability table behind {@link #ece()} (15 bins, empty bins with NaN means). */
  public List<ReliabilityBin> reliabilityTable() {
    return reliability;
  }

  /** Fleiss' κ of the annotations (variable raters per item); NaN when undefined. */
  public double fleissKappa() {
    return metric(Metric.FLEISS_KAPPA);
  }

  /** Krippendorff's α (nominal) of the annotations; NaN when undefined. */
  public double krippendorffAlpha() {
    return metric(Metric.KRIPPENDORFF_ALPHA);
  }

  /**
   * Per-class precision, recall, F1 and support against the majority label, one per class of {@link
   * #labels()}, in that order.
   */
  public List<ClassMetrics> perClass() {
    return perClass;
  }

  /** The scores of one class. */
  public Optional<ClassMetrics> perClass(Label label) {
    return perClass.stream().filter(c -> c.label().equals(label)).findFirst();
  }

  /**
   * Confusion matrix against the majority label (rows reference, columns prediction), over {@link
   * #labels()}.
   */
  public ConfusionMatrix confusionMatrix() {
    return confusion;
  }

  /** Confusion matrix against the annotator-aware reference, over {@link #annotatorAwareLabels}. */
  public ConfusionMatrix annotatorAwareConfusionMatrix() {
    return awareConfusion;
  }

  /** A report of every metric, without confidence intervals. */
  public MetricsReport report() {
    return MetricsReport.of(this);
  }

  /** Shorthand for {@code report().toJsonMap()}. */
  public Map<String, Object> toJsonMap() {
    return report().toJsonMap();
  }

  @Override
  public String toString() {
    return "Evaluation[n=" + n() + ", labels=" + labels() + ", macroF1=" + macroF1() + "]";
  }
}
