package io.ser4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.UnknownLabelException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API behaviour: rules of GUIDE §7, JSON keys, bad input, immutability. */
class EvaluationTest {
  static final LabelSet AN = LabelSet.of("anger", "neutral");

  static List<EvaluationItem> small() {
    return List.of(
        EvaluationItem.of("a", "anger", List.of("anger", "neutral", "anger")),
        // prediction chosen by one annotator: counts as correct only annotator-aware
        EvaluationItem.of("b", "neutral", List.of("anger", "anger", "neutral")),
        EvaluationItem.of("c", "neutral", List.of("neutral")),
        // a tie: no majority, left out of majority and annotator-aware metrics
        EvaluationItem.of("d", "anger", List.of("anger", "neutral")));
  }

  @Test
  void majorityAndAnnotatorAwareFollowTheRules() {
    Evaluation ev = Evaluation.of(small());
    assertThat(ev.n()).isEqualTo(4);
    assertThat(ev.nNoMajority()).isEqualTo(1);
    assertThat(ev.labels()).isEqualTo(AN);
    // majority refs: anger, anger, neutral; preds: anger, neutral, neutral
    assertThat(ev.accuracy()).isCloseTo(2.0 / 3, within(1e-15));
    // anger: P=1 R=0.5 F1=2/3; neutral: P=0.5 R=1 F1=2/3
    assertThat(ev.macroF1()).isCloseTo(2.0 / 3, within(1e-15));
    assertThat(ev.annotatorAwareMacroF1()).isEqualTo(1.0);
    assertThat(ev.annotatorAwareAccuracy()).isEqualTo(1.0);
    assertThat(ev.confusionMatrix().count(Label.of("anger"), Label.of("neutral"))).isEqualTo(1);
    assertThat(ev.confusionMatrix().total()).isEqualTo(3);
    assertThat(ev.hasDistributions()).isFalse();
    assertThat(ev.softAccuracy()).isNaN();
  }

  /** 'fear' is only ever a minority annotation; 'surprise' only the prediction of a tie. */
  static List<EvaluationItem> withUnusedLabels() {
    return List.of(
        EvaluationItem.of("a", "anger", List.of("anger", "anger", "fear")),
        EvaluationItem.of("b", "neutral", List.of("neutral", "fear", "neutral")),
        EvaluationItem.of("c", "anger", List.of("neutral", "neutral")),
        EvaluationItem.of("d", "surprise", List.of("anger", "neutral")));
  }

  @Test
  void implicitLabelSetOfMajorityMetricsIsReferencesAndPredictionsOfScoredItems() {
    Evaluation ev = Evaluation.of(withUnusedLabels());
    // majority refs anger, neutral, neutral; predictions anger, neutral, anger (d has no majority)
    assertThat(ev.labels()).isEqualTo(AN);
    assertThat(ev.allLabels()).isEqualTo(LabelSet.of("anger", "fear", "neutral", "surprise"));
    assertThat(ev.isLabelSetGiven()).isFalse();
    // anger: P=1/2 R=1 F1=2/3; neutral: P=1 R=1/2 F1=2/3 -> mean over 2 classes, not 4
    assertThat(ev.macroF1()).isCloseTo(2.0 / 3, within(1e-15));
    assertThat(ev.uar()).isCloseTo(0.75, within(1e-15));
    assertThat(ev.perClass()).extracting(c -> c.label().name()).containsExactly("anger", "neutral");
    assertThat(ev.confusionMatrix().labels()).isEqualTo(AN);
    assertThat(ev.confusionMatrix().counts()).isDeepEqualTo(new long[][] {{1, 0}, {1, 1}});
    // annotator-aware refs: anger, neutral, neutral (c's prediction anger was not chosen)
    assertThat(ev.annotatorAwareLabels()).isEqualTo(AN);
    Map<String, Object> json = ev.toJsonMap();
    assertThat(json.get("labels")).isEqualTo(List.of("anger", "neutral"));
    assertThat(json.get("labels_all")).isEqualTo(List.of("anger", "fear", "neutral", "surprise"));
    assertThat(json).doesNotContainKey("labels_annotator_aware");
    // agreement sees every label: the fear votes are disagreement in a 4-category table
    int[][] counts = {{2, 1, 0, 0}, {0, 1, 2, 0}, {0, 0, 2, 0}, {1, 0, 1, 0}};
    assertThat(ev.fleissKappa()).isCloseTo(Agreement.fleissKappa(counts), within(1e-15));

    // with the full set given, the unused classes are zero-F1 classes of the average
    Evaluation given = Evaluation.of(withUnusedLabels(), ev.allLabels());
    assertThat(given.isLabelSetGiven()).isTrue();
    assertThat(given.labels()).isEqualTo(given.allLabels()).isEqualTo(ev.allLabels());
    assertThat(given.macroF1()).isCloseTo(2.0 / 3 * 2 / 4, within(1e-15));
    assertThat(given.accuracy()).isEqualTo(ev.accuracy());
    assertThat(given.fleissKappa()).isEqualTo(ev.fleissKappa());
    assertThat(given.toJsonMap()).doesNotContainKey("labels_all");
  }

