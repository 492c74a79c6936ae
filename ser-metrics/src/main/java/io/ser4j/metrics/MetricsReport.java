package io.ser4j.metrics;

import io.ser4j.core.Label;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link Evaluation} (plus optional bootstrap intervals and provenance) as the {@code
 * ser metrics} JSON map or a Markdown table. Computing stays in {@link Evaluation} and {@link
 * Bootstrap}; this class only formats. Immutable and thread-safe.
 *
 * <p>JSON keys (GUIDE §7): {@code n}, {@code n_no_majority}, {@code labels} (the label set of the
 * majority-based metrics, which indexes {@code per_class} and {@code confusion_matrix}), {@code
 * accuracy_majority}, {@code macro_f1_majority}, {@code macro_f1_annotator_aware}, {@code
 * per_class}, {@code confusion_matrix}, {@code fleiss_kappa}, {@code krippendorff_alpha}; with
 * distributions also {@code all_inclusive_macro_f1}, {@code soft_accuracy}, {@code soft_micro_f1},
 * {@code js_similarity}, {@code ece}; with a bootstrap {@code ci95: {metric: [lo, hi]}}. Extra
 * keys: {@code weighted_f1}, {@code uar}, {@code accuracy_annotator_aware}, {@code
 * confusion_matrix_normalized}, {@code n_distribution}, {@code cross_entropy}, {@code
 * entropy_correlation}, {@code reliability_table}, {@code bootstrap}, {@code provenance}; {@code
 * labels_all} (every label, used by the soft and agreement metrics) only when it differs from
 * {@code labels}, and {@code labels_annotator_aware} only when that set differs from {@code labels}
 * (see {@link Evaluation}).
 * Undefined values (NaN) are rendered as {@code null}.
 */
public final class MetricsReport {
  private final Evaluation evaluation;
  private final Map<Metric, ConfidenceInterval> intervals;
  private final Bootstrap bootstrap;
  private final Map<String, String> provenance;

  private MetricsReport(
      Evaluation evaluation,
      Map<Metric, ConfidenceInterval> intervals,
      Bootstrap bootstrap,
      Map<String, String> provenance) {
    this.evaluation = evaluation;
    EnumMap<Metric, ConfidenceInterval> copy = new EnumMap<>(Metric.class);
    copy.putAll(intervals); // EnumMap(Map) rejects an empty map that is not an EnumMap
    this.intervals = Collections.unmodifiableMap(copy);
    this.bootstrap = bootstrap;
    this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
  }

  /** A report of {@code evaluation} without intervals. */
  public static MetricsReport of(Evaluation evaluation) {
    return new MetricsReport(
        evaluation, new EnumMap<>(Metric.class), null, new LinkedHashMap<>());
  }

  /**
   * This report with bootstrap intervals for every metric defined on the evaluation (GUIDE §7
   * {@code --bootstrap N --seed S}).
   */
  public MetricsReport withBootstrap(Bootstrap bootstrap) {
    return new MetricsReport(
        evaluation,
        bootstrap.confidenceIntervals(evaluation, List.of(Metric.values())),
        bootstrap,
        provenance);
  }

  /** This report with one provenance entry (model checksum, dataset id, SDK version...). */
  public MetricsReport withProvenance(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(provenance);
    p.put(key, value);
    return new MetricsReport(evaluation, intervals, bootstrap, p);
  }

  /** The evaluation. */
  public Evaluation evaluation() {
    return evaluation;
  }

  /** Bootstrap intervals, empty without a bootstrap. */
  public Map<Metric, ConfidenceInterval> intervals() {
    return intervals;
  }

  /** Provenance entries, in insertion order. */
  public Map<String, String> provenance() {
    return provenance;
  }

  private static List<String> names(Iterable<Label> labels) {
    List<String> out = new ArrayList<>();
    for (Label l : labels) {
      out.add(l.name());
    }
    return List.copyOf(out);
  }

