package io.ser4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fleiss' κ and Krippendorff's α on published worked examples and against the evaluation. */
class AgreementTest {
  static final JsonNode TEXTBOOK = Fixtures.read("agreement_textbook.json");

  /** Krippendorff (2011) 4 observers x 12 units as per-unit value lists (missing omitted). */
  static List<double[]> krippendorffUnits() {
    JsonNode table = TEXTBOOK.get("krippendorff_2011").get("observers_by_unit");
    List<double[]> units = new ArrayList<>();
    for (int u = 0; u < 12; u++) {
      List<Double> v = new ArrayList<>();
      for (int o = 0; o < 4; o++) {
        JsonNode x = table.get(o).get(u);
        if (!x.isNull()) {
          v.add(x.asDouble());
        }
      }
      units.add(v.stream().mapToDouble(Double::doubleValue).toArray());
    }
    return units;
  }

  @Test
  void krippendorffNominalReproducesPublishedWorkedExample() {
    List<double[]> units = krippendorffUnits();
    int[][] counts = new int[units.size()][5];
    for (int u = 0; u < units.size(); u++) {
      for (double v : units.get(u)) {
        counts[u][(int) v - 1]++;
      }
    }
    double alpha = Agreement.krippendorffAlphaNominal(counts);
    assertThat(alpha).isCloseTo(0.743, within(5e-4)); // published value (3 decimals)
    assertThat(alpha)
        .isCloseTo(TEXTBOOK.get("krippendorff_2011").get("nominal_alpha").asDouble(), within(1e-9));
  }

  @Test
  void krippendorffIntervalReproducesPublishedWorkedExample() {
    double alpha = Agreement.krippendorffAlphaInterval(krippendorffUnits());
    assertThat(alpha).isCloseTo(0.849, within(5e-4));
    assertThat(alpha)
        .isCloseTo(TEXTBOOK.get("krippendorff_2011").get("interval_alpha").asDouble(), within(1e-9));
    // the [unit][coder] form with NaN for missing ratings gives the same value
    List<double[]> units = krippendorffUnits();
    double[][] table = new double[12][4];
    for (int u = 0; u < 12; u++) {
      java.util.Arrays.fill(table[u], Double.NaN);
      System.arraycopy(units.get(u), 0, table[u], 0, units.get(u).length);
    }
    assertThat(Agreement.krippendorffAlphaInterval(table)).isEqualTo(alpha);
  }

  @Test
  void fleissKappaReproducesWikipediaExample() {
    JsonNode t = TEXTBOOK.get("fleiss_wikipedia");
    int[][] counts = new int[t.get("counts").size()][];
    for (int i = 0; i < counts.length; i++) {
      JsonNode row = t.get("counts").get(i);
      counts[i] = new int[row.size()];
      for (int k = 0; k < row.size(); k++) {
        counts[i][k] = row.get(k).asInt();
      }
    }
    double kappa = Agreement.fleissKappa(counts);
    assertThat(kappa).isCloseTo(0.210, within(5e-4));
    assertThat(kappa).isCloseTo(t.get("kappa").asDouble(), within(1e-9));
  }

  @Test
  void staticAgreementEqualsEvaluationAgreementOnCremaD() {
    List<EvaluationItem> items = Fixtures.cremaItems(Fixtures.read("crema_d_voice.json"));
    Evaluation ev = Evaluation.of(items);
    List<List<io.ser4j.core.Label>> ann = new ArrayList<>();
    items.forEach(i -> ann.add(i.annotations()));
    int[][] counts = Agreement.counts(ann, ev.labels());
    assertThat(Agreement.fleissKappa(counts)).isCloseTo(ev.fleissKappa(), within(1e-12));
    assertThat(Agreement.krippendorffAlphaNominal(counts))
        .isCloseTo(ev.krippendorffAlpha(), within(1e-12));
  }

  @Test
  void perfectAgreementIsOneAndDegenerateCasesAreNaN() {
    assertThat(Agreement.fleissKappa(new int[][] {{3, 0}, {0, 2}, {4, 0}})).isEqualTo(1.0);
    assertThat(Agreement.krippendorffAlphaNominal(new int[][] {{3, 0}, {0, 2}, {4, 0}}))
        .isEqualTo(1.0);
    // everybody always says the same category: no expected disagreement, undefined
    assertThat(Agreement.fleissKappa(new int[][] {{3, 0}, {2, 0}})).isNaN();
    assertThat(Agreement.krippendorffAlphaNominal(new int[][] {{3, 0}, {2, 0}})).isNaN();
    // one rating per unit: nothing pairable
    assertThat(Agreement.krippendorffAlphaNominal(new int[][] {{1, 0}, {0, 1}})).isNaN();
    assertThat(Agreement.krippendorffAlphaInterval(List.of(new double[] {1}, new double[] {2})))
        .isNaN();
  }

  @Test
  void badCountsAreRejectedWithTheRowNamed() {
    assertThatThrownBy(() -> Agreement.fleissKappa(new int[][] {{1, 2}, {1}}))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("row 1");
    assertThatThrownBy(() -> Agreement.krippendorffAlphaNominal(new int[][] {{1, -2}}))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Agreement.fleissKappa(new int[0][]))
        .isInstanceOf(ManifestException.class);
    assertThatThrownBy(
            () -> Agreement.krippendorffAlphaInterval(List.of(new double[] {1, Double.NaN})))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("unit 0");
    assertThatThrownBy(
            () -> Agreement.counts(List.of(List.of(io.ser4j.core.Label.of("x"))), LabelSet.of("a")))
        .isInstanceOf(io.ser4j.core.UnknownLabelException.class);
  }
}
