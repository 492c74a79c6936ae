package io.ser4j.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A probability distribution over a {@link LabelSet}: non-negative, summing to 1. Immutable and
 * thread-safe.
 */
public final class LabelDistribution {
  private static final double SUM_TOLERANCE = 1e-6;

  private final LabelSet labels;
  private final double[] probabilities;

  private LabelDistribution(LabelSet labels, double[] probabilities) {
    this.labels = labels;
    this.probabilities = probabilities;
  }

  /**
   * A distribution from probabilities in the label set's order.
   *
   * @throws IllegalArgumentException if lengths differ, a value is negative or not finite, or the
   *     sum is not 1 within 1e-6
   */
  public static LabelDistribution of(LabelSet labels, double[] probabilities) {
    Objects.requireNonNull(labels, "labels");
    if (probabilities.length != labels.size()) {
      throw new IllegalArgumentException(
          "expected " + labels.size() + " probabilities, got " + probabilities.length);
    }
    double sum = 0;
    for (double p : probabilities) {
      if (!(p >= 0) || !Double.isFinite(p)) {
        throw new IllegalArgumentException("invalid probability " + p);
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new IllegalArgumentException("probabilities sum to " + sum + ", not 1");
    }
    return new LabelDistribution(labels, probabilities.clone());
  }

  /**
   * A distribution from non-negative scores, normalised to sum to 1.
   *
   * @throws IllegalArgumentException if a score is negative or not finite, or all are 0
   */
  public static LabelDistribution normalise(LabelSet labels, double[] scores) {
    double sum = 0;
    for (double s : scores) {
      if (!(s >= 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("invalid score " + s);
      }
      sum += s;
    }
    if (sum <= 0 || scores.length != labels.size()) {
      throw new IllegalArgumentException("cannot normalise scores " + Arrays.toString(scores));
    }
    double[] p = new double[scores.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = scores[i] / sum;
    }
    return new LabelDistribution(labels, p);
  }

  /** A softmax over log-scores (numerically stable). */
  public static LabelDistribution softmax(LabelSet labels, double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double[] e = new double[logits.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = Math.exp(logits[i] - max);
    }
    return normalise(labels, e);
  }

  /** The label set this distribution is over. */
  public LabelSet labels() {
    return labels;
  }

  /** Probability of {@code label}, 0 when it is not in the set. */
  public double probability(Label label) {
    int i = labels.indexOf(label);
    return i < 0 ? 0 : probabilities[i];
  }

  /** A copy of the probabilities in label-set order. */
  public double[] toArray() {
    return probabilities.clone();
  }

  /** The most probable label (the first on ties). */
  public Label argmax() {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return labels.get(best);
  }

  /**
   * This distribution restricted to {@code subset} and renormalised.
   *
   * @throws UnknownLabelException if {@code subset} holds a label this distribution does not know
   * @throws IllegalArgumentException if the subset has zero total probability
   */
  public LabelDistribution restrictTo(LabelSet subset) {
    double[] p = new double[subset.size()];
    for (int i = 0; i < p.length; i++) {
      Label l = subset.get(i);
      int j = labels.indexOf(l);
      if (j < 0) {
        throw new UnknownLabelException(l.name(), "not a label of this model; expected one of " + labels);
      }
      p[i] = probabilities[j];
    }
    return normalise(subset, p);
  }

  /** Label → probability, in label-set order. */
  public Map<Label, Double> asMap() {
    Map<Label, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < probabilities.length; i++) {
      m.put(labels.get(i), probabilities[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelDistribution d
        && d.labels.equals(labels)
        && Arrays.equals(d.probabilities, probabilities);
  }

  @Override
  public int hashCode() {
    return 31 * labels.hashCode() + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