  @Test
  void annotatorAwareLabelsDropAClassWhoseMajoritiesAreAllCredited() {
    // sadness is a majority only on b, where the prediction neutral was chosen by an annotator
    Evaluation ev =
        Evaluation.of(
            List.of(
                EvaluationItem.of("a", "anger", List.of("anger", "anger")),
                EvaluationItem.of("b", "neutral", List.of("sadness", "sadness", "neutral")),
                EvaluationItem.of("c", "neutral", List.of("neutral"))));
    assertThat(ev.labels()).isEqualTo(LabelSet.of("anger", "neutral", "sadness"));
    assertThat(ev.annotatorAwareLabels()).isEqualTo(AN);
    assertThat(ev.annotatorAwareMacroF1()).isEqualTo(1.0);
    assertThat(ev.macroF1()).isCloseTo((1 + 2.0 / 3 + 0) / 3, within(1e-15));
    assertThat(ev.annotatorAwareConfusionMatrix().labels()).isEqualTo(AN);
    assertThat(ev.toJsonMap().get("labels_annotator_aware")).isEqualTo(List.of("anger", "neutral"));
  }

  @Test
  void withoutAnyMajorityTheLabelsFallBackToEveryLabel() {
    Evaluation ev =
        Evaluation.of(
            List.of(
                EvaluationItem.of("a", "anger", List.of("anger", "neutral")),
                EvaluationItem.of("b", "fear", List.of("neutral", "anger"))));
    assertThat(ev.nNoMajority()).isEqualTo(2);
    assertThat(ev.labels())
        .isEqualTo(ev.allLabels())
        .isEqualTo(LabelSet.of("anger", "fear", "neutral"));
    assertThat(ev.macroF1()).isNaN();
    assertThat(ev.confusionMatrix().total()).isZero();
  }

  @Test
  void givenMajorityOverridesPlurality() {
    Evaluation ev =
        Evaluation.of(
            List.of(
                EvaluationItem.of("a", "anger", List.of("neutral", "neutral", "anger"))
                    .withMajority(Label.of("anger"))));
    assertThat(ev.accuracy()).isEqualTo(1.0);
    assertThat(ev.nNoMajority()).isZero();
  }

