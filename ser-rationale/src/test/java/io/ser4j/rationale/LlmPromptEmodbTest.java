package io.ser4j.rationale;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.llm.LlmPrompt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The LLM teacher's prompt on all 408 EmoDB clips (per-speaker norms, cues from the committed
 * fixture): every measurement line states the level and z-score that {@link CueNorms} computes, so
 * the model is told exactly what the faithfulness checker will verify.
 */
class LlmPromptEmodbTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final Pattern LINE = Pattern.compile("^- [^:]+: ([^ ;]+)[^;]*; z = ([+-]\\d+\\.\\d+); (.+)$");

  @Test
  void everyMeasurementLineMatchesTheNorms() throws Exception {
    Path manifest = DATA.resolve("emodb/manifest.csv");
    assertThat(Files.isRegularFile(manifest)).as("EmoDB manifest " + manifest).isTrue();
    Corpus corpus = Corpora.readEmoDb(manifest);
    Map<String, Cues> cues = EmodbCuesFixture.read();
    CueNorms norms = CueNorms.build(corpus, cues, CueNorms.Scope.SPEAKER, CueNorms.DEFAULT_MIN_CLIPS_PER_SPEAKER);
    int lines = 0;
    for (Utterance u : corpus.utterances()) {
      TeachingInput in = TeachingInput.of(u, cues.get(u.id()), norms);
      String p = LlmPrompt.user(in, 800);
      if (u.id().equals("03a01Fa")) {
        Path out = Path.of("target/llm-prompt-03a01Fa.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, LlmPrompt.SYSTEM + "\n\n" + p + "\n");
      }
      assertThat(p).contains("Label to explain (the majority of listeners): " + u.majority().name())
          .contains("Reference: this speaker's usual voice (speaker " + u.speaker() + ")")
          .contains("Transcript: \"" + u.transcript() + "\"");
      int i = 0;
      Cue[] order = {Cue.F0_MEAN_HZ, Cue.F0_SD_SEMITONES, Cue.F0_SLOPE_SEMITONES_PER_S, Cue.INTENSITY_MEAN_DB,
          Cue.INTENSITY_RANGE_DB, Cue.SPEECH_RATE_SYLLABLES_PER_S, Cue.PAUSE_FRACTION, Cue.HNR_DB,
          Cue.JITTER_LOCAL, Cue.SHIMMER_LOCAL, Cue.HAMMARBERG_INDEX_DB, Cue.ALPHA_RATIO_DB};
      for (String line : p.split("\n")) {
        if (!line.startsWith("- ")) {
          continue;
        }
        RelativeCue r = in.relative().get(order[i++]);
        if (r.level() == CueLevel.UNDEFINED) {
          assertThat(line).as(u.id()).matches(Double.isFinite(r.value()) ? ".*; no reference; undefined" : ".*: undefined");
          continue;
        }
        Matcher m = LINE.matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        double v = Double.parseDouble(m.group(1));
        assertThat(Math.abs(v - r.value())).as(line).isLessThanOrEqualTo(Math.max(5e-3 * Math.abs(r.value()), 5e-3));
        assertThat(Double.parseDouble(m.group(2))).as(line).isCloseTo(r.z(), org.assertj.core.data.Offset.offset(0.0051));
        assertThat(m.group(3)).as(line).isEqualTo(r.level().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        lines++;
      }
      assertThat(i).as(u.id() + "\n" + p).isEqualTo(order.length);
    }
    assertThat(lines).as("defined cue lines").isGreaterThan(408 * 11);
    System.out.println("LLM prompt lines checked: " + lines + " of " + 408 * 12);
  }
}
