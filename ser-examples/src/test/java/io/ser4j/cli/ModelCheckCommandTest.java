package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ser model-check} against GUIDE §7 and the SpeechLM reference fixtures of ser-model: the
 * text-only prompt must reproduce the reference top-10 and greedy ids; with a WAV file the command
 * runs the Java front end (resampling + log-mel) and must give the fixture's audio frame count and
 * greedy ids, top-10 within 1e-4.
 */
class ModelCheckCommandTest {
  static final Path REPO = Path.of(System.getProperty("ser4j.repo.dir", ".."));
  static final Path MODEL_RES = REPO.resolve("ser-model/src/test/resources");
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final ObjectMapper MAPPER = new ObjectMapper();
  static JsonNode manifest;

  @TempDir Path tmp;

  @BeforeAll
  static void setUp() throws Exception {
    // one libtorch thread for these tiny models (shared 2-core machine); read when the engine starts
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    manifest = MAPPER.readTree(MODEL_RES.resolve("fixtures/speechlm/manifest.json").toFile());
  }

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = SerCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static JsonNode checkpoint(String name) {
    for (JsonNode c : manifest.get("checkpoints")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError(name);
  }

  static JsonNode caseOf(JsonNode ckpt, String prompt, String clip) {
    for (JsonNode c : ckpt.get("cases")) {
      if (c.get("prompt").asText().equals(prompt) && (clip == null || clip.equals(c.path("clip").asText()))) {
        return c;
      }
    }
    throw new AssertionError(prompt + " " + clip);
  }

  static String ids(JsonNode list) {
    List<String> s = new ArrayList<>();
    list.forEach(n -> s.add(n.asText()));
    return String.join(",", s);
  }

  static List<Integer> intList(JsonNode list) {
    List<Integer> s = new ArrayList<>();
    list.forEach(n -> s.add(n.asInt()));
    return s;
  }

  @Test
  void textPromptMatchesTheReference() throws Exception {
    JsonNode ckpt = checkpoint("tiny-tied");
    JsonNode c = caseOf(ckpt, "text_only", null);
    Run r = run("model-check", "--model", MODEL_RES.resolve("checkpoints/tiny-tied").toString(),
        "--input-ids", ids(c.get("input_ids")), "--greedy", "32", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = MAPPER.readTree(r.out().strip());
    assertThat(j.get("model").asText()).endsWith("tiny-tied");
    assertThat(j.get("architecture").asText()).isEqualTo("Qwen2AudioForConditionalGeneration");
    assertThat(j.get("parameters").asLong()).isEqualTo(ckpt.get("parameters").asLong());
    assertThat(j.get("dtype").asText()).isEqualTo("float32");
    JsonNode top = j.get("logits_last_top10");
    JsonNode ref = c.get("logits_last_top10");
    assertThat(top.size()).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      assertThat(top.get(i).get(0).asInt()).isEqualTo(ref.get(i).get(0).asInt());
      assertThat(top.get(i).get(1).asDouble()).isCloseTo(ref.get(i).get(1).asDouble(), Offset.offset(1e-4));
    }
    assertThat(intList(j.get("greedy_ids"))).isEqualTo(intList(c.get("greedy_ids")));
  }

  @Test
  void wavFileThroughTheJavaFrontEnd() throws Exception {
    Path wav = DATA.resolve("emodb/wav/03a01Fa.wav");
    assertThat(wav).as("EmoDB clip in ser4j.data.dir").exists();
    JsonNode ckpt = checkpoint("tiny-bf16");
    JsonNode c = caseOf(ckpt, "audio", "03a01Fa");
    Run r = run("model-check", "--model", MODEL_RES.resolve("checkpoints/tiny-bf16").toString(),
        "--audio", wav.toString(), "--input-ids", ids(c.get("input_ids")), "--greedy", "32", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = MAPPER.readTree(r.out().strip());
    assertThat(j.get("dtype").asText()).isEqualTo("bfloat16");
    assertThat(j.get("audio_frames").asInt()).isEqualTo(c.get("audio_frames").asInt());
    JsonNode top = j.get("logits_last_top10");
    JsonNode ref = c.get("logits_last_top10");
    // the Java resampler + log-mel agree with torchaudio's closely enough for the model tolerance
    for (int i = 0; i < 10; i++) {
      assertThat(top.get(i).get(0).asInt()).isEqualTo(ref.get(i).get(0).asInt());
      assertThat(top.get(i).get(1).asDouble()).isCloseTo(ref.get(i).get(1).asDouble(), Offset.offset(1e-4));
    }
    assertThat(intList(j.get("greedy_ids"))).isEqualTo(intList(c.get("greedy_ids")));
  }

  @Test
  void metadataOnlyWithoutIds() throws Exception {
    Run r = run("model-check", "--model", MODEL_RES.resolve("checkpoints/tiny-sharded").toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = MAPPER.readTree(r.out().strip());
    assertThat(j.get("parameters").asLong()).isEqualTo(checkpoint("tiny-sharded").get("parameters").asLong());
    assertThat(j.has("logits_last_top10")).isFalse();
  }

  @Test
  void brokenCheckpointExitsThreeWithOneLine() throws Exception {
    Path src = MODEL_RES.resolve("checkpoints/tiny-untied");
    Path dir = tmp.resolve("broken");
    Files.createDirectories(dir);
    Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
    byte[] weights = Files.readAllBytes(src.resolve("model.safetensors"));
    Files.write(dir.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
    Run r = run("model-check", "--model", dir.toString(), "--json");
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(r.out()).isEmpty();
    List<String> lines = r.err().lines().collect(Collectors.toList());
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("model.safetensors");

    Run missing = run("model-check", "--model", tmp.resolve("nowhere").toString());
    assertThat(missing.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(missing.err().lines().count()).isEqualTo(1);
  }

  @Test
  void greedyWithoutIdsIsAUsageError() {
    Run r = run("model-check", "--model", MODEL_RES.resolve("checkpoints/tiny-untied").toString(), "--greedy", "3");
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_USAGE);
  }
}
