package io.ser4j.metrics;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.UnknownLabelException;
import java.util.List;

/**
 * Inter-annotator agreement with a variable number of raters per item. Stateless and thread-safe.
 *
 * <ul>
 *   <li>{@link #fleissKappa(int[][])}: Fleiss' κ in Gwet's generalisation for missing ratings
 *       (Gwet 2014, <i>Handbook of Inter-Rater Reliability</i>, 4th ed., ch. 5): {@code P_a} =
 *       mean over items with {@code n_i ≥ 2} of {@code Σ_c n_ic(n_ic−1) / (n_i(n_i−1))}; {@code
 *       π_c} = mean over items of {@code n_ic / n_i}; {@code P_e = Σ_c π_c²}; {@code κ = (P_a −
 *       P_e)/(1 − P_e)}. With a constant number of raters this is Fleiss (1971).
 *   <li>{@link #krippendorffAlphaNominal(int[][])} and {@link #krippendorffAlphaInterval(List)}:
 *       Krippendorff's α from the coincidence matrix (Krippendorff 2011, "Computing
 *       Krippendorff's Alpha-Reliability"): units with fewer than 2 ratings are not pairable and
 *       are left out; {@code α = 1 − D_o/D_e}.
 * </ul>
 *
 * All return NaN when the coefficient is undefined (no pairable item, or no expected
 * disagreement: every rating in one category / one value).
 */
public final class Agreement {
  private Agreement() {}

  /**
   * Fleiss' κ from counts {@code [item][category]} (raters per item may vary).
   *
   * @throws ManifestException if counts are ragged or negative
   */
  public static double fleissKappa(int[][] counts) {
    ItemTable t = table(counts);
    return t.fleissKappa(t.identity(), t.n, new double[t.c]);
  }

  /**
   * Krippendorff's α (nominal) from counts {@code [unit][category]}.
   *
   * @throws ManifestException if counts are ragged or negative
   */
  public static double krippendorffAlphaNominal(int[][] counts) {
    ItemTable t = table(counts);
    return t.krippendorffNominal(t.identity(), t.n, new double[t.c]);
  }

  /**
   * Counts {@code [item][category]} from per-item label lists.
   *
   * @throws UnknownLabelException naming the item's position when a label is not in {@code labels}
   */
  public static int[][] counts(List<? extends List<Label>> annotations, LabelSet labels) {
    int[][] out = new int[annotations.size()][labels.size()];
    for (int i = 0; i < out.length; i++) {
      for (Label l : annotations.get(i)) {
        int k = labels.indexOf(l);
        if (k < 0) {
          throw new UnknownLabelException("item " + i, "label '" + l + "' is not in " + labels);
        }
        out[i][k]++;
      }
    }
    return out;
  }

  /**
   * Krippendorff's α (interval metric δ² = (v − v')²) for numeric ratings such as arousal or
   * valence, one array of ratings per unit (missing ratings simply omitted).
   *
   * <p>{@code D_o = (1/N) Σ_u (1/(m_u − 1)) Σ_{i≠j} (v_ui − v_uj)²} and {@code D_e = (1/(N(N−1)))
   * Σ_{i≠j} (v_i − v_j)²} over all N pairable values.
   *
   * @throws ManifestException if a rating is not finite
   */
  public static double krippendorffAlphaInterval(List<double[]> ratingsPerUnit) {
    double n = 0;
    double sum = 0;
    double within = 0;
    for (int u = 0; u < ratingsPerUnit.size(); u++) {
      double[] v = ratingsPerUnit.get(u);
      for (double x : v) {
        if (!Double.isFinite(x)) {
          throw new ManifestException("unit " + u, "rating " + x + " is not a finite number");
        }
      }
      if (v.length < 2) {
        continue;
      }
      double mean = 0;
      for (double x : v) {
        mean += x;
      }
      mean /= v.length;
      double ss = 0;
      for (double x : v) {
        ss += (x - mean) * (x - mean);
        sum += x;
      }
      // Σ_{i≠j} (v_i − v_j)² = 2 m Σ (v − mean)²
      within += 2.0 * v.length * ss / (v.length - 1);
      n += v.length;
    }
    if (n < 2) {
      return Double.NaN;
    }
    double grand = sum / n;
    double ssAll = 0;
    for (double[] v : ratingsPerUnit) {
      if (v.length >= 2) {
        for (double x : v) {
          ssAll += (x - grand) * (x - grand);
        }
      }
    }
    double dObserved = within / n;
    double dExpected = 2.0 * n * ssAll / (n * (n - 1));
    return dExpected == 0 ? Double.NaN : 1 - dObserved / dExpected;
  }

  /**
   * Krippendorff's α (interval) from a table {@code [unit][coder]} with {@code NaN} for missing
   * ratings.
   */
  public static double krippendorffAlphaInterval(double[][] unitsByCoder) {
    List<double[]> units = new java.util.ArrayList<>(unitsByCoder.length);
    for (double[] row : unitsByCoder) {
      units.add(java.util.Arrays.stream(row).filter(x -> !Double.isNaN(x)).toArray());
    }
    return krippendorffAlphaInterval(units);
  }

  private static ItemTable table(int[][] counts) {
    if (counts == null || counts.length == 0) {
      throw new ManifestException("counts", "no items");
    }
    int c = counts[0].length;
    if (c == 0) {
      throw new ManifestException("counts", "no categories");
    }
    String[] names = new String[c];
    for (int k = 0; k < c; k++) {
      names[k] = "c" + k;
    }
    LabelSet labels = LabelSet.of(names);
    List<EvaluationItem> items = new java.util.ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i].length != c) {
        throw new ManifestException(
            "counts row " + i, "has " + counts[i].length + " categories, expected " + c);
      }
      List<Label> ann = new java.util.ArrayList<>();
      for (int k = 0; k < c; k++) {
        if (counts[i][k] < 0) {
          throw new ManifestException("counts row " + i, "negative count " + counts[i][k]);
        }
        for (int r = 0; r < counts[i][k]; r++) {
          ann.add(labels.get(k));
        }
      }
      if (ann.isEmpty()) {
        continue; // an item nobody rated carries no information
      }
      items.add(EvaluationItem.of("item " + i, ann.get(0), ann));
    }
    if (items.isEmpty()) {
      throw new ManifestException("counts", "no item has a rating");
    }
    return new ItemTable(items, labels);
  }
}
