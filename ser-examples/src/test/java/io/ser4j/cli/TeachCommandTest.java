package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.Label;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.CueNorms;
import io.ser4j.rationale.FaithfulnessChecker;
import io.ser4j.rationale.FaithfulnessReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ser teach}: output, per-item failures, and recovery from kill -9 of a child JVM. */
class TeachCommandTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** 12 clips of each of two EmoDB speakers plus one utterance whose audio is missing. */
  Path manifest() {
    Path csv = DATA.resolve("emodb/manifest.csv");
    assertThat(Files.isRegularFile(csv)).as("EmoDB manifest " + csv).isTrue();
    Corpus emodb = Corpora.readEmoDb(csv);
    List<Utterance> us = new ArrayList<>();
    Map<String, Integer> perSpeaker = new HashMap<>();
    for (Utterance u : emodb.utterances()) {
      if ((u.speaker().equals("03") || u.speaker().equals("08")) && perSpeaker.merge(u.speaker(), 1, Integer::sum) <= 12) {
        us.add(u);
      }
    }
    us.add(Utterance.of("ghost", dir.resolve("ghost.wav"), "Der Lappen liegt auf dem Eisschrank.", "03",
        Label.of("anger"), "emodb"));
    Path m = dir.resolve("subset.jsonl");
    Corpora.writeManifest(Corpus.of("subset", us), m);
    return m;
  }

  static List<JsonNode> lines(Path store) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(store)) {
      out.add(MAPPER.readTree(l)); // throws on a partial line
    }
    return out;
  }

  static Map<String, String> okTexts(List<JsonNode> records) {
    Map<String, String> m = new HashMap<>();
    for (JsonNode n : records) {
      if (n.get("status").asText().equals("ok")) {
        assertThat(m.put(n.get("id").asText(), n.get("text").asText())).as("duplicate " + n.get("id")).isNull();
      }
    }
    return m;
  }

  @Test
  void resumesAfterKillMinus9WithNothingLostOrDuplicated() throws Exception {
    Path m = manifest();
    // Uninterrupted reference run.
    Path ref = dir.resolve("ref.jsonl");
    Run r0 = run("teach", "--manifest", m.toString(), "--out", ref.toString(), "--seed", "5", "--quiet");
    assertThat(r0.exit()).as(r0.err()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(r0.err()).contains("ghost").contains("ghost.wav");
    assertThat(r0.out()).contains("taught 24, already in store 0, failed 1");
    Map<String, String> expected = okTexts(lines(ref));
    assertThat(expected).hasSize(24);
    assertThat(lines(ref)).filteredOn(n -> n.get("status").asText().equals("failed"))
        .singleElement().satisfies(n -> assertThat(n.get("error").asText()).contains("ghost.wav"));

    // Child JVM, slowed down, killed with SIGKILL once some records are on disk.
    Path store = dir.resolve("store.jsonl");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.ser4j.cli.SerCli",
            "teach", "--manifest", m.toString(), "--out", store.toString(), "--seed", "5", "--quiet",
            "--sync-every", "2", "--delay-ms", "150")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()
        && (!Files.exists(store) || Files.readAllLines(store).size() < 6)) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive()).as("child still running when killed: " + Files.readString(dir.resolve("child.log"))).isTrue();
    p.destroyForcibly();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    int before = lines(store).size();
    assertThat(before).isBetween(6, 24);

    // Rerun to completion.
    Run r1 = run("teach", "--manifest", m.toString(), "--out", store.toString(), "--seed", "5", "--quiet");
    assertThat(r1.exit()).as(r1.err()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    List<JsonNode> all = lines(store);
    Map<String, String> got = okTexts(all);
    assertThat(got).isEqualTo(expected);
    assertThat(r1.out()).contains("already in store " + (before - countFailed(all, before)));

    // Every taught rationale is faithful to its clip.
    CueNorms norms = CueNorms.fromJson(Files.readString(dir.resolve("store.jsonl.norms.json")), "norms");
    assertThat(norms.speakers()).containsExactly("03", "08");
    FaithfulnessChecker checker = FaithfulnessChecker.create();
    Corpus c = Corpora.readManifest(m);
    io.ser4j.audio.cues.CueExtractor ex = io.ser4j.audio.cues.CueExtractor.create();
    for (Utterance u : c.utterances().subList(0, 4)) {
      FaithfulnessReport rep = checker.check(got.get(u.id()),
          ex.extract(io.ser4j.audio.AudioLoader.load(u.audio()), false), norms, u.speaker());
      assertThat(rep.contradicted()).isZero();
      assertThat(rep.consistent()).isPositive();
    }
  }

  private static int countFailed(List<JsonNode> all, int firstN) {
    int n = 0;
    for (JsonNode j : all.subList(0, firstN)) {
      n += j.get("status").asText().equals("failed") ? 1 : 0;
    }
    return n;
  }

  @Test
  void rejectsUnknownTeacherAndNorms() throws IOException {
    Path m = dir.resolve("m.jsonl");
    Files.writeString(m, "");
    assertThat(run("teach", "--manifest", m.toString(), "--out", dir.resolve("o.jsonl").toString(),
        "--teacher", "gpt").exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(run("teach", "--manifest", m.toString(), "--out", dir.resolve("o.jsonl").toString(),
        "--norms", "global").exit()).isEqualTo(SerCli.EXIT_USAGE);
  }
}
