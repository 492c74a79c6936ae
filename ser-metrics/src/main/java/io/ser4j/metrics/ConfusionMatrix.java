package io.ser4j.metrics;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.UnknownLabelException;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts of (reference, prediction) pairs: rows are the reference (majority) label, columns the
 * predicted label, both in label-set order (as scikit-learn's {@code confusion_matrix}).
 * Immutable and thread-safe; accessors return copies.
 */
public final class ConfusionMatrix {
  private final LabelSet labels;
  private final long[] counts; // row-major (c, c)

  ConfusionMatrix(LabelSet labels, long[] counts) {
    this.labels = labels;
    this.counts = java.util.Arrays.copyOf(counts, labels.size() * labels.size());
  }

  /** The label set, which orders rows and columns. */
  public LabelSet labels() {
    return labels;
  }

  /**
   * Items whose reference is {@code reference} and prediction {@code predicted}.
   *
   * @throws UnknownLabelException if a label is not in the label set
   */
  public long count(Label reference, Label predicted) {
    return counts[index(reference) * labels.size() + index(predicted)];
  }

  private int index(Label l) {
    int i = labels.indexOf(l);
    if (i < 0) {
      throw new UnknownLabelException(l.name(), "not in the label set " + labels);
    }
    return i;
  }

  /** Total number of counted items. */
  public long total() {
    long t = 0;
    for (long v : counts) {
      t += v;
    }
    return t;
  }

  /** A copy of the counts, {@code [reference][predicted]}. */
  public long[][] counts() {
    int c = labels.size();
    long[][] m = new long[c][c];
    for (int r = 0; r < c; r++) {
      System.arraycopy(counts, r * c, m[r], 0, c);
    }
    return m;
  }

  /**
   * Each row divided by its sum (scikit-learn {@code normalize='true'}); rows of classes absent
   * from the references are all 0.
   */
  public double[][] rowNormalised() {
    int c = labels.size();
    double[][] m = new double[c][c];
    for (int r = 0; r < c; r++) {
      long s = 0;
      for (int j = 0; j < c; j++) {
        s += counts[r * c + j];
      }
      for (int j = 0; j < c; j++) {
        m[r][j] = s == 0 ? 0 : counts[r * c + j] / (double) s;
      }
    }
    return m;
  }

  /** The counts as nested lists (for JSON rendering). */
  public List<List<Long>> countsAsLists() {
    List<List<Long>> out = new ArrayList<>();
    for (long[] row : counts()) {
      List<Long> r = new ArrayList<>(row.length);
      for (long v : row) {
        r.add(v);
      }
      out.add(List.copyOf(r));
    }
    return List.copyOf(out);
  }

  /** The row-normalised matrix as nested lists (for JSON rendering). */
  public List<List<Double>> rowNormalisedAsLists() {
    List<List<Double>> out = new ArrayList<>();
    for (double[] row : rowNormalised()) {
      List<Double> r = new ArrayList<>(row.length);
      for (double v : row) {
        r.add(v);
      }
      out.add(List.copyOf(r));
    }
    return List.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfusionMatrix m
        && m.labels.equals(labels)
        && java.util.Arrays.equals(m.counts, counts);
  }

  @Override
  public int hashCode() {
    return 31 * labels.hashCode() + java.util.Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix" + labels + java.util.Arrays.deepToString(counts());
  }
}
