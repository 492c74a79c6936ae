package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link LogMelSpectrogram} against the torch implementation of {@code
 * whisper.audio.log_mel_spectrogram} in {@code tools/reference/logmel_reference.py}, whose inputs are
 * EmoDB clips resampled to 16 kHz by torchaudio. Two checks: (1) end to end, the clip read from
 * {@code ser4j.data.dir} and resampled with our {@link Resampler} (which differs from torchaudio by
 * ~1e-5); (2) on torchaudio's own 16 kHz output (the resample fixtures) where a clip has one, which
 * isolates the log-mel computation. Bound: max abs 1e-3 on the (x + 4) / 4 scale.
 */
class LogMelParityTest {
  private static final double MAX_ABS_ERROR = 1e-3;

  @Test
  void matchesWhisperReferenceEndToEnd() throws Exception {
    JsonNode manifest = ParityFixtures.manifest("logmel");
    Map<Integer, LogMelSpectrogram> specs = new HashMap<>();
    Map<String, float[]> audio = new HashMap<>();
    int unpadded = 0;
    int padded = 0;
    double worst = 0;
    for (JsonNode c : manifest.get("cases")) {
      String clip = c.get("clip").asText();
      int nMels = c.get("n_mels").asInt();
      int paddedSamples = c.get("padded_samples").asInt();
      float[] x16k = audio.computeIfAbsent(clip, ParityFixtures::emodbAt16k);
      assertThat(x16k).hasSize(c.get("input_samples").asInt());
      LogMelSpectrogram spec = specs.computeIfAbsent(nMels, LogMelSpectrogram::whisper);
      float[][] actual =
          paddedSamples > 0 ? spec.computePadded(x16k, paddedSamples) : spec.compute(x16k);
      int frames = c.get("shape").get(1).asInt();
      assertThat(actual.length).isEqualTo(nMels);
      assertThat(actual[0].length).isEqualTo(frames);
      float[][] expected =
          ParityFixtures.matrix("logmel/" + c.get("file").asText(), nMels, frames);
      double err = ParityFixtures.maxAbsDiff(actual, expected);
      worst = Math.max(worst, err);
      System.out.printf("log-mel %s n_mels=%d padded=%d frames=%d: max abs %.3g%n", clip, nMels,
          paddedSamples, frames, err);
      assertThat(err).as("%s n_mels=%d padded=%d", clip, nMels, paddedSamples)
          .isLessThanOrEqualTo(MAX_ABS_ERROR);
      if (paddedSamples > 0) {
        padded++;
      } else {
        unpadded++;
      }
    }
    System.out.printf("log-mel end-to-end worst max abs %.3g%n", worst);
    assertThat(unpadded).isGreaterThanOrEqualTo(12);
    assertThat(padded).isGreaterThanOrEqualTo(1);
  }

  @Test
  void matchesWhisperReferenceOnTorchaudioResampledInput() throws Exception {
    JsonNode resample = ParityFixtures.manifest("resample");
    Map<String, String> torch16k = new HashMap<>();
    for (JsonNode c : resample.get("cases")) {
      if (c.get("kind").asText().equals("emodb")) {
        torch16k.put(c.get("clip").asText(), "resample/" + c.get("output").asText());
      }
    }
    int checked = 0;
    for (JsonNode c : ParityFixtures.manifest("logmel").get("cases")) {
      String clip = c.get("clip").asText();
      if (!torch16k.containsKey(clip)) {
        continue;
      }
      int nMels = c.get("n_mels").asInt();
      int paddedSamples = c.get("padded_samples").asInt();
      float[] x16k = ParityFixtures.floats(torch16k.get(clip));
      LogMelSpectrogram spec = LogMelSpectrogram.whisper(nMels);
      float[][] actual =
          paddedSamples > 0 ? spec.computePadded(x16k, paddedSamples) : spec.compute(x16k);
      int frames = c.get("shape").get(1).asInt();
      float[][] expected =
          ParityFixtures.matrix("logmel/" + c.get("file").asText(), nMels, frames);
      double err = ParityFixtures.maxAbsDiff(actual, expected);
      System.out.printf("log-mel (torchaudio input) %s n_mels=%d padded=%d: max abs %.3g%n", clip,
          nMels, paddedSamples, err);
      assertThat(err).isLessThanOrEqualTo(MAX_ABS_ERROR);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(6);
  }
}
