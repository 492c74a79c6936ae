package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ser analyze --stream}: per-window results, utterances and a summary. */
class AnalyzeStreamCommandTest {
  // 3.303 s RAVDESS clip: speech from about 1.0 s to 2.2 s (silence around it)
  static final Path CLIP = SerCliTest.DATA.resolve("ravdess/wav/03-01-01-01-01-01-01.wav");

  @Test
  void jsonPrintsWindowsUtterancesAndSummary() throws Exception {
    SerCliTest.Run r = SerCliTest.run("analyze", "--stream", "--json", "--model", "baseline", "--window", "2",
        "--hop", "0.5", CLIP.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = r.jsonLines();
    List<JsonNode> windows = lines.stream().filter(n -> n.get("type").asText().equals("window")).toList();
    List<JsonNode> utterances = lines.stream().filter(n -> n.get("type").asText().equals("utterance")).toList();
    JsonNode summary = lines.get(lines.size() - 1);
    // windows [0,2], [0.5,2.5], [1,3], then the tail [1.303,3.303]
    assertThat(windows).extracting(n -> n.get("start_s").asDouble()).containsExactly(0.0, 0.5, 1.0, 1.3033125);
    assertThat(windows.get(3).get("end_s").asDouble()).isCloseTo(3.3033125, within(1e-9));
    for (JsonNode w : windows) {
      assertThat(w.get("file").asText()).isEqualTo(CLIP.toString());
      assertThat(w.get("speech_fraction").asDouble()).isBetween(0.0, 1.0);
      if (!w.get("label").isNull()) {
        double sum = 0;
        for (JsonNode p : w.get("probabilities")) {
          sum += p.asDouble();
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        assertThat(w.get("smoothed").size()).isEqualTo(9);
      }
    }
    assertThat(windows.get(1).get("label").isNull()).isFalse(); // [0.5, 2.5] holds the sentence
    assertThat(utterances).hasSize(1);
    assertThat(utterances.get(0).get("start_s").asDouble()).isBetween(0.9, 1.1);
    assertThat(utterances.get(0).get("end_s").asDouble()).isBetween(2.1, 2.4);
    assertThat(summary.get("type").asText()).isEqualTo("summary");
    assertThat(summary.get("windows").asInt()).isEqualTo(4);
    assertThat(summary.get("utterances").asInt()).isEqualTo(1);
    assertThat(summary.get("duration_s").asDouble()).isCloseTo(3.3033125, within(1e-9));
  }

  @Test
  void textModeAndBadInput() {
    SerCliTest.Run r = SerCliTest.run("analyze", "--stream", "--model", "baseline", CLIP.toString(), "missing.wav");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.out()).contains("(stream: window 2.00 s, hop 0.50 s, model baseline)")
        .containsPattern("\\[\\s+0\\.50 -\\s+2\\.50\\]  \\w+ \\d\\.\\d\\d")
        .contains("utterance 1 [");
    assertThat(r.err()).contains("missing.wav").doesNotContain("Exception");
    SerCliTest.Run usage = SerCliTest.run("analyze", "--stream", "--hop", "0", CLIP.toString());
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err()).contains("hop");
  }
}
