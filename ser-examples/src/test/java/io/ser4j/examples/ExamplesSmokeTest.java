package io.ser4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.Label;
import io.ser4j.core.Recognition;
import io.ser4j.examples.analyze.AnalyzeFileExample;
import io.ser4j.examples.batch.BatchFolderExample;
import io.ser4j.examples.evaluation.CremaDEvaluationExample;
import io.ser4j.examples.remote.RemoteSpeechLmExample;
import io.ser4j.model.baseline.BaselineRecognizer;
import io.ser4j.audio.AudioLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every example's {@code main} the way {@code exec:java@<id>} does, on real data. */
class ExamplesSmokeTest {
  static final Path REPO = Path.of(System.getProperty("ser4j.repo.dir", ".."));
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final Path ANGRY = REPO.resolve("examples/audio/angry.wav");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Runs {@code main} with System.out captured. */
  interface Main {
    void run() throws Exception;
  }

  static String capture(Main main) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }

  @Test
  void analyzeFilePrintsTheBaselineRecognition() throws Exception {
    String out = capture(() -> AnalyzeFileExample.main(new String[] {ANGRY.toString(), "baseline"}));
    Recognition direct = BaselineRecognizer.bundled().recognize(AudioLoader.load(ANGRY), null);
    assertThat(out).startsWith("angry.wav: " + direct.label().name() + " (model baseline)");
    assertThat(out).containsPattern("cues: F0 \\d+ Hz");
    assertThat(out.lines().filter(l -> l.matches("  [a-z]+ +0\\.\\d{3}"))).hasSize(3);
  }

  @Test
  void batchFolderWritesOneLinePerFileAndRecordsBadFiles(@TempDir Path tmp) throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("clips/sub"));
    Files.copy(ANGRY, folder.resolve("a.wav"));
    Files.copy(REPO.resolve("examples/audio/sad.wav"), tmp.resolve("clips/b.wav"));
    Files.write(tmp.resolve("clips/c.wav"), new byte[] {'R', 'I', 'F', 'F', 0});
    Files.writeString(tmp.resolve("clips/notes.txt"), "not audio");
    Path outFile = tmp.resolve("out/preds.jsonl");
    String out = capture(() -> BatchFolderExample.main(
        new String[] {tmp.resolve("clips").toString(), outFile.toString(), "2", "baseline"}));
    assertThat(out).startsWith("3 files, 1 failed -> " + outFile);
    List<JsonNode> lines = new ArrayList<>();
    for (String l : Files.readAllLines(outFile)) {
      lines.add(JSON.readTree(l));
    }
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("file").asText()).endsWith("b.wav"); // sorted by path
    assertThat(lines.get(1).get("file").asText()).endsWith("c.wav");
    assertThat(lines.get(1).get("error").asText()).contains("c.wav");
    assertThat(lines.get(2).get("file").asText()).endsWith("a.wav");
    Recognition direct = BaselineRecognizer.bundled().recognize(AudioLoader.load(ANGRY), null);
    assertThat(lines.get(2).get("label").asText()).isEqualTo(direct.label().name());
    assertThat(lines.get(2).get("probabilities").get("anger").asDouble())
        .isCloseTo(direct.probabilities().probability(Label.of("anger")), within(1e-12));
  }

  @Test
  void cremaDEvaluationScoresIntendedPriorAndOneListener() throws Exception {
    Path crema = DATA.resolve("crema-d");
    String out = capture(() -> CremaDEvaluationExample.main(new String[] {crema.toString(), "100"}));
    assertThat(out).contains("CREMA-D voice-only votes: 7442 clips").contains("Fleiss kappa");
    CremaDEvaluationExample.Outcome o = CremaDEvaluationExample.run(crema, 100, Integer.MAX_VALUE, new PrintStream(
        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    // a constant predictor scores F1 on one class only: at most 1/6 of the macro average
    assertThat(o.prior().macroF1()).isLessThan(1.0 / 6 + 1e-9);
    // what actors intended agrees with listeners far better than chance, and less than perfectly
    assertThat(o.intended().macroF1()).isBetween(0.3, 0.8);
    assertThat(o.intendedVsPrior().difference()).isPositive();
    assertThat(o.intendedVsPrior().pValue()).isLessThan(0.05);
    // crediting any annotator's label can only help
    assertThat(o.intended().annotatorAwareMacroF1()).isGreaterThanOrEqualTo(o.intended().macroF1());
    assertThat(o.oneListener().n()).isEqualTo(7442);
    assertThat(o.intended().fleissKappa()).isBetween(0.1, 0.6);
  }

  @Test
  void remoteSpeechLmTalksToAnOpenAiCompatibleServer() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode choice = root.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content",
          "Transcript: Kids are talking by the door.\nEmotion: anger\nRationale: Loud, high and fast.");
      choice.put("finish_reason", "stop");
      server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
          .body(root.toString()).build());
      server.start();
      String url = server.url("/").toString();
      String out = capture(() -> RemoteSpeechLmExample.main(new String[] {url, ANGRY.toString(), "qwen2-audio"}));
      assertThat(out)
          .contains("transcript:  Kids are talking by the door.")
          .contains("label:       anger  (distribution from ONE_HOT)")
          .contains("rationale:   Loud, high and fast.")
          .contains("model:       qwen2-audio@" + url);
      RecordedRequest req = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(req).isNotNull();
      assertThat(req.getTarget()).isEqualTo("/v1/chat/completions");
      JsonNode body = JSON.readTree(req.getBody().utf8());
      assertThat(body.get("model").asText()).isEqualTo("qwen2-audio");
      assertThat(body.toString()).contains("\"input_audio\"").contains(
          "Labels: anger, disgust, fear, happiness, neutral, sadness, surprise");
    }
  }
}
