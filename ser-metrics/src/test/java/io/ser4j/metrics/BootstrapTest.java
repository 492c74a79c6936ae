package io.ser4j.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap determinism and sanity. Python cannot reproduce Java's generator, so against the
 * numpy reference only the interval's width is compared (same order of magnitude).
 */
class BootstrapTest {
  static final JsonNode CREMA = Fixtures.read("crema_d_voice.json");
  static final List<EvaluationItem> ITEMS = Fixtures.cremaItems(CREMA);
  static final Evaluation EV = Evaluation.of(ITEMS);

  @Test
  void sameSeedSameIntervalOtherSeedOtherInterval() {
    Bootstrap b = Bootstrap.withReplicates(300).seed(7);
    ConfidenceInterval one = b.confidenceInterval(EV, Metric.MACRO_F1_MAJORITY);
    ConfidenceInterval two = b.confidenceInterval(Evaluation.of(ITEMS), Metric.MACRO_F1_MAJORITY);
    assertThat(two).isEqualTo(one);
    ConfidenceInterval other = b.seed(8).confidenceInterval(EV, Metric.MACRO_F1_MAJORITY);
    assertThat(other.lower()).isNotEqualTo(one.lower());
  }

  @Test
  void intervalContainsEstimateAndHasTheNumpyWidth() {
    ConfidenceInterval ci =
        Bootstrap.withReplicates(1000).seed(20261125).confidenceInterval(EV, Metric.MACRO_F1_MAJORITY);
    JsonNode np = CREMA.get("numpy_bootstrap_macro_f1_ci95");
    double npWidth = np.get(1).asDouble() - np.get(0).asDouble();
    assertThat(ci.contains(ci.estimate())).isTrue();
    assertThat(ci.estimate()).isEqualTo(EV.macroF1());
    assertThat(ci.replicates()).isEqualTo(1000);
    assertThat(ci.width() / npWidth).isBetween(0.75, 1.33);
    // the two intervals are estimates of the same thing: their centres are close
    assertThat((ci.lower() + ci.upper()) / 2)
        .isCloseTo((np.get(0).asDouble() + np.get(1).asDouble()) / 2, within(npWidth / 4));
  }

  @Test
  void everyMetricGetsAnIntervalFromTheSameResamples() {
    Bootstrap b = Bootstrap.withReplicates(200).seed(3);
    Map<Metric, ConfidenceInterval> all = b.confidenceIntervals(EV, List.of(Metric.values()));
    assertThat(all).hasSize(Metric.values().length);
    for (ConfidenceInterval ci : all.values()) {
      assertThat(ci.lower()).as(ci.metric().key()).isLessThanOrEqualTo(ci.upper());
      assertThat(ci.width()).as(ci.metric().key()).isPositive();
      assertThat(ci.replicates()).isEqualTo(200);
    }
    // replicate b draws the same items whatever else is asked for
    assertThat(b.confidenceInterval(EV, Metric.KRIPPENDORFF_ALPHA))
        .isEqualTo(all.get(Metric.KRIPPENDORFF_ALPHA));
  }

