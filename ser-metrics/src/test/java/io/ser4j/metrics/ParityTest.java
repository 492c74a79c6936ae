package io.ser4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.LabelSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every metric against the committed scikit-learn / numpy reference values, to 1e-9: CREMA-D
 * voice-only crowd votes (7,442 clips) and the hand-built edge cases.
 */
class ParityTest {
  static final double TOL = 1e-9;

  /** The scalar keys checked; a fixture must hold each (null = undefined = NaN). */
  static final List<String> SCALARS =
      List.of(
          "accuracy_majority", "macro_f1_majority", "weighted_f1", "uar",
          "macro_f1_annotator_aware", "accuracy_annotator_aware", "fleiss_kappa",
          "krippendorff_alpha");

  static final List<String> SOFT_SCALARS =
      List.of(
          "all_inclusive_macro_f1", "soft_accuracy", "soft_micro_f1", "js_similarity",
          "cross_entropy", "entropy_correlation", "ece");

  @Test
  void cremaDVoiceOnlyVotesMatchReference() {
    JsonNode root = Fixtures.read("crema_d_voice.json");
    List<EvaluationItem> items = Fixtures.cremaItems(root);
    assertThat(items).hasSize(7442);
    Evaluation ev = Evaluation.of(items);
    assertMatches(ev, root.get("expected"));
    // the real data has ties (no strict plurality) and disagreement: the case is not degenerate
    assertThat(ev.nNoMajority()).isGreaterThan(100);
    assertThat(ev.annotatorAwareMacroF1()).isGreaterThan(ev.macroF1());
  }

