package io.ser4j.rationale.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Schedule, augmentation, config round trip, curve CSV. */
class TrainingPartsTest {
  @Test
  void warmupThenCosine() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110, 0.1);
    assertThat(s.at(1)).isCloseTo(1e-4, within(1e-12));
    assertThat(s.at(10)).isCloseTo(1e-3, within(1e-12));
    assertThat(s.at(60)).isCloseTo(1e-4 + 0.9e-3 * 0.5, within(1e-12)); // half way: cos = 0
    assertThat(s.at(110)).isCloseTo(1e-4, within(1e-12));
    for (int i = 11; i < 110; i++) {
      assertThat(s.at(i + 1)).isLessThanOrEqualTo(s.at(i));
    }
    assertThat(new LearningRateSchedule(1e-3, 0, 5, 0).at(1)).isLessThan(1e-3).isGreaterThan(0.8e-3);
    assertThatThrownBy(() -> new LearningRateSchedule(0, 1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void augmentationIsSeededAndChangesTheSignal() {
    float[] x = new float[16000];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * 200 * i / 16000.0));
    }
    Augmenter a = new Augmenter(1, 0.1, 1, 10, 10, 2, 20, 2, 8);
    float[] y1 = a.waveform(x, new SplittableRandom(7));
    float[] y2 = a.waveform(x, new SplittableRandom(7));
    float[] y3 = a.waveform(x, new SplittableRandom(8));
    assertThat(y1).containsExactly(y2);
    assertThat(y1).isNotEqualTo(y3);
    assertThat(y1.length).isBetween(14_500, 17_800); // speed within +-10%
    // noise at 10 dB SNR: residual power about a tenth of the signal's (speed change aside, compare powers)
    double p = 0;
    for (float v : y1) {
      p += v * v;
    }
    assertThat(p / y1.length).isBetween(0.125 * 1.05, 0.125 * 1.15);
    float[][] mel = new float[80][100];
    for (float[] row : mel) {
      java.util.Arrays.fill(row, 1f);
    }
    mel[0][0] = -79f; // mean = 0.99
    a.masks(mel, new SplittableRandom(3));
    int masked = 0;
    for (float[] row : mel) {
      for (float v : row) {
        masked += v == 0.99f ? 1 : 0;
      }
    }
    assertThat(masked).isPositive();
    assertThat(Augmenter.NONE.isNone()).isTrue();
  }

  @Test
  void configRoundTripsThroughJson() {
    SftConfig c = SftConfig.builder().epochs(3).labelOnly(true).scope("lora").lora(4, 8).seed(9)
        .augmenter(Augmenter.NONE).build();
    assertThat(SftConfig.fromJson(c.toJson(), "x")).isEqualTo(c);
    assertThatThrownBy(() -> SftConfig.builder().scope("half").build()).hasMessageContaining("scope");
    assertThatThrownBy(() -> SftConfig.fromJson("{}", "run.json")).hasMessageContaining("run.json");
  }

  @Test
  void curveCsvRoundTrips() {
    LearningCurve c = new LearningCurve();
    c.add(new LearningCurve.Point(1, 0, 1e-4, 5.5, 3.25, Double.NaN));
    c.add(new LearningCurve.Point(2, 0, 2e-4, 4.5, 2.5, 4.75));
    LearningCurve back = LearningCurve.fromCsv(c.toCsv());
    assertThat(back.points()).hasSize(2);
    assertThat(back.points().get(0).devLoss()).isNaN();
    assertThat(back.points().get(1).devLoss()).isEqualTo(4.75);
    assertThat(back.toCsv()).isEqualTo(c.toCsv());
  }

  @Test
  void wordErrorRate() {
    assertThat(WordErrorRate.edits("Der Lappen liegt auf dem Eisschrank.", "der lappen liegt auf dem eisschrank")).isZero();
    assertThat(WordErrorRate.edits("Kids are talking by the door.", "Dogs are talking by door .")).isEqualTo(2);
    assertThat(WordErrorRate.edits("a b c", "")).isEqualTo(3);
    assertThat(WordErrorRate.corpus(java.util.List.of("a b c d", "e f"), java.util.List.of("a x c d", "e f g")))
        .isEqualTo(2 / 6.0);
    assertThat(WordErrorRate.corpus(java.util.List.of(""), java.util.List.of("x"))).isNaN();
  }
}
