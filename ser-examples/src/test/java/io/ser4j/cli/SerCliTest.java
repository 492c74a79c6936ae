package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SerCliTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final Path REPO = Path.of(System.getProperty("ser4j.repo.dir", ".."));
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** GUIDE §7: keys `ser features --json` must print. */
  static final List<String> FEATURE_KEYS =
      List.of(
          "file", "duration_s", "sample_rate_hz", "f0_mean_hz", "f0_median_hz", "f0_min_hz",
          "f0_max_hz", "f0_sd_semitones", "voiced_fraction", "intensity_mean_db", "jitter_local",
          "shimmer_local", "hnr_db", "speech_rate_syllables_per_s", "pause_fraction");

  record Run(int exit, String out, String err) {
    List<JsonNode> jsonLines() throws IOException {
      List<JsonNode> list = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          list.add(MAPPER.readTree(line));
        }
      }
      return list;
    }
  }

  static Run run(String... args) {
    CommandLine cli = SerCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void featuresJsonHasEveryGuideKeyAndPlausibleValues() throws IOException {
    Path a = DATA.resolve("emodb/wav/03a01Wa.wav");
    Path b = DATA.resolve("emodb/wav/11b10Td.wav");
    Run r = run("features", "--json", "--contour", a.toString(), b.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = r.jsonLines();
    assertThat(lines).hasSize(2);
    for (JsonNode n : lines) {
      for (String k : FEATURE_KEYS) {
        assertThat(n.has(k)).as("key " + k).isTrue();
      }
      assertThat(n.get("sample_rate_hz").asInt()).isEqualTo(22050);
      assertThat(n.get("duration_s").asDouble()).isEqualTo(2.0);
      double f0 = n.get("f0_mean_hz").asDouble();
      assertThat(f0).isBetween(75.0, 600.0);
      JsonNode pitch = n.get("pitch");
      assertThat(pitch.get("times_s").size()).isEqualTo(pitch.get("f0_hz").size()).isGreaterThan(150);
      double dt = pitch.get("times_s").get(1).asDouble() - pitch.get("times_s").get(0).asDouble();
      assertThat(dt).isBetween(0.0099, 0.0101);
    }
    assertThat(lines.get(0).get("file").asText()).isEqualTo(a.toString());
  }

  @Test
  void badInputIsReportedOnOneLineAndOthersStillRun(@TempDir Path tmp) throws IOException {
    Path bad = tmp.resolve("broken.wav");
    Files.write(bad, new byte[] {'R', 'I', 'F', 'F', 1, 2, 3});
    Path good = DATA.resolve("emodb/wav/03a01Wa.wav");
    Run r = run("features", "--json", bad.toString(), good.toString());
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(r.jsonLines()).hasSize(1);
    String[] errLines = r.err().strip().split("\n");
    assertThat(errLines).hasSize(1);
    assertThat(errLines[0]).startsWith("ser: ").contains(bad.toString());
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void missingFileIsBadInput(@TempDir Path tmp) {
    Run r = run("features", tmp.resolve("nope.wav").toString());
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(r.err()).contains("nope.wav");
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("features").exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(run("no-such-command").exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(run("features", "--no-such-option", "x.wav").exit()).isEqualTo(SerCli.EXIT_USAGE);
  }

  @Test
  void helpAndVersionSucceed() {
    Run help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("features").contains("analyze");
    assertThat(run("features", "--help").out()).contains("Examples:");
    assertThat(run("--version").out()).contains("ser4j");
  }

  @Test
  void analyzePrintsEveryGuideKeyWithTheDefaultModel() throws IOException {
    Path clip = REPO.resolve("examples/audio/angry.wav");
    Run r = run("analyze", "--json", clip.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode n = r.jsonLines().get(0);
    for (String k : List.of("file", "model", "transcript", "label", "probabilities", "rationale", "cues")) {
      assertThat(n.has(k)).as(k).isTrue();
    }
    assertThat(n.get("cues").get("sample_rate_hz").asInt()).isEqualTo(16000);
    assertThat(n.get("cues").get("f0_mean_hz").asDouble()).isBetween(75.0, 600.0);
    assertThat(n.get("model").asText()).isEqualTo("default"); // the bundled SpeechLM
    assertThat(n.get("transcript").asText()).isNotBlank();
    assertThat(n.get("rationale").asText()).isNotBlank();
    assertThat(n.get("probabilities").size()).isEqualTo(9);
    double sum = 0;
    for (JsonNode p : n.get("probabilities")) {
      sum += p.asDouble();
    }
    assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(n.get("probabilities").has(n.get("label").asText())).isTrue();
  }

  @Test
  void analyzeRejectsUnknownModelsAndLabelsOnceWithExitThree(@TempDir Path tmp) {
    Path clip = REPO.resolve("examples/audio/angry.wav");
    Run noModel = run("analyze", "--model", tmp.resolve("no-such-model").toString(), clip.toString());
    assertThat(noModel.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(noModel.out()).isEmpty();
    assertThat(noModel.err().strip().split("\n")).hasSize(1);
    assertThat(noModel.err()).contains("no-such-model").contains("providers");
    Run badLabel = run("analyze", "--labels", "joy,anger", clip.toString(), clip.toString());
    assertThat(badLabel.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(badLabel.out()).isEmpty();
    assertThat(badLabel.err().strip().split("\n")).hasSize(1);
    assertThat(badLabel.err()).startsWith("ser: joy: not a label of model default");
  }
}
