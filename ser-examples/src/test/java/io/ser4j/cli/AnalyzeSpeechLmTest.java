package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ser analyze --model <checkpoint dir>} end to end with a tiny random checkpoint. */
class AnalyzeSpeechLmTest {
  static final Path TINY =
      SerCliTest.REPO.resolve("ser-model/src/test/resources/checkpoints/tiny-untied");

  @Test
  void analyzeWithACheckpointDirectoryPrintsEveryGuideKey() throws IOException {
    assertThat(TINY.resolve("config.json")).exists();
    Path clip = SerCliTest.DATA.resolve("emodb/wav/03a01Wa.wav");
    SerCliTest.Run r = SerCliTest.run("analyze", "--json", "--model", TINY.toString(),
        "--labels", "anger,happiness,neutral,sadness", clip.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = r.jsonLines();
    assertThat(lines).hasSize(1);
    JsonNode n = lines.get(0);
    for (String k : List.of("file", "model", "transcript", "label", "probabilities", "rationale",
        "cues")) {
      assertThat(n.has(k)).as("key " + k).isTrue();
    }
    assertThat(n.get("file").asText()).isEqualTo(clip.toString());
    assertThat(n.get("model").asText()).isEqualTo(TINY.toString());
    JsonNode probs = n.get("probabilities");
    assertThat(probs.size()).isEqualTo(4);
    double sum = 0;
    String argmax = null;
    double best = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = probs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertThat(e.getKey()).isIn("anger", "happiness", "neutral", "sadness");
      sum += e.getValue().asDouble();
      if (e.getValue().asDouble() > best) {
        best = e.getValue().asDouble();
        argmax = e.getKey();
      }
    }
    assertThat(sum).isCloseTo(1.0, within(1e-6));
    assertThat(n.get("label").asText()).isEqualTo(argmax);
    assertThat(n.get("transcript").isTextual()).isTrue();
    assertThat(n.get("rationale").isTextual()).isTrue();
    assertThat(n.get("cues").get("f0_mean_hz").asDouble()).isBetween(75.0, 600.0);
  }

  @Test
  void brokenCheckpointExitsThree(@TempDir Path tmp) throws IOException {
    Path broken = Files.createDirectories(tmp.resolve("ckpt"));
    Files.copy(TINY.resolve("config.json"), broken.resolve("config.json"));
    Path clip = SerCliTest.DATA.resolve("emodb/wav/03a01Wa.wav");
    SerCliTest.Run r = SerCliTest.run("analyze", "--json", "--model", broken.toString(),
        clip.toString());
    assertThat(r.exit()).as(r.out()).isEqualTo(3);
    assertThat(r.err()).contains(broken.toString());
  }
}
