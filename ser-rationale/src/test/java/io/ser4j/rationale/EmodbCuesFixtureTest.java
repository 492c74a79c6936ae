package io.ser4j.rationale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Re-measures the 408 EmoDB clips and compares with (or, on request, rewrites) the committed fixture. */
@Tag("long")
class EmodbCuesFixtureTest {
  @Test
  void fixtureMatchesCueExtractor() throws Exception {
    Path data = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
    Corpus corpus = Corpora.readEmoDb(data.resolve("emodb/manifest.csv"));
    CueExtractor ex = CueExtractor.create();
    Map<String, Cues> fresh = new ConcurrentHashMap<>();
    corpus.utterances().parallelStream()
        .forEach(u -> fresh.put(u.id(), ex.extract(AudioLoader.load(u.audio()), false)));
    if (Boolean.getBoolean("ser4j.rationale.regenerate")) {
      EmodbCuesFixture.write(fresh);
      return;
    }
    Map<String, Cues> fixture = EmodbCuesFixture.read();
    assertThat(fixture.keySet()).containsExactlyInAnyOrderElementsOf(fresh.keySet());
    fresh.forEach((id, c) -> {
      for (Cue k : Cue.values()) {
        double want = fixture.get(id).get(k);
        if (Double.isNaN(want)) {
          assertThat(c.get(k)).as(id + " " + k).isNaN();
        } else {
          assertThat(c.get(k)).as(id + " " + k).isCloseTo(want, within(1e-9 * Math.max(1, Math.abs(want))));
        }
      }
    });
  }
}
