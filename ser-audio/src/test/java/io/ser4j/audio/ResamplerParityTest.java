package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Resampler} against torchaudio 0.13.1 ({@code torchaudio.functional.resample}, defaults),
 * fixtures from {@code tools/reference/resample_reference.py}: EmoDB clips 22050 -> 16000 read from
 * {@code ser4j.data.dir}, and a synthetic sines-plus-chirp signal at 44100, 48000 and 8000 Hz; plus
 * streaming with random chunk sizes equal to whole-signal resampling.
 */
class ResamplerParityTest {
  /** Parity bound against torchaudio, max abs over all output samples. */
  private static final double MAX_ABS_ERROR = 1e-3;

  @Test
  void matchesTorchaudioOnEmodbClips() throws Exception {
    JsonNode manifest = ParityFixtures.manifest("resample");
    int checked = 0;
    for (JsonNode c : manifest.get("cases")) {
      if (!c.get("kind").asText().equals("emodb")) {
        continue;
      }
      int[] rate = new int[1];
      float[] x =
          ParityFixtures.readPcm16(
              ParityFixtures.emodbWavDir().resolve(c.get("clip").asText()), rate);
      assertThat(rate[0]).isEqualTo(c.get("from_hz").asInt());
      assertThat(x).hasSize(c.get("input_samples").asInt());
      float[] expected = ParityFixtures.floats("resample/" + c.get("output").asText());
      float[] actual = Resampler.create(rate[0], c.get("to_hz").asInt()).resample(x);
      double err = ParityFixtures.maxAbsDiff(actual, expected);
      System.out.printf("resample %s %d->%d: max abs %.3g%n", c.get("clip").asText(), rate[0],
          c.get("to_hz").asInt(), err);
      assertThat(err).as(c.get("clip").asText()).isLessThanOrEqualTo(MAX_ABS_ERROR);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(3);
  }

  @Test
  void matchesTorchaudioOnSyntheticSignals() throws Exception {
    JsonNode manifest = ParityFixtures.manifest("resample");
    List<Integer> rates = new ArrayList<>();
    for (JsonNode c : manifest.get("cases")) {
      if (!c.get("kind").asText().equals("synthetic")) {
        continue;
      }
      int from = c.get("from_hz").asInt();
      float[] x = ParityFixtures.synthetic(from);
      assertThat(x).hasSize(c.get("input_samples").asInt());
      double sum = 0;
      for (float v : x) {
        sum += v;
      }
      assertThat(sum).as("synthetic input identical to Python's")
          .isCloseTo(c.get("input_sum").asDouble(), within(1e-9));
      float[] expected = ParityFixtures.floats("resample/" + c.get("output").asText());
      float[] actual = Resampler.create(from, c.get("to_hz").asInt()).resample(x);
      double err = ParityFixtures.maxAbsDiff(actual, expected);
      System.out.printf("resample synthetic %d->%d: max abs %.3g%n", from,
          c.get("to_hz").asInt(), err);
      assertThat(err).as("synthetic %d Hz", from).isLessThanOrEqualTo(MAX_ABS_ERROR);
      rates.add(from);
    }
    assertThat(rates).contains(44100, 48000, 8000);
  }

  @Test
  void streamingWithRandomChunksEqualsWholeSignal() {
    SplittableRandom rnd = new SplittableRandom(20261125L);
    for (int from : new int[] {22050, 44100, 48000, 8000}) {
      float[] x = ParityFixtures.synthetic(from);
      Resampler r = Resampler.create(from, 16000);
      float[] whole = r.resample(x);
      for (int trial = 0; trial < 5; trial++) {
        Resampler.Stream s = r.stream();
        float[] joined = new float[0];
        int off = 0;
        while (off < x.length) {
          int len = Math.min(x.length - off, trial == 0 ? 1 + rnd.nextInt(7) : rnd.nextInt(5000));
          joined = concat(joined, s.process(x, off, len));
          off += len;
        }
        joined = concat(joined, s.flush());
        assertThat(joined).as("%d Hz, trial %d", from, trial).containsExactly(whole);
      }
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
