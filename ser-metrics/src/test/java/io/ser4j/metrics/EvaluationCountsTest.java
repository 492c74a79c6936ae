package io.ser4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.SerException;
import io.ser4j.core.UnknownLabelException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Counts merged from disjoint parts give exactly (bit for bit) the metrics {@link Evaluation}
 * computes on all items at once: on CREMA-D's real crowd votes (ties, variable raters), on the
 * committed edge cases, and on seeded random items, over observed and given label sets.
 */
class EvaluationCountsTest {

  /** Splits {@code items} into {@code parts} random parts, counts each, merges in shuffled order. */
  private static EvaluationCounts mergedCounts(
      List<EvaluationItem> items, LabelSet labels, int parts, long seed) {
    Random rnd = new Random(seed);
    List<List<EvaluationItem>> split = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      split.add(new ArrayList<>());
    }
    for (EvaluationItem it : items) {
      split.get(rnd.nextInt(parts)).add(it);
    }
    List<EvaluationCounts> counts = new ArrayList<>();
    for (List<EvaluationItem> part : split) {
      counts.add(labels == null ? EvaluationCounts.of(part) : EvaluationCounts.of(part, labels));
    }
    Collections.shuffle(counts, rnd);
    EvaluationCounts total = labels == null ? EvaluationCounts.empty() : EvaluationCounts.empty(labels);
    for (EvaluationCounts c : counts) {
      total = total.merge(c);
    }
    return total;
  }

  private static void assertIdentical(EvaluationCounts counts, Evaluation ev) {
    assertThat(counts.n()).isEqualTo(ev.n());
    assertThat(counts.nNoMajority()).isEqualTo(ev.nNoMajority());
    assertThat(counts.labels()).isEqualTo(ev.labels());
    assertThat(counts.annotatorAwareLabels()).isEqualTo(ev.annotatorAwareLabels());
    assertThat(counts.allLabels()).isEqualTo(ev.allLabels());
    int checked = 0;
    for (Metric m : Metric.values()) {
      if (EvaluationCounts.supports(m)) {
        // isEqualTo on boxed doubles: identical values (NaN equals NaN), no tolerance
        assertThat(Double.valueOf(counts.metric(m))).as(m.key()).isEqualTo(Double.valueOf(ev.metric(m)));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(6);
    assertThat(counts.perClass()).isEqualTo(ev.perClass());
    assertThat(counts.confusionMatrix()).isEqualTo(ev.confusionMatrix());
    assertThat(counts.annotatorAwareConfusionMatrix()).isEqualTo(ev.annotatorAwareConfusionMatrix());
    for (var e : counts.toJsonMap().entrySet()) {
      assertThat(ev.toJsonMap()).containsEntry(e.getKey(), e.getValue());
    }
  }

  @Test
  void mergedCountsOnCremaDVotesEqualEvaluation() {
    List<EvaluationItem> items = Fixtures.cremaItems(Fixtures.read("crema_d_voice.json"));
    Evaluation ev = Evaluation.of(items);
    assertThat(ev.nNoMajority()).as("the fixture has ties").isPositive();
    for (int parts : new int[] {1, 2, 7}) {
      assertIdentical(mergedCounts(items, null, parts, 42 + parts), ev);
    }
    LabelSet given = LabelSet.of("neutral", "anger", "disgust", "fear", "happiness", "sadness", "surprise");
    assertThat(given.labels()).containsAll(ev.allLabels().labels());
    assertIdentical(mergedCounts(items, given, 5, 7), Evaluation.of(items, given));
  }

  @Test
  void mergedCountsOnEdgeCasesEqualEvaluation() {
    JsonNode root = Fixtures.read("edge_cases.json");
    int cases = 0;
    for (JsonNode c : root.get("cases")) {
      List<EvaluationItem> items = Fixtures.caseItems(c);
      LabelSet labels = Fixtures.caseLabels(c);
      Evaluation ev;
      try {
        ev = labels == null ? Evaluation.of(items) : Evaluation.of(items, labels);
      } catch (SerException e) {
        continue; // cases that test rejection of a distribution; counts ignore distributions
      }
      assertIdentical(mergedCounts(items, labels, 3, cases), ev);
      cases++;
    }
    assertThat(cases).isGreaterThan(3);
  }

  @Test
  void mergedCountsOnRandomItemsEqualEvaluation() {
    String[] names = {"anger", "boredom", "fear", "happiness", "neutral", "sadness"};
    for (long seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      List<EvaluationItem> items = new ArrayList<>();
      int n = 1 + rnd.nextInt(300);
      for (int i = 0; i < n; i++) {
        int raters = 1 + rnd.nextInt(4);
        List<String> ann = new ArrayList<>();
        for (int r = 0; r < raters; r++) {
          ann.add(names[rnd.nextInt(3 + (int) (seed % 3))]);
        }
        EvaluationItem it = EvaluationItem.of("u" + i, names[rnd.nextInt(names.length)], ann);
        if (rnd.nextInt(10) == 0) {
          it = it.withMajority(Label.of(names[rnd.nextInt(names.length)]));
        }
        items.add(it);
      }
      assertIdentical(mergedCounts(items, null, 1 + rnd.nextInt(8), seed), Evaluation.of(items));
      LabelSet given = LabelSet.of(names);
      assertIdentical(
          mergedCounts(items, given, 1 + rnd.nextInt(8), seed), Evaluation.of(items, given));
    }
  }

  @Test
  void countsSurviveJavaSerialization() throws Exception {
    List<EvaluationItem> items = Fixtures.cremaItems(Fixtures.read("crema_d_voice.json"));
    EvaluationCounts counts = EvaluationCounts.of(items);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(counts);
    }
    Object back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = in.readObject();
    }
    assertThat(back).isEqualTo(counts);
    assertThat(((EvaluationCounts) back).macroF1()).isEqualTo(Evaluation.of(items).macroF1());
  }

  @Test
  void badInputIsTyped() {
    List<EvaluationItem> items = List.of(EvaluationItem.of("u1", "anger", List.of("anger")));
    LabelSet small = LabelSet.of("neutral", "sadness");
    assertThatThrownBy(() -> EvaluationCounts.of(items, small))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("u1")
        .hasMessageContaining("anger");
    assertThatThrownBy(() -> EvaluationCounts.of(items).merge(EvaluationCounts.empty(small)))
        .isInstanceOf(SerException.class)
        .hasMessageContaining("different label sets");
    assertThatThrownBy(() -> EvaluationCounts.empty().macroF1())
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("no items");
    assertThatThrownBy(() -> EvaluationCounts.of(items).metric(Metric.SOFT_ACCURACY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EvaluationCounts.builder(null)).isInstanceOf(ManifestException.class);
  }
}
