package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.AudioClip;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real EmoDB and RAVDESS clips against {@code fixtures/wav/wav_reference.json}, written by {@code
 * tools/reference/wav_reference.py} (soundfile's decode, torchaudio's 16 kHz resample).
 */
class WavReaderReferenceTest {
  private static final double SAMPLE_TOL = 1e-6;
  private static final double RESAMPLED_SAMPLE_TOL = 1e-5;

  static Path dataDir() {
    String d = System.getProperty("ser4j.data.dir");
    assertThat(d).as("system property ser4j.data.dir").isNotNull();
    Path p = Path.of(d);
    assertThat(p.resolve("emodb/wav")).as("EmoDB audio under ser4j.data.dir").isDirectory();
    return p;
  }

  private static JsonNode fixture() throws IOException {
    try (InputStream in =
        WavReaderReferenceTest.class.getResourceAsStream("/fixtures/wav/wav_reference.json")) {
      assertThat(in).as("fixture").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void nativeDecodeMatchesSoundfile() throws IOException {
    Path data = dataDir();
    JsonNode clips = fixture().get("clips");
    assertThat(clips.size()).isGreaterThanOrEqualTo(10);
    maxAbsErr = 0;
    for (JsonNode c : clips) {
      Path f = data.resolve(c.get("file").asText());
      AudioClip clip = WavReader.read(f);
      assertThat(clip.sampleRate()).isEqualTo(c.get("sample_rate").asInt());
      assertStats(c.get("file").asText(), clip.samples(), c.get("native"), SAMPLE_TOL, 1e-6);
      // the stream and loader entry points agree exactly
      try (InputStream in = Files.newInputStream(f)) {
        assertThat(WavReader.read(in, "s").samples()).isEqualTo(clip.samples());
      }
      assertThat(AudioLoader.load(f).samples()).isEqualTo(clip.samples());
    }
    System.out.printf("native decode vs soundfile: max |error| %.3g over %d clips%n", maxAbsErr, clips.size());
  }

  @Test
  void loadAt16kMatchesTorchaudio() throws IOException {
    Path data = dataDir();
    int checked = 0;
    maxAbsErr = 0;
    for (JsonNode c : fixture().get("clips")) {
      JsonNode ref = c.get("resampled_16k");
      if (ref == null) {
        continue;
      }
      AudioClip clip = AudioLoader.load(data.resolve(c.get("file").asText()), 16000);
      assertThat(clip.sampleRate()).isEqualTo(16000);
      assertStats(c.get("file").asText() + "@16k", clip.samples(), ref, RESAMPLED_SAMPLE_TOL, 1e-3);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(5);
    System.out.printf("16 kHz load vs torchaudio: max |error| %.3g over %d clips%n", maxAbsErr, checked);
  }

  private static double maxAbsErr;

  private static void assertStats(
      String what, float[] x, JsonNode ref, double sampleTol, double sumTol) {
    assertThat(x.length).as(what + " length").isEqualTo(ref.get("n").asInt());
    List<double[]> pairs = new ArrayList<>();
    JsonNode head = ref.get("head");
    for (int i = 0; i < head.size(); i++) {
      pairs.add(new double[] {x[i], head.get(i).asDouble()});
    }
    int mid = ref.get("mid_index").asInt();
    JsonNode m = ref.get("mid");
    for (int i = 0; i < m.size(); i++) {
      pairs.add(new double[] {x[mid + i], m.get(i).asDouble()});
    }
    JsonNode tail = ref.get("tail");
    for (int i = 0; i < tail.size(); i++) {
      pairs.add(new double[] {x[x.length - tail.size() + i], tail.get(i).asDouble()});
    }
    for (double[] p : pairs) {
      assertThat(p[0]).as(what).isCloseTo(p[1], within(sampleTol));
      maxAbsErr = Math.max(maxAbsErr, Math.abs(p[0] - p[1]));
    }
    double sum = 0;
    double sumsq = 0;
    for (float v : x) {
      sum += v;
      sumsq += (double) v * v;
    }
    assertThat(sum).as(what + " sum").isCloseTo(ref.get("sum").asDouble(), within(sumTol));
    double refSq = ref.get("sumsq").asDouble();
    assertThat(sumsq).as(what + " sum of squares").isCloseTo(refSq, within(sumTol * Math.max(1, refSq)));
  }
}
