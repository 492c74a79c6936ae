package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelSet;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Time per clip of {@link SpeechLmRecognizer#analyze} on tiny-untied (forced and model-reached label
 * position). Long: {@code mvn -o -Plong -pl ser-model -am test -Dtest=SpeechLmRecognizerBenchmarkTest}.
 */
@Tag("long")
class SpeechLmRecognizerBenchmarkTest {
  static final int WARMUP = 3;
  static final int RUNS = 15;

  @Test
  void analyzeTime() {
    Path data = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
    AudioClip clip = AudioLoader.load(data.resolve("emodb/wav/03a01Wa.wav"));
    try (SpeechLmRecognizer r = SpeechLmRecognizer.open(SpeechLmFixtures.checkpoint("tiny-untied"),
        SpeechLmOptions.defaults())) {
      for (String mode : new String[] {"forced", "reached"}) {
        if (mode.equals("reached")) { // the random model's own first tokens mark the label position
          String answer = r.analyze(clip, LabelSet.UNIFIED).answer();
          r.labelKeyForTesting(java.util.regex.Pattern.compile("(?s)\\A.{1,12}?\\S\\z"));
          assertThat(answer).isNotEmpty();
        }
        long[] ns = new long[RUNS];
        long[] inference = new long[RUNS];
        long prefills = 0;
        for (int i = 0; i < WARMUP + RUNS; i++) {
          long p0 = r.model().prefillCount();
          long t0 = System.nanoTime();
          SpeechLmRecognizer.Result res = r.analyze(clip, LabelSet.UNIFIED);
          if (i >= WARMUP) {
            ns[i - WARMUP] = System.nanoTime() - t0;
            inference[i - WARMUP] = res.recognition().timings().inference().toNanos();
            prefills += r.model().prefillCount() - p0;
          }
        }
        Arrays.sort(ns);
        Arrays.sort(inference);
        System.out.printf("SpeechLmRecognizer.analyze tiny-untied (%s label position): median %.1f ms"
            + " (model part %.1f ms, min %.1f ms), %.1f prompt prefills per clip%n",
            mode, ns[RUNS / 2] / 1e6, inference[RUNS / 2] / 1e6, inference[0] / 1e6, prefills / (double) RUNS);
      }
    }
  }
}
