package io.ser4j.model.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.Recognition;
import io.ser4j.core.UnknownLabelException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BaselineRecognizerTest {
  static final Path REPO = Path.of(System.getProperty("ser4j.repo.dir", ".."));
  static final BaselineRecognizer BUNDLED = BaselineRecognizer.bundled();

  @Test
  void bundledModelLoadsWithTheUnifiedLabelsAndProvenance() {
    BaselineModel m = BUNDLED.model();
    assertThat(m.labels()).isEqualTo(LabelSet.UNIFIED);
    assertThat(m.featureNames()).isEqualTo(BaselineFeatures.names());
    assertThat(m.speakerNormalised()).isNotNull();
    assertThat(m.provenance().get("command")).startsWith("ser train-baseline");
    assertThat(m.provenance().get("licence")).contains("NON-COMMERCIAL");
  }

  @Test
  void recognitionOnPrecomputedFeaturesEqualsTheOneThatExtractsThem() {
    AudioClip clip = AudioLoader.load(REPO.resolve("examples/audio/angry.wav"));
    LabelSet four = LabelSet.of("anger", "happiness", "neutral", "sadness");
    BaselineFeatures.Result f = BaselineFeatures.create().extract(clip, false);
    for (LabelSet c : java.util.Arrays.asList(null, four)) {
      Recognition direct = BUNDLED.recognize(clip, c);
      Recognition shared = BUNDLED.recognize(clip, f, c);
      assertThat(shared.probabilities()).isEqualTo(direct.probabilities());
      assertThat(shared.label()).isEqualTo(direct.label());
      assertThat(shared.cues()).isSameAs(f.cues());
      assertThat(shared.sourceId()).isEqualTo(clip.sourceId());
    }
    assertThat(BUNDLED.includesContour()).isFalse();
    assertThat(BUNDLED.withContour(true).includesContour()).isTrue();
    BaselineFeatures.Result shortVector = new BaselineFeatures.Result(new double[3], f.cues());
    assertThatThrownBy(() -> BUNDLED.recognize(clip, shortVector, null))
        .isInstanceOf(io.ser4j.core.RecognitionException.class).hasMessageContaining("length 3");
  }

  @Test
  void bundledModelCallsTheAngryExampleAnger() {
    AudioClip clip = AudioLoader.load(REPO.resolve("examples/audio/angry.wav"));
    Recognition r = BUNDLED.recognize(clip, null);
    assertThat(r.model()).isEqualTo("baseline");
    assertThat(r.transcript()).isEmpty();
    assertThat(r.label()).isEqualTo(new Label("anger"));
    assertThat(r.probabilities().labels()).isEqualTo(LabelSet.UNIFIED);
    assertThat(java.util.Arrays.stream(r.probabilities().toArray()).boxed().toList()).hasSize(9).allMatch(p -> p >= 0 && p <= 1);
    assertThat(r.cues()).isNotNull();
    assertThat(r.cues().durationSeconds()).isCloseTo(clip.durationSeconds(), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void candidateLabelsRestrictAndRenormalise() {
    AudioClip clip = AudioLoader.load(REPO.resolve("examples/audio/sad.wav"));
    Recognition all = BUNDLED.recognize(clip, null);
    LabelSet two = LabelSet.of("sadness", "anger");
    Recognition r = BUNDLED.recognize(clip, two);
    assertThat(r.probabilities().labels()).isEqualTo(two);
    double[] p = r.probabilities().toArray();
    assertThat(p[0] + p[1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    double ratio = all.probabilities().probability(new Label("sadness")) / all.probabilities().probability(new Label("anger"));
    assertThat(p[0] / p[1]).isCloseTo(ratio, org.assertj.core.data.Offset.offset(1e-6 * ratio));
    assertThat(r.label()).isEqualTo(p[0] >= p[1] ? new Label("sadness") : new Label("anger"));
    assertThatThrownBy(() -> BUNDLED.recognize(clip, LabelSet.of("anger", "contempt")))
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("contempt");
  }

  @Test
  void providerServesBaselineDefaultAndJsonPaths() {
    BaselineProvider p = new BaselineProvider();
    assertThat(p.supports("baseline")).isTrue();
    assertThat(p.supports("default")).isTrue();
    assertThat(p.supports("/tmp/model.json")).isTrue();
    assertThat(p.supports("https://host/v1")).isFalse();
    assertThat(p.supports("some/checkpoint-dir")).isFalse();
    assertThat(p.rank()).isNegative();
    assertThat(RecognizerProvider.installed()).anyMatch(x -> x instanceof BaselineProvider);
    try (Recognizer r = RecognizerProvider.open("baseline")) {
      assertThat(r.name()).isEqualTo("baseline");
    }
    assertThatThrownBy(() -> p.create("/no/such/baseline.json"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("/no/such/baseline.json");
  }

  @Test
  void speakerNormalisedRecognitionUsesTheSpeakersOwnStatistics() {
    Path data = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
    java.util.List<AudioClip> clips = new java.util.ArrayList<>();
    for (String id : java.util.List.of("03a01Fa", "03a01Nc", "03a01Wa", "03a02Ta", "03a04Lc", "03a05Aa")) {
      clips.add(AudioLoader.load(data.resolve("emodb/wav/" + id + ".wav")));
    }
    java.util.List<Recognition> rs = BUNDLED.recognizeSpeaker(clips, LabelSet.of("anger", "sadness", "neutral"));
    assertThat(rs).hasSize(6);
    for (Recognition r : rs) {
      assertThat(r.model()).contains("speaker-normalised");
      assertThat(r.probabilities().labels().size()).isEqualTo(3);
    }
    // Dropping a clip changes the speaker statistics and so the other clips' distributions.
    java.util.List<Recognition> fewer = BUNDLED.recognizeSpeaker(clips.subList(0, 5), null);
    assertThat(fewer.get(0).probabilities().restrictTo(LabelSet.of("anger", "sadness", "neutral")))
        .isNotEqualTo(rs.get(0).probabilities());
    assertThatThrownBy(() -> BUNDLED.recognizeSpeaker(clips.subList(0, 2), null))
        .isInstanceOf(io.ser4j.core.RecognitionException.class)
        .hasMessageContaining("at least 5");
  }
}
