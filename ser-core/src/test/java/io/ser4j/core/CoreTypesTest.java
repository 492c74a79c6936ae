package io.ser4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CoreTypesTest {
  @Test
  void audioClipRejectsNonFiniteSamplesNamingSourceAndIndex() {
    assertThatThrownBy(() -> AudioClip.of(new float[] {0f, Float.NaN}, 16000, "a.wav"))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("a.wav")
        .hasMessageContaining("sample 1");
    assertThatThrownBy(() -> AudioClip.of(new float[] {Float.POSITIVE_INFINITY}, 16000, "b.wav"))
        .isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> AudioClip.of(new float[1], 0, "c.wav"))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("c.wav: sample rate must be positive");
  }

  @Test
  void audioClipIsImmutable() {
    float[] s = {0.1f, 0.2f, 0.3f, 0.4f};
    AudioClip clip = AudioClip.of(s, 4, "x");
    s[0] = 9f;
    clip.samples()[1] = 9f;
    assertThat(clip.sample(0)).isEqualTo(0.1f);
    assertThat(clip.sample(1)).isEqualTo(0.2f);
    assertThat(clip.durationSeconds()).isEqualTo(1.0);
    assertThatThrownBy(() -> clip.view().put(0, 1f)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
  }

  @Test
  void labelsNormaliseAndLabelSetsValidate() {
    assertThat(Label.of("  Anger ")).isEqualTo(Label.of("anger"));
    LabelSet set = LabelSet.parse("anger, happiness,neutral");
    assertThat(set.size()).isEqualTo(3);
    assertThat(set.indexOf(Label.of("neutral"))).isEqualTo(2);
    assertThat(set.require("HAPPINESS")).isEqualTo(Label.of("happiness"));
    assertThatThrownBy(() -> set.require("joy"))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageStartingWith("joy: unknown label");
    assertThatThrownBy(() -> LabelSet.of("a", "A")).isInstanceOf(IllegalArgumentException.class);
    assertThat(LabelSet.UNIFIED.size()).isEqualTo(9);
  }

  @Test
  void distributionsNormaliseRestrictAndArgmax() {
    LabelSet set = LabelSet.of("anger", "happiness", "neutral", "sadness");
    LabelDistribution d = LabelDistribution.softmax(set, new double[] {2, 1, 0, -1});
    double sum = 0;
    for (double p : d.toArray()) {
      sum += p;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-12));
    assertThat(d.argmax()).isEqualTo(Label.of("anger"));
    // softmax(2,1) restricted = e^2/(e^2+e^1)
    LabelDistribution r = d.restrictTo(LabelSet.of("happiness", "anger"));
    assertThat(r.probability(Label.of("anger")))
        .isCloseTo(Math.exp(2) / (Math.exp(2) + Math.exp(1)), within(1e-12));
    assertThat(r.labels().get(0)).isEqualTo(Label.of("happiness"));
    assertThatThrownBy(() -> d.restrictTo(LabelSet.of("fear")))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("fear");
    assertThatThrownBy(() -> LabelDistribution.of(set, new double[] {0.5, 0.5, 0.5, -0.5}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cuesDefaultToUndefined() {
    Cues c =
        Cues.builder()
            .durationSeconds(2)
            .sourceSampleRateHz(22050)
            .set(Cue.F0_MEAN_HZ, 180)
            .set(Cue.HNR_DB, Double.NEGATIVE_INFINITY)
            .build();
    assertThat(c.get(Cue.F0_MEAN_HZ)).isEqualTo(180);
    assertThat(c.isDefined(Cue.HNR_DB)).isFalse();
    assertThat(c.isDefined(Cue.JITTER_LOCAL)).isFalse();
    assertThat(c.asMap()).hasSize(Cue.values().length);
    assertThat(c.contour()).isEmpty();
  }

  @Test
  void cueKeysAreUniqueAndSnakeCase() {
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Cue c : Cue.values()) {
      assertThat(c.key()).matches("[a-z0-9_]+");
      assertThat(keys.add(c.key())).as(c.key()).isTrue();
    }
  }

  @Test
  void manifestExceptionNamesFileLineAndColumn() {
    ManifestException e = ManifestException.at("m.csv", 12, "emotion", "unknown label 'joy'");
    assertThat(e.getMessage()).isEqualTo("m.csv:12 (column emotion): unknown label 'joy'");
    assertThat(e.problem()).isEqualTo("unknown label 'joy'");
    assertThat(e).isInstanceOf(SerException.class);
  }
}
