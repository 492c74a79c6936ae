package io.ser4j.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.AudioInput;
import io.ser4j.core.BatchResult;
import io.ser4j.core.Cue;
import io.ser4j.core.CueOptions;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ProviderNotFoundException;
import io.ser4j.core.Recognition;
import io.ser4j.core.Ser;
import io.ser4j.core.UnknownModelException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade on the real modules (baseline model, WAV/ffmpeg decoders, cue-grounded teacher). */
class FacadeBaselineTest {
  static Path angry() {
    return Clips.repo().resolve("examples/audio/angry.wav");
  }

  @Test
  void oneLinerAnalysesTheBundledClip() {
    try (Ser ser = Ser.create()) {
      Recognition r = ser.analyze(angry());
      assertThat(r.label()).isNotNull();
      assertThat(r.probabilities().labels()).isEqualTo(ser.labels());
      double sum = r.probabilities().asMap().values().stream().mapToDouble(Double::doubleValue).sum();
      assertThat(sum).isCloseTo(1.0, within(1e-9));
      assertThat(r.sourceId()).isEqualTo(angry().toString());
      assertThat(r.timings().decode()).isPositive();
    }
  }

  @Test
  void pathStreamAndPcmGiveTheSameRecognition() throws Exception {
    try (Ser ser = Ser.create("baseline")) {
      Recognition fromPath = ser.analyze(angry());
      assertThat(fromPath.model()).isEqualTo("baseline");
      assertThat(fromPath.label()).isEqualTo(Label.of("anger"));
      assertThat(fromPath.probabilities().probability(Label.of("anger"))).isGreaterThan(0.5);
      Recognition fromStream;
      try (InputStream in = Files.newInputStream(angry())) {
        fromStream = ser.analyze(in, angry().toString());
      }
      AudioClip clip = AudioLoader.load(angry());
      Recognition fromPcm = ser.analyze(clip.samples(), clip.sampleRate(), angry().toString());
      assertThat(fromStream.probabilities()).isEqualTo(fromPath.probabilities());
      assertThat(fromPcm.probabilities()).isEqualTo(fromPath.probabilities());
      assertThat(fromPcm.cues().asMap()).isEqualTo(fromPath.cues().asMap());
      assertThat(fromPath.cues().get(Cue.F0_MEAN_HZ)).isBetween(120.0, 400.0);
      assertThat(fromPath.cues().contour()).isEmpty();
    }
  }

  @Test
  void builderOptionsTakeEffect() {
    try (Ser ser =
        Ser.builder()
            .optModel("baseline")
            .optLabels(LabelSet.of("anger", "neutral", "sadness"))
            .optCues(CueOptions.WITH_CONTOUR)
            .optTeacher("cue-grounded", 7, Map.of())
            .optThreads(2)
            .build()) {
      Recognition r = ser.analyze(angry());
      assertThat(r.probabilities().labels()).isEqualTo(LabelSet.of("anger", "neutral", "sadness"));
      assertThat(r.label()).isEqualTo(Label.of("anger"));
      // the cue-grounded teacher explains the label from the measured cues
      assertThat(r.rationale()).isNotBlank().contains("anger");
      assertThat(ser.teacherName()).contains("cue-grounded-v1");
      // 10 ms hop contour over the clip
      assertThat(r.cues().contour()).isPresent();
      assertThat(r.cues().contour().get().size())
          .isCloseTo((int) Math.round(r.cues().durationSeconds() * 100), within(3));
    }
    try (Ser ser = Ser.builder().optModel("baseline").optCues(CueOptions.NONE).build()) {
      assertThat(ser.analyze(angry()).cues()).isNull();
    }
  }

  @Test
  void unknownModelsAndTeachersListWhatIsInstalled() {
    assertThatThrownBy(() -> Ser.create("/no/such/checkpoint"))
        .isInstanceOf(UnknownModelException.class)
        .hasMessageContaining("/no/such/checkpoint")
        .hasMessageContaining("baseline")
        .hasMessageContaining("speechlm")
        .hasMessageContaining("remote");
    assertThatThrownBy(() -> Ser.builder().optModel("baseline").optTeacher("oracle").build())
        .isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("oracle")
        .hasMessageContaining("cue-grounded");
  }

  @Test
  void aBadFileNeverAbortsTheBatch(@TempDir Path tmp) throws Exception {
    Path corrupt = tmp.resolve("corrupt.wav");
    Files.write(corrupt, "RIFF\u0010\0\0\0WAVEjunkjunk".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    List<Path> good = Clips.pick("emodb", 50, 6);
    List<AudioInput> items = new java.util.ArrayList<>(AudioInput.files(good));
    items.add(2, AudioInput.of(corrupt));
    items.add(4, AudioInput.of(tmp.resolve("missing.wav")));
    try (Ser ser = Ser.builder().optModel("baseline").optThreads(3).build()) {
      List<BatchResult> rs = ser.analyzeAll(items);
      assertThat(rs).hasSize(8);
      assertThat(rs.get(2).error()).isInstanceOf(AudioFormatException.class).hasMessageContaining("corrupt.wav");
      assertThat(rs.get(4).error()).isInstanceOf(AudioFormatException.class).hasMessageContaining("missing.wav: no such file");
      int g = 0;
      for (int i = 0; i < rs.size(); i++) {
        if (i == 2 || i == 4) {
          continue;
        }
        assertThat(rs.get(i).isOk()).isTrue();
        assertThat(rs.get(i).recognition().probabilities()).isEqualTo(ser.analyze(good.get(g)).probabilities());
        g++;
      }
    }
  }
}