  @Test
  void stratifiedResamplingKeepsEachSpeakersShare() {
    // speaker a always right, speaker b always wrong: accuracy is 0.5 in every stratified resample
    List<EvaluationItem> items = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      boolean a = i % 2 == 0;
      items.add(
          EvaluationItem.of("u" + i, a ? "anger" : "sadness", List.of("anger", "anger"))
              .withSpeaker(a ? "a" : "b"));
    }
    Evaluation ev = Evaluation.of(items);
    Bootstrap b = Bootstrap.withReplicates(200).seed(1);
    ConfidenceInterval plain = b.confidenceInterval(ev, Metric.ACCURACY_MAJORITY);
    ConfidenceInterval strat = b.stratifiedBySpeaker(true).confidenceInterval(ev, Metric.ACCURACY_MAJORITY);
    assertThat(plain.width()).isGreaterThan(0.1);
    assertThat(strat.lower()).isEqualTo(0.5);
    assertThat(strat.upper()).isEqualTo(0.5);
  }

  @Test
  void pairedTestAgainstItselfAndAgainstAWorseSystem() {
    Bootstrap b = Bootstrap.withReplicates(500).seed(11);
    PairedTestResult same = b.pairedTest(EV, EV, Metric.MACRO_F1_MAJORITY);
    assertThat(same.difference()).isZero();
    assertThat(same.pValue()).isEqualTo(1.0);
    // system B: every third prediction replaced by "fear" (a clearly worse system)
    List<EvaluationItem> worse = new ArrayList<>();
    for (int i = 0; i < ITEMS.size(); i++) {
      EvaluationItem it = ITEMS.get(i);
      worse.add(
          i % 3 == 0
              ? new EvaluationItem(it.id(), Label.of("fear"), it.annotations(), it.majority(),
                  it.distribution(), it.speaker())
              : it);
    }
    Evaluation evB = Evaluation.of(worse, EV.labels());
    PairedTestResult t = b.pairedTest(EV, evB, Metric.MACRO_F1_MAJORITY);
    assertThat(t.difference()).isGreaterThan(0.05);
    assertThat(t.pValue()).isLessThan(0.01).isGreaterThan(0);
    assertThat(t.replicates()).isEqualTo(500);
    // two systems of equal quality (each with a different 5 % of predictions rotated to another
    // label): no significant difference
    Evaluation b1 = Evaluation.of(rotated(0), EV.labels());
    Evaluation b2 = Evaluation.of(rotated(10), EV.labels());
    PairedTestResult tie = b.pairedTest(b1, b2, Metric.MACRO_F1_MAJORITY);
    assertThat(Math.abs(tie.difference())).isLessThan(0.01);
    assertThat(tie.pValue()).isGreaterThan(0.05);
  }

  /** The CREMA-D items with the prediction of every 20th item (from {@code offset}) rotated. */
  static List<EvaluationItem> rotated(int offset) {
    List<Label> labels = EV.labels().labels();
    List<EvaluationItem> out = new ArrayList<>(ITEMS);
    for (int i = offset; i < out.size(); i += 20) {
      EvaluationItem it = out.get(i);
      Label next = labels.get((labels.indexOf(it.prediction()) + 1) % labels.size());
      out.set(i, new EvaluationItem(it.id(), next, it.annotations(), null, null, it.speaker()));
    }
    return out;
  }

  @Test
  void pairedTestNeedsTheSameItems() {
    Evaluation other = Evaluation.of(ITEMS.subList(0, 100));
    assertThatThrownBy(() -> Bootstrap.defaults().pairedTest(EV, other, Metric.UAR))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("same item ids");
  }

  @Test
  void percentileInterpolatesLikeNumpy() {
    double[] v = {1, 2, 3, 4};
    assertThat(Bootstrap.percentile(v, 25)).isEqualTo(1.75); // numpy.percentile([1,2,3,4], 25)
    assertThat(Bootstrap.percentile(v, 97.5)).isCloseTo(3.925, within(1e-12));
    assertThat(Bootstrap.percentile(new double[] {5}, 2.5)).isEqualTo(5);
  }

  @Test
  void concurrentCallsGiveTheSameResult() throws Exception {
    Bootstrap b = Bootstrap.withReplicates(100).seed(5);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ConfidenceInterval>> fs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fs.add(pool.submit(() -> b.confidenceInterval(EV, Metric.SOFT_ACCURACY)));
      }
      ConfidenceInterval first = fs.get(0).get();
      for (Future<ConfidenceInterval> f : fs) {
        assertThat(f.get()).isEqualTo(first);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void undefinedReplicatesAreDroppedAndUndefinedMetricsSkipped() {
    // one item of five has a majority: replicates that miss it have no majority-based value
    List<EvaluationItem> items = new ArrayList<>();
    items.add(EvaluationItem.of("m", "anger", List.of("anger", "anger")));
    for (int i = 0; i < 4; i++) {
      items.add(EvaluationItem.of("t" + i, "anger", List.of("anger", "neutral")));
    }
    Evaluation ev = Evaluation.of(items);
    Map<Metric, ConfidenceInterval> cis =
        Bootstrap.withReplicates(400).seed(2).confidenceIntervals(ev, List.of(Metric.values()));
    ConfidenceInterval acc = cis.get(Metric.ACCURACY_MAJORITY);
    // P(replicate misses the item) = (4/5)^5 = 0.33: about 268 of 400 defined
    assertThat(acc.replicates()).isBetween(230, 310);
    assertThat(acc.lower()).isEqualTo(1.0);
    assertThat(cis).doesNotContainKey(Metric.SOFT_ACCURACY); // no distributions
  }

  @Test
  void stratifyingWithoutSpeakersIsPlainResampling() {
    List<EvaluationItem> noSpeakers = new ArrayList<>();
    for (EvaluationItem it : ITEMS.subList(0, 500)) {
      noSpeakers.add(new EvaluationItem(it.id(), it.prediction(), it.annotations(), null, null, null));
    }
    Evaluation ev = Evaluation.of(noSpeakers);
    Bootstrap b = Bootstrap.withReplicates(100).seed(9);
    assertThat(b.stratifiedBySpeaker(true).confidenceInterval(ev, Metric.UAR))
        .isEqualTo(b.confidenceInterval(ev, Metric.UAR));
    // with CREMA-D's 91 speakers the stratified interval differs from the plain one
    assertThat(b.stratifiedBySpeaker(true).confidenceInterval(EV, Metric.UAR))
        .isNotEqualTo(b.confidenceInterval(EV, Metric.UAR));
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThatThrownBy(() -> Bootstrap.withReplicates(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bootstrap.defaults().level(1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Intervals pinned to the values of the implementation before the allocation work (commit
   * c3e51c1: per-item share/agreement columns, member lookup on every draw): the leaner table and
   * resampler must give bit-identical results. Synthetic items with speakers and some
   * distributions, an explicit label set (whose semantics did not change), 200 replicates, seed 3.
   */
  @Test
  void intervalsAreBitIdenticalToThePreviousImplementation() {
    LabelSet labels = LabelSet.of("anger", "fear", "happiness", "neutral", "sadness");
    SplittableRandom rng = new SplittableRandom(7);
    List<EvaluationItem> items = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      int truth = rng.nextInt(5);
      int m = 1 + rng.nextInt(6);
      List<Label> ann = new ArrayList<>();
      for (int r = 0; r < m; r++) {
        ann.add(labels.get(rng.nextDouble() < 0.6 ? truth : rng.nextInt(5)));
      }
      int pred = rng.nextDouble() < 0.55 ? truth : rng.nextInt(5);
      EvaluationItem it =
          EvaluationItem.of("i" + i, labels.get(pred), ann).withSpeaker("s" + (i % 7));
      if (i % 3 == 0) {
        double[] p = new double[5];
        for (int k = 0; k < 5; k++) {
          p[k] = 1 + rng.nextInt(4) + (k == pred ? 6 : 0);
        }
        it = it.withDistribution(LabelDistribution.normalise(labels, p));
      }
      items.add(it);
    }
    Evaluation ev = Evaluation.of(items, labels);
    String[][] pinned = {
      {"false", "MACRO_F1_MAJORITY", "0.5651195633383402", "0.5988003860990583"},
      {"false", "MACRO_F1_ANNOTATOR_AWARE", "0.6579129435845578", "0.6940764598875364"},
      {"false", "ALL_INCLUSIVE_MACRO_F1", "0.4800215681596352", "0.5241170105671765"},
      {"false", "SOFT_ACCURACY", "0.44053052508551566", "0.46600866800168955"},
      {"false", "ECE", "0.09715675690219124", "0.16168651468356968"},
      {"false", "FLEISS_KAPPA", "0.352820965577124", "0.38843601335216715"},
      {"false", "KRIPPENDORFF_ALPHA", "0.3499926232415693", "0.3802639225372422"},
      {"true", "MACRO_F1_MAJORITY", "0.562372099438031", "0.5965969759393362"},
      {"true", "MACRO_F1_ANNOTATOR_AWARE", "0.6557739689081571", "0.6930152786177203"},
      {"true", "ALL_INCLUSIVE_MACRO_F1", "0.48039250739083966", "0.5244437276758198"},
      {"true", "SOFT_ACCURACY", "0.4406960035474848", "0.46455832377255574"},
      {"true", "ECE", "0.09493775867294971", "0.16048492725194108"},
      {"true", "FLEISS_KAPPA", "0.35345028817762775", "0.3890245225449619"},
      {"true", "KRIPPENDORFF_ALPHA", "0.3503133986227444", "0.3808048442598733"},
    };
    for (String[] row : pinned) {
      boolean stratified = Boolean.parseBoolean(row[0]);
      Metric m = Metric.valueOf(row[1]);
      ConfidenceInterval ci =
          Bootstrap.withReplicates(200)
              .seed(3)
              .stratifiedBySpeaker(stratified)
              .confidenceInterval(ev, m);
      assertThat(ci.lower()).as("%s %s lower", m, row[0]).isEqualTo(Double.parseDouble(row[2]));
      assertThat(ci.upper()).as("%s %s upper", m, row[0]).isEqualTo(Double.parseDouble(row[3]));
    }
  }
}