  @Test
  void jsonMapHasTheContractKeys() {
    LabelDistribution d = LabelDistribution.of(AN, new double[] {0.7, 0.3});
    List<EvaluationItem> items =
        small().stream().map(i -> i.withDistribution(d)).toList();
    Map<String, Object> plain = Evaluation.of(small()).toJsonMap();
    assertThat(plain)
        .containsKeys(
            "n", "n_no_majority", "labels", "accuracy_majority", "macro_f1_majority",
            "macro_f1_annotator_aware", "per_class", "confusion_matrix", "fleiss_kappa",
            "krippendorff_alpha", "weighted_f1", "uar")
        .doesNotContainKeys("soft_accuracy", "ci95");
    MetricsReport report = Evaluation.of(items).report()
        .withBootstrap(Bootstrap.withReplicates(50).seed(1))
        .withProvenance("dataset", "unit-test");
    Map<String, Object> json = report.toJsonMap();
    assertThat(json)
        .containsKeys(
            "all_inclusive_macro_f1", "soft_accuracy", "soft_micro_f1", "js_similarity", "ece",
            "cross_entropy", "entropy_correlation", "reliability_table", "ci95", "provenance");
    @SuppressWarnings("unchecked")
    Map<String, Object> ci = (Map<String, Object>) json.get("ci95");
    assertThat(ci).containsKeys("macro_f1_majority", "soft_accuracy", "ece");
    @SuppressWarnings("unchecked")
    Map<String, Object> perClass = (Map<String, Object>) json.get("per_class");
    assertThat(perClass.get("anger")).isInstanceOf(Map.class);
    assertThat(List.copyOf(((Map<?, ?>) perClass.get("anger")).keySet()).toString())
        .isEqualTo("[precision, recall, f1, support]");
    assertThatThrownBy(() -> json.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    String md = report.toMarkdown();
    assertThat(md).contains("| macro_f1_majority | 0.6667 | [").contains("| class | precision");
  }

  @Test
  void unknownLabelNamesTheItem() {
    List<EvaluationItem> items =
        List.of(
            EvaluationItem.of("ok", "anger", List.of("anger")),
            EvaluationItem.of("clip-17", "anger", List.of("fear")));
    assertThatThrownBy(() -> Evaluation.of(items, AN))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("clip-17")
        .hasMessageContaining("fear");
    List<EvaluationItem> badPred = List.of(EvaluationItem.of("p1", "joy", List.of("anger")));
    assertThatThrownBy(() -> Evaluation.of(badPred, AN))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("p1")
        .hasMessageContaining("prediction");
  }

  @Test
  void distributionOutsideTheLabelSetNeedsZeroMass() {
    LabelSet three = LabelSet.of("anger", "neutral", "fear");
    EvaluationItem it = EvaluationItem.of("x", "anger", List.of("anger", "anger"));
    Evaluation ok =
        Evaluation.of(
            List.of(it.withDistribution(LabelDistribution.of(three, new double[] {0.6, 0.4, 0}))),
            AN);
    assertThat(ok.softAccuracy()).isCloseTo(0.6, within(1e-15));
    assertThatThrownBy(
            () ->
                Evaluation.of(
                    List.of(
                        it.withDistribution(
                            LabelDistribution.of(three, new double[] {0.5, 0.4, 0.1}))),
                    AN))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("x")
        .hasMessageContaining("restrictTo");
  }

  @Test
  void emptyAndMalformedInputAreRejected() {
    assertThatThrownBy(() -> Evaluation.of(List.of()))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("no items");
    assertThatThrownBy(() -> Evaluation.of(List.of(), AN)).isInstanceOf(ManifestException.class);
    assertThatThrownBy(() -> EvaluationItem.of("u1", "anger", List.of()))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("u1");
    assertThatThrownBy(() -> EvaluationItem.of(" ", "anger", List.of("anger")))
        .isInstanceOf(ManifestException.class);
    assertThatThrownBy(() -> EvaluationItem.of("u2", (String) null, List.of("anger")))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("u2");
  }

  @Test
  void resultsAreImmutable() {
    Evaluation ev = Evaluation.of(small());
    assertThatThrownBy(() -> ev.perClass().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ev.metrics().clear()).isInstanceOf(UnsupportedOperationException.class);
    long[][] counts = ev.confusionMatrix().counts();
    counts[0][0] = 99;
    assertThat(ev.confusionMatrix().counts()[0][0]).isNotEqualTo(99);
    List<Label> ann = new java.util.ArrayList<>(List.of(Label.of("anger")));
    EvaluationItem it = EvaluationItem.of("z", Label.of("anger"), ann);
    ann.add(Label.of("neutral"));
    assertThat(it.annotations()).hasSize(1);
  }

  @Test
  void metricsAreKeyedByTheirJsonName() {
    for (Metric m : Metric.values()) {
      assertThat(Metric.fromKey(m.key())).isSameAs(m);
    }
    assertThat(Metric.fromKey("MACRO_F1_MAJORITY")).isSameAs(Metric.MACRO_F1_MAJORITY);
    assertThatThrownBy(() -> Metric.fromKey("f2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("macro_f1_majority");
  }
}