  static Stream<Arguments> edgeCases() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : Fixtures.read("edge_cases.json").get("cases")) {
      out.add(Arguments.of(c.get("name").asText(), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("edgeCases")
  void edgeCaseMatchesReference(String name, JsonNode c) {
    LabelSet labels = Fixtures.caseLabels(c);
    List<EvaluationItem> items = Fixtures.caseItems(c);
    Evaluation ev = labels == null ? Evaluation.of(items) : Evaluation.of(items, labels);
    assertMatches(ev, c.get("expected"));
  }

  static void assertMatches(Evaluation ev, JsonNode exp) {
    Map<String, Object> json = ev.toJsonMap();
    assertThat(json.get("n")).isEqualTo(exp.get("n").asInt());
    assertThat(json.get("n_no_majority")).isEqualTo(exp.get("n_no_majority").asInt());
    List<String> labels = new ArrayList<>();
    exp.get("labels").forEach(l -> labels.add(l.asText()));
    assertThat(json.get("labels")).isEqualTo(labels);
    assertThat(names(ev.labels())).isEqualTo(labels);
    assertThat(names(ev.confusionMatrix().labels())).isEqualTo(labels);
    // labels_all (every label: soft metrics, agreement) and labels_annotator_aware appear exactly
    // when they differ from labels
    for (String key : List.of("labels_all", "labels_annotator_aware")) {
      if (exp.has(key)) {
        List<String> want = new ArrayList<>();
        exp.get(key).forEach(l -> want.add(l.asText()));
        assertThat(json.get(key)).as(key).isEqualTo(want);
        assertThat(want).as(key).isNotEqualTo(labels);
      } else {
        assertThat(json).as(key).doesNotContainKey(key);
      }
    }
    assertThat(names(ev.allLabels()))
        .containsAll(labels)
        .isEqualTo(json.getOrDefault("labels_all", labels));
    assertThat(names(ev.annotatorAwareLabels()))
        .isEqualTo(json.getOrDefault("labels_annotator_aware", labels));
    assertThat(names(ev.annotatorAwareConfusionMatrix().labels()))
        .isEqualTo(names(ev.annotatorAwareLabels()));
    assertThat(labels).containsAll(names(ev.annotatorAwareLabels()));
    for (String key : SCALARS) {
      assertScalar(key, exp, json);
    }
    if (exp.has("n_distribution")) {
      assertThat(json.get("n_distribution")).isEqualTo(exp.get("n_distribution").asInt());
      for (String key : SOFT_SCALARS) {
        assertScalar(key, exp, json);
      }
      JsonNode table = exp.get("reliability_table");
      List<ReliabilityBin> bins = ev.reliabilityTable();
      assertThat(bins).hasSize(table.size());
      for (int b = 0; b < bins.size(); b++) {
        JsonNode row = table.get(b);
        assertThat(bins.get(b).count()).isEqualTo(row.get("count").asLong());
        assertThat(bins.get(b).lower()).isCloseTo(row.get("lower").asDouble(), within(TOL));
        assertThat(bins.get(b).upper()).isCloseTo(row.get("upper").asDouble(), within(TOL));
        if (row.get("count").asLong() > 0) {
          assertThat(bins.get(b).meanConfidence())
              .isCloseTo(row.get("mean_confidence").asDouble(), within(TOL));
          assertThat(bins.get(b).accuracy()).isCloseTo(row.get("accuracy").asDouble(), within(TOL));
        }
      }
    } else {
      assertThat(json).doesNotContainKey("soft_accuracy");
      assertThat(ev.softAccuracy()).isNaN();
    }
    if (exp.has("per_class")) {
      assertThat(ev.perClass()).hasSize(exp.get("per_class").size());
      for (ClassMetrics cm : ev.perClass()) {
        JsonNode e = exp.get("per_class").get(cm.label().name());
        track(cm.precision(), e.get("precision").asDouble());
        track(cm.recall(), e.get("recall").asDouble());
        track(cm.f1(), e.get("f1").asDouble());
        assertThat(cm.precision()).as("precision %s", cm.label())
            .isCloseTo(e.get("precision").asDouble(), within(TOL));
        assertThat(cm.recall()).as("recall %s", cm.label())
            .isCloseTo(e.get("recall").asDouble(), within(TOL));
        assertThat(cm.f1()).as("f1 %s", cm.label()).isCloseTo(e.get("f1").asDouble(), within(TOL));
        assertThat(cm.support()).isEqualTo(e.get("support").asLong());
      }
      long[][] counts = ev.confusionMatrix().counts();
      assertThat(counts.length).isEqualTo(exp.get("confusion_matrix").size());
      double[][] norm = ev.confusionMatrix().rowNormalised();
      for (int r = 0; r < counts.length; r++) {
        for (int k = 0; k < counts.length; k++) {
          assertThat(counts[r][k]).isEqualTo(exp.get("confusion_matrix").get(r).get(k).asLong());
          assertThat(norm[r][k])
              .isCloseTo(
                  exp.get("confusion_matrix_normalized").get(r).get(k).asDouble(), within(TOL));
        }
      }
    }
  }

  static List<String> names(io.ser4j.core.LabelSet set) {
    List<String> out = new ArrayList<>();
    set.forEach(l -> out.add(l.name()));
    return out;
  }

  /** Largest absolute difference seen over all compared doubles (printed for the report). */
  static double maxError = 0;

  @org.junit.jupiter.api.AfterAll
  static void printMaxError() {
    System.out.println("ParityTest: max |java - reference| = " + maxError);
  }

  static void track(double got, double want) {
    maxError = Math.max(maxError, Math.abs(got - want));
  }

  static void assertScalar(String key, JsonNode exp, Map<String, Object> json) {
    assertThat(exp.has(key)).as("fixture has %s", key).isTrue();
    assertThat(json).containsKey(key);
    Object got = json.get(key);
    if (exp.get(key).isNull()) {
      assertThat(got).as(key).isNull();
    } else {
      assertThat(got).as(key).isNotNull();
      track((Double) got, exp.get(key).asDouble());
      assertThat((Double) got).as(key).isCloseTo(exp.get(key).asDouble(), within(TOL));
    }
  }
}
