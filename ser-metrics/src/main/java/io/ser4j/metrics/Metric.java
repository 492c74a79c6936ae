package io.ser4j.metrics;

import java.util.Locale;

/**
 * The scalar metrics, as data: each constant is keyed by its JSON name ({@code ser metrics}
 * output) and knows how to compute itself over any multiset of items, so {@link Bootstrap} can
 * resample any of them by name. Definitions: {@code docs/metrics.md}. Thread-safe (stateless).
 */
public enum Metric {
  /** Fraction of items (with a majority label) whose prediction equals the majority label. */
  ACCURACY_MAJORITY("accuracy_majority", Family.MAJORITY),
  /**
   * Unweighted mean of per-class F1 against the majority label, over the majority-based label set
   * ({@link Evaluation#labels()}).
   */
  MACRO_F1_MAJORITY("macro_f1_majority", Family.MAJORITY),
  /** Mean of per-class F1 against the majority label, weighted by class support. */
  WEIGHTED_F1("weighted_f1", Family.MAJORITY),
  /**
   * Unweighted average recall (macro recall) against the majority label, over {@link
   * Evaluation#labels()}.
   */
  UAR("uar", Family.MAJORITY),
  /**
   * Macro-F1 where the reference of each item is the prediction when any annotator chose it, else
   * the majority label; over the same items as the majority metrics and over {@link
   * Evaluation#annotatorAwareLabels()}.
   */
  MACRO_F1_ANNOTATOR_AWARE("macro_f1_annotator_aware", Family.ANNOTATOR_AWARE),
  /** Accuracy with the annotator-aware reference. */
  ACCURACY_ANNOTATOR_AWARE("accuracy_annotator_aware", Family.ANNOTATOR_AWARE),
  /** All-inclusive multi-label macro-F1 (Chou et al. 2024): shares and probabilities above 1/C. */
  ALL_INCLUSIVE_MACRO_F1("all_inclusive_macro_f1", Family.SOFT),
  /** Mean over items of sum_c min(y_c, p_c), y = vote shares, p = prediction distribution. */
  SOFT_ACCURACY("soft_accuracy", Family.SOFT),
  /** 2 * sum min(y, p) / sum (y + p), pooled over items and classes. */
  SOFT_MICRO_F1("soft_micro_f1", Family.SOFT),
  /** 1 - mean Jensen-Shannon divergence (base 2) between vote shares and the distribution. */
  JS_SIMILARITY("js_similarity", Family.SOFT),
  /** Mean cross-entropy -sum_c y_c ln max(p_c, 1e-15) (nats). Lower is better. */
  CROSS_ENTROPY("cross_entropy", Family.SOFT),
  /** Pearson correlation of the entropies of vote shares and prediction distributions. */
  ENTROPY_CORRELATION("entropy_correlation", Family.SOFT),
  /** Expected calibration error, 15 equal-width bins on the top probability. Lower is better. */
  ECE("ece", Family.SOFT),
  /** Fleiss' κ of the annotations, variable raters per item (Gwet's generalisation). */
  FLEISS_KAPPA("fleiss_kappa", Family.AGREEMENT),
  /** Krippendorff's α (nominal) of the annotations. */
  KRIPPENDORFF_ALPHA("krippendorff_alpha", Family.AGREEMENT);

  /** What a metric compares. */
  public enum Family {
    /** Prediction against the majority label; items without one are left out. */
    MAJORITY,
    /** Prediction against the annotator-aware reference; same items as {@link #MAJORITY}. */
    ANNOTATOR_AWARE,
    /** Prediction distribution against the annotators' vote shares; needs distributions. */
    SOFT,
    /** Agreement among the annotators; does not look at the prediction. */
    AGREEMENT
  }

  private final String key;
  private final Family family;

  Metric(String key, Family family) {
    this.key = key;
    this.family = family;
  }

  /** The JSON key, e.g. {@code "macro_f1_majority"}. */
  public String key() {
    return key;
  }

  /** The metric's family. */
  public Family family() {
    return family;
  }

  /** True for metrics that need prediction distributions. */
  public boolean needsDistributions() {
    return family == Family.SOFT;
  }

  /**
   * The metric with this JSON key (or enum name), case-insensitive.
   *
   * @throws IllegalArgumentException naming the valid keys when there is none
   */
  public static Metric fromKey(String key) {
    String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
    for (Metric m : values()) {
      if (m.key.equals(k) || m.name().toLowerCase(Locale.ROOT).equals(k)) {
        return m;
      }
    }
    StringBuilder valid = new StringBuilder();
    for (Metric m : values()) {
      valid.append(valid.length() == 0 ? "" : ", ").append(m.key);
    }
    throw new IllegalArgumentException("unknown metric '" + key + "'; expected one of " + valid);
  }

  /**
   * The metric over items {@code idx[0..len)} (with repetition): no allocation; {@code ws} is the
   * caller's scratch space, which caches the confusion counts of the current resample (call
   * {@code ws.reset()} before each new resample). NaN when undefined on these items.
   */
  double compute(ItemTable t, int[] idx, int len, ItemTable.Workspace ws) {
    switch (this) {
      case ACCURACY_MAJORITY:
        return t.accuracy(t.counts(idx, len, false, ws), ws.majorityTotal);
      case MACRO_F1_MAJORITY:
        return t.macroF1(t.counts(idx, len, false, ws), ws.majorityTotal, t.majorityClasses);
      case WEIGHTED_F1:
        return t.weightedF1(t.counts(idx, len, false, ws), ws.majorityTotal, t.majorityClasses);
      case UAR:
        return t.uar(t.counts(idx, len, false, ws), ws.majorityTotal, t.majorityClasses);
      case MACRO_F1_ANNOTATOR_AWARE:
        return t.macroF1(t.counts(idx, len, true, ws), ws.awareTotal, t.awareClasses);
      case ACCURACY_ANNOTATOR_AWARE:
        return t.accuracy(t.counts(idx, len, true, ws), ws.awareTotal);
      case ALL_INCLUSIVE_MACRO_F1:
        return t.allInclusiveMacroF1(idx, len, ws.a, ws.b, ws.d);
      case SOFT_ACCURACY:
        return t.meanSoft(t.softMin, idx, len);
      case SOFT_MICRO_F1:
        return t.softMicroF1(idx, len);
      case JS_SIMILARITY:
        return 1 - t.meanSoft(t.jsd, idx, len);
      case CROSS_ENTROPY:
        return t.meanSoft(t.crossEntropy, idx, len);
      case ENTROPY_CORRELATION:
        return t.entropyCorrelation(idx, len);
      case ECE:
        return t.ece(idx, len, ws.binCount, ws.binConf, ws.binCorrect);
      case FLEISS_KAPPA:
        return t.fleissKappa(idx, len, ws.x);
      case KRIPPENDORFF_ALPHA:
        return t.krippendorffNominal(idx, len, ws.x);
      default:
        throw new AssertionError(this);
    }
  }
}