  private static Double num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  /** The metrics as an ordered map of JSON-ready values (String, Number, List, Map, null). */
  public Map<String, Object> toJsonMap() {
    Evaluation e = evaluation;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", e.n());
    m.put("n_no_majority", e.nNoMajority());
    m.put("labels", names(e.labels()));
    if (!e.allLabels().equals(e.labels())) {
      m.put("labels_all", names(e.allLabels()));
    }
    if (!e.annotatorAwareLabels().equals(e.labels())) {
      m.put("labels_annotator_aware", names(e.annotatorAwareLabels()));
    }
    for (Metric metric : Metric.values()) {
      if (!metric.needsDistributions()) {
        m.put(metric.key(), num(e.metric(metric)));
      }
    }
    Map<String, Object> perClass = new LinkedHashMap<>();
    for (ClassMetrics c : e.perClass()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("precision", c.precision());
      row.put("recall", c.recall());
      row.put("f1", c.f1());
      row.put("support", c.support());
      perClass.put(c.label().name(), Collections.unmodifiableMap(row));
    }
    m.put("per_class", Collections.unmodifiableMap(perClass));
    m.put("confusion_matrix", e.confusionMatrix().countsAsLists());
    m.put("confusion_matrix_normalized", e.confusionMatrix().rowNormalisedAsLists());
    if (e.hasDistributions()) {
      m.put("n_distribution", e.nWithDistribution());
      for (Metric metric : Metric.values()) {
        if (metric.needsDistributions()) {
          m.put(metric.key(), num(e.metric(metric)));
        }
      }
      List<Object> bins = new ArrayList<>();
      for (ReliabilityBin b : e.reliabilityTable()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("lower", b.lower());
        row.put("upper", b.upper());
        row.put("count", b.count());
        row.put("mean_confidence", num(b.meanConfidence()));
        row.put("accuracy", num(b.accuracy()));
        bins.add(Collections.unmodifiableMap(row));
      }
      m.put("reliability_table", Collections.unmodifiableList(bins));
    }
    if (bootstrap != null) {
      Map<String, Object> ci = new LinkedHashMap<>();
      for (ConfidenceInterval c : intervals.values()) {
        List<Double> pair = new ArrayList<>(2);
        pair.add(num(c.lower()));
        pair.add(num(c.upper()));
        ci.put(c.metric().key(), Collections.unmodifiableList(pair));
      }
      m.put("ci95", Collections.unmodifiableMap(ci));
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("replicates", bootstrap.replicates());
      b.put("seed", bootstrap.seed());
      b.put("level", bootstrap.level());
      b.put("stratified_by_speaker", bootstrap.isStratifiedBySpeaker());
      m.put("bootstrap", Collections.unmodifiableMap(b));
    }
    if (!provenance.isEmpty()) {
      m.put("provenance", provenance);
    }
    return Collections.unmodifiableMap(m);
  }

  /** A Markdown rendering: metric table (with CIs when present), per-class table, confusion matrix. */
  public String toMarkdown() {
    Evaluation e = evaluation;
    StringBuilder s = new StringBuilder();
    s.append("| metric | value |").append(intervals.isEmpty() ? "" : " 95% CI |").append('\n');
    s.append("|---|---|").append(intervals.isEmpty() ? "" : "---|").append('\n');
    s.append("| n | ").append(e.n()).append(" |").append(intervals.isEmpty() ? "" : " |");
    s.append('\n');
    s.append("| n_no_majority | ").append(e.nNoMajority()).append(" |");
    s.append(intervals.isEmpty() ? "" : " |").append('\n');
    for (Metric metric : Metric.values()) {
      if (metric.needsDistributions() && !e.hasDistributions()) {
        continue;
      }
      s.append("| ").append(metric.key()).append(" | ").append(fmt(e.metric(metric))).append(" |");
      if (!intervals.isEmpty()) {
        ConfidenceInterval c = intervals.get(metric);
        s.append(' ')
            .append(c == null ? "" : "[" + fmt(c.lower()) + ", " + fmt(c.upper()) + "]")
            .append(" |");
      }
      s.append('\n');
    }
    s.append("\n| class | precision | recall | f1 | support |\n|---|---|---|---|---|\n");
    for (ClassMetrics c : e.perClass()) {
      s.append("| ").append(c.label()).append(" | ").append(fmt(c.precision())).append(" | ");
      s.append(fmt(c.recall())).append(" | ").append(fmt(c.f1())).append(" | ");
      s.append(c.support()).append(" |\n");
    }
    s.append("\n| majority \\ predicted |");
    for (Label l : e.labels()) {
      s.append(' ').append(l).append(" |");
    }
    s.append("\n|---|").append("---|".repeat(e.labels().size())).append('\n');
    long[][] cm = e.confusionMatrix().counts();
    for (int r = 0; r < cm.length; r++) {
      s.append("| ").append(e.labels().get(r)).append(" |");
      for (long v : cm[r]) {
        s.append(' ').append(v).append(" |");
      }
      s.append('\n');
    }
    return s.toString();
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  @Override
  public String toString() {
    return toMarkdown();
  }
}
