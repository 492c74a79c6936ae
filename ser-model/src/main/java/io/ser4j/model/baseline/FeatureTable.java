package io.ser4j.model.baseline;

import io.ser4j.core.Label;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Extracted features of a set of labelled clips: one row per clip with its id, speaker and label.
 * Speaker ids must be unique across corpora (qualify them, e.g. {@code "emodb:03"}). Immutable
 * (rows are copied in and out).
 *
 * @param ids clip ids
 * @param speakers speaker id per row
 * @param labels reference label per row
 * @param rows {@code [n][features]}, NaN where undefined
 */
public record FeatureTable(List<String> ids, List<String> speakers, List<Label> labels, double[][] rows) {
  /** Validates lengths and copies. */
  public FeatureTable {
    ids = List.copyOf(ids);
    speakers = List.copyOf(speakers);
    labels = List.copyOf(labels);
    Objects.requireNonNull(rows, "rows");
    if (ids.size() != rows.length || speakers.size() != rows.length || labels.size() != rows.length) {
      throw new IllegalArgumentException("ids, speakers, labels and rows differ in length");
    }
    double[][] c = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      c[i] = rows[i].clone();
    }
    rows = c;
  }

  /** Number of rows. */
  public int size() {
    return rows.length;
  }

  /** A copy of row {@code i}. */
  public double[] row(int i) {
    return rows[i].clone();
  }

  /** A deep copy of the rows. */
  @Override
  public double[][] rows() {
    double[][] c = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      c[i] = rows[i].clone();
    }
    return c;
  }

  /** The rows at {@code indices}, in that order. */
  public FeatureTable subset(List<Integer> indices) {
    List<String> i2 = new ArrayList<>();
    List<String> s2 = new ArrayList<>();
    List<Label> l2 = new ArrayList<>();
    double[][] r2 = new double[indices.size()][];
    for (int k = 0; k < indices.size(); k++) {
      int i = indices.get(k);
      i2.add(ids.get(i));
      s2.add(speakers.get(i));
      l2.add(labels.get(i));
      r2[k] = rows[i];
    }
    return new FeatureTable(i2, s2, l2, r2);
  }

  /** Row indices per speaker, in first-appearance order. */
  public Map<String, List<Integer>> indicesBySpeaker() {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    for (int i = 0; i < rows.length; i++) {
      m.computeIfAbsent(speakers.get(i), k -> new ArrayList<>()).add(i);
    }
    return m;
  }

  /** This table with every row z-scored within its speaker ({@link SpeakerNormaliser}). */
  public FeatureTable speakerNormalised() {
    double[][] out = new double[rows.length][];
    for (List<Integer> idx : indicesBySpeaker().values()) {
      List<double[]> rs = new ArrayList<>();
      for (int i : idx) {
        rs.add(rows[i]);
      }
      SpeakerNormaliser n = SpeakerNormaliser.fit(rs);
      for (int i : idx) {
        out[i] = n.apply(rows[i]);
      }
    }
    return new FeatureTable(ids, speakers, labels, out);
  }
}
