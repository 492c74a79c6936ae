package io.ser4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ten-line example of docs/metrics.md, kept compiling and running. */
class DocExampleTest {
  @Test
  void docsExampleRuns() {
    LabelSet labels = LabelSet.of("anger", "disgust", "fear", "happiness", "neutral", "sadness");
    List<EvaluationItem> items = List.of(
        EvaluationItem.of("1001_DFA_ANG_XX", "anger", List.of("anger", "anger", "fear"))
            .withDistribution(LabelDistribution.of(labels, new double[] {.7, .05, .15, .03, .05, .02}))
            .withSpeaker("1001"),
        EvaluationItem.of("1001_DFA_SAD_XX", "neutral", List.of("sadness", "neutral", "sadness")));
    Evaluation ev = Evaluation.of(items, labels);
    Bootstrap boot = Bootstrap.withReplicates(1000).seed(42).stratifiedBySpeaker(true);
    ConfidenceInterval ci = boot.confidenceInterval(ev, Metric.MACRO_F1_MAJORITY);
    MetricsReport report = ev.report().withBootstrap(boot).withProvenance("dataset", "crema-d");
    Map<String, Object> json = report.toJsonMap();

    // anger right, sadness predicted as neutral: F1 anger 1, others 0 over six classes
    assertThat(ev.macroF1()).isEqualTo(1.0 / 6);
    // neutral was chosen by one annotator: both count as correct annotator-aware (2 classes of 6)
    assertThat(ev.annotatorAwareMacroF1()).isEqualTo(2.0 / 6);
    assertThat(ci.contains(ev.macroF1())).isTrue();
    assertThat(json).containsKeys("ci95", "soft_accuracy", "provenance");
    assertThat(ev.nWithDistribution()).isEqualTo(1);
    // y = (2/3 anger, 1/3 fear): min sums to 2/3 + 0.15
    assertThat(ev.softAccuracy()).isCloseTo(2.0 / 3 + 0.15, org.assertj.core.api.Assertions.within(1e-12));
  }
}
