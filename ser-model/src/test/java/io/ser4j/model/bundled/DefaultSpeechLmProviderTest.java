package io.ser4j.model.bundled;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import io.ser4j.model.baseline.BaselineProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled SpeechLM answers "default"; the baseline stays reachable as "baseline". */
class DefaultSpeechLmProviderTest {
  static final Path REPO = Path.of(System.getProperty("ser4j.repo.dir", "../"));

  @Test
  void defaultIsTheBundledSpeechLm(@TempDir Path cache) throws Exception {
    System.setProperty("ser4j.cache", cache.toString());
    try {
      assertThat(BundledSpeechLm.isAvailable()).isTrue();
      DefaultSpeechLmProvider p = new DefaultSpeechLmProvider();
      assertThat(p.supports("default")).isTrue();
      assertThat(p.supports("baseline")).isFalse();
      assertThat(p.supports("/some/dir")).isFalse();
      assertThat(p.rank()).isGreaterThan(BaselineProvider.RANK);
      assertThat(RecognizerProvider.installed()).anyMatch(x -> x instanceof DefaultSpeechLmProvider);

      AudioClip clip = AudioLoader.load(REPO.resolve("examples/audio/angry.wav"));
      try (Recognizer r = RecognizerProvider.open("default")) {
        assertThat(r.name()).isEqualTo("default");
        assertThat(r.labels()).isEqualTo(LabelSet.UNIFIED);
        Recognition rec = r.recognize(clip, null);
        assertThat(rec.model()).isEqualTo("default");
        assertThat(rec.probabilities().labels()).isEqualTo(LabelSet.UNIFIED);
        double sum = rec.probabilities().asMap().values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(rec.label()).isEqualTo(rec.probabilities().argmax());
        assertThat(rec.transcript()).isNotBlank();
        assertThat(rec.rationale()).isNotBlank();
        Recognition four = r.recognize(clip, LabelSet.of("anger", "happiness", "neutral", "sadness"));
        assertThat(four.probabilities().labels().size()).isEqualTo(4);
        // the label distribution is the acoustic baseline's (LM_LABEL_WEIGHT 0); the SpeechLM writes
        // transcript and rationale after that label
        assertThat(DefaultSpeechLmProvider.LM_LABEL_WEIGHT).isZero();
        Recognition acoustic = io.ser4j.model.baseline.BaselineRecognizer.bundled().recognize(clip, null);
        for (var l : LabelSet.UNIFIED) {
          assertThat(rec.probabilities().probability(l)).as(l.name())
              .isCloseTo(acoustic.probabilities().probability(l), org.assertj.core.api.Assertions.within(1e-12));
        }
        assertThat(rec.label().name()).isEqualTo("anger");
      }
      // extracted once into the cache, verified against the index
      Path dir = BundledSpeechLm.directory();
      assertThat(dir.startsWith(cache)).isTrue();
      assertThat(dir.resolve("model.safetensors")).exists();
      assertThat(Files.size(dir.resolve("model.safetensors"))).isLessThan(50L << 20);
      try (Recognizer b = RecognizerProvider.open("baseline")) {
        assertThat(b.name()).isEqualTo("baseline");
      }
    } finally {
      System.clearProperty("ser4j.cache");
    }
  }
}
