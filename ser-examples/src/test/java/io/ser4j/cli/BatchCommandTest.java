package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.cli.SerCliTest.Run;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ser batch} on real EmoDB clips: kill and resume, per-item failures, determinism. */
class BatchCommandTest {
  private static final Path EMODB = SerCliTest.DATA.resolve("emodb/manifest.csv");
  private static final int CLIPS = 12;
  private static final long CHILD_TIMEOUT_S = 300;

  /** The first {@code n} EmoDB utterances as a JSONL manifest in {@code dir}. */
  private static Path manifest(Path dir, int n) {
    Corpus emodb = Corpora.readEmoDb(EMODB);
    assertThat(emodb.size()).as("EmoDB at " + EMODB).isGreaterThanOrEqualTo(n);
    Path m = dir.resolve("small.jsonl");
    Corpora.writeManifest(Corpus.of("small", emodb.utterances().subList(0, n)), m);
    return m;
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(SerCliTest.MAPPER.readTree(l));
    }
    return out;
  }

  private static Map<String, JsonNode> byId(List<JsonNode> lines) {
    Map<String, JsonNode> m = new HashMap<>();
    for (JsonNode n : lines) {
      assertThat(m.put(n.get("id").asText(), n)).as("duplicate id " + n.get("id")).isNull();
    }
    return m;
  }

  @Test
  void killedRunResumesWithoutRedoingOrLosingItems(@TempDir Path tmp) throws Exception {
    Path m = manifest(tmp, CLIPS);
    Path preds = tmp.resolve("out/preds.jsonl");
    // 1. a child JVM, killed (SIGKILL) once a few items are written
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java, "-Xmx512m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
            SerCli.class.getName(), "batch", "--manifest", m.toString(), "--out", preds.toString(),
            "--threads", "1", "--model", "baseline", "--quiet");
    pb.redirectErrorStream(true);
    pb.redirectOutput(tmp.resolve("child.log").toFile());
    Process child = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_S);
    int written = 0;
    while (System.nanoTime() < deadline && child.isAlive()) {
      written = Files.exists(preds) ? Files.readAllLines(preds).size() : 0;
      if (written >= 3) {
        break;
      }
      Thread.sleep(20);
    }
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> before = Files.readAllLines(preds, StandardCharsets.UTF_8);
    assertThat(before.size())
        .as("child log: %s", Files.readString(tmp.resolve("child.log")))
        .isBetween(3, CLIPS - 1);
    // 2. a write cut short by the kill: half a JSON line without its newline
    Files.writeString(preds, "{\"id\":\"03a0", StandardOpenOption.APPEND);

    // 3. resume in-process with more threads
    Run r = SerCliTest.run(
        "batch", "--manifest", m.toString(), "--out", preds.toString(), "--threads", "3", "--model", "baseline");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("removed a truncated last line (11 bytes)")
        .contains(before.size() + " of " + CLIPS + " items already done");
    List<String> after = Files.readAllLines(preds, StandardCharsets.UTF_8);
    assertThat(after).hasSize(CLIPS);
    assertThat(after.subList(0, before.size())).isEqualTo(before); // earlier results untouched
    Map<String, JsonNode> resumed = byId(lines(preds));
    Set<String> ids = Corpora.readManifest(m).utterances().stream().map(Utterance::id).collect(Collectors.toSet());
    assertThat(resumed.keySet()).isEqualTo(ids);
    for (JsonNode n : resumed.values()) {
      assertThat(n.get("error").isNull()).as(n.toString()).isTrue();
      assertThat(n.get("probabilities").has(n.get("label").asText())).isTrue();
      assertThat(n.get("reference").asText()).isNotEmpty();
      assertThat(Path.of(n.get("path").asText())).exists();
    }

    // 4. a fresh run (4 threads, one process) gives the same results: resuming changes nothing
    Path fresh = tmp.resolve("fresh.jsonl");
    Run f = SerCliTest.run(
        "batch", "--manifest", m.toString(), "--out", fresh.toString(), "--threads", "4", "--model", "baseline",
        "--quiet", "--json");
    assertThat(f.exit()).as(f.err()).isZero();
    JsonNode summary = f.jsonLines().get(0);
    assertThat(summary.get("ok").asInt()).isEqualTo(CLIPS);
    assertThat(summary.get("skipped").asInt()).isZero();
    Map<String, JsonNode> again = byId(lines(fresh));
    for (String id : ids) {
      assertThat(again.get(id).get("label")).isEqualTo(resumed.get(id).get("label"));
      assertThat(again.get(id).get("probabilities")).isEqualTo(resumed.get(id).get("probabilities"));
    }

    // 5. nothing left to do: a third run is a no-op
    Run noop = SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--model", "baseline");
    assertThat(noop.exit()).isZero();
    assertThat(Files.readAllLines(preds)).isEqualTo(after);
  }

  @Test
  void failedItemsAreRecordedNeverAbortAndCanBeRetried(@TempDir Path tmp) throws IOException {
    Corpus emodb = Corpora.readEmoDb(EMODB);
    Utterance good = emodb.utterances().get(0);
    Utterance other = emodb.utterances().get(1);
    Path broken = tmp.resolve("broken.wav");
    Files.write(broken, new byte[] {'R', 'I', 'F', 'F', 1, 2, 3});
    Path missing = tmp.resolve("missing.wav");
    List<Utterance> items =
        List.of(
            good,
            withAudio(other, "broken", broken),
            withAudio(other, "missing", missing),
            other);
    Path m = tmp.resolve("m.jsonl");
    Corpora.writeManifest(Corpus.of("m", items), m);
    Path preds = tmp.resolve("p.jsonl");

    Run r = SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--threads", "2",
        "--model", "baseline", "--quiet");
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    Map<String, JsonNode> got = byId(lines(preds));
    assertThat(got).hasSize(4);
    assertThat(got.get(good.id()).get("error").isNull()).isTrue();
    assertThat(got.get(other.id()).get("error").isNull()).isTrue();
    assertThat(got.get("broken").get("error").asText()).contains("broken.wav");
    assertThat(got.get("broken").get("label").isNull()).isTrue();
    assertThat(got.get("missing").get("error").asText()).contains("missing.wav");
    List<String> errLines = r.err().strip().lines().toList();
    assertThat(errLines).hasSize(2).allMatch(l -> l.startsWith("ser: "));
    assertThat(r.err()).doesNotContain("\tat ");

    // a re-run skips everything, failures included
    Run again = SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--model", "baseline");
    assertThat(again.exit()).isZero();
    assertThat(again.err()).contains("4 of 4 items already done").contains("2 recorded with an error");
    assertThat(Files.readAllLines(preds)).hasSize(4);

    // --retry-failed redoes only those two: the repaired file now succeeds, the missing one fails again
    Files.copy(good.audio(), broken, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Run retry = SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--model", "baseline",
        "--retry-failed", "--json");
    assertThat(retry.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    JsonNode summary = retry.jsonLines().get(0);
    assertThat(summary.get("skipped").asInt()).isEqualTo(2);
    assertThat(summary.get("ok").asInt()).isEqualTo(1);
    assertThat(summary.get("bad_input").asInt()).isEqualTo(1);
    Map<String, JsonNode> retried = byId(lines(preds)); // still one line per id
    assertThat(retried).hasSize(4);
    assertThat(retried.get("broken").get("error").isNull()).isTrue();
    assertThat(retried.get("broken").get("probabilities")).isEqualTo(got.get(good.id()).get("probabilities"));
    assertThat(retried.get("missing").get("error").isNull()).isFalse();
  }

  private static Utterance withAudio(Utterance u, String id, Path audio) {
    return new Utterance(
        id, audio, u.transcript(), u.speaker(), u.majority(), u.annotations(), u.dimensions(), u.split(),
        u.corpus(), u.meta());
  }

  @Test
  void badArgumentsAndBadFilesGiveTheContractExitCodes(@TempDir Path tmp) throws IOException {
    Path m = manifest(tmp, 2);
    Path preds = tmp.resolve("p.jsonl");
    assertThat(SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--threads", "0").exit())
        .isEqualTo(SerCli.EXIT_USAGE);
    assertThat(SerCliTest.run("batch", "--out", preds.toString()).exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--threads", "2",
            "--model-instances", "3").exit())
        .isEqualTo(SerCli.EXIT_USAGE);

    Path notAManifest = tmp.resolve("nothing.txt");
    Files.writeString(notAManifest, "hello\n");
    Run bad = SerCliTest.run("batch", "--manifest", notAManifest.toString(), "--out", preds.toString());
    assertThat(bad.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(bad.err().strip().lines()).hasSize(1);
    assertThat(bad.err()).contains("nothing.txt");

    // a damaged line in the middle of the predictions is reported with its line number, not dropped
    Files.writeString(preds, "{\"id\":\"a\",\"error\":null}\nnot json\n{\"id\":\"b\",\"error\":null}\n");
    Run corrupt = SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--model", "baseline");
    assertThat(corrupt.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(corrupt.err()).contains(preds + ":2");
    assertThat(Files.readString(preds)).contains("not json");

    Run badLabel = SerCliTest.run("batch", "--manifest", m.toString(), "--out", tmp.resolve("q.jsonl").toString(),
        "--model", "baseline", "--labels", "joy");
    assertThat(badLabel.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(badLabel.err()).contains("joy");
  }

  @Test
  void candidateLabelsRestrictTheDistribution(@TempDir Path tmp) throws IOException {
    Path m = manifest(tmp, 2);
    Path preds = tmp.resolve("p.jsonl");
    Run r = SerCliTest.run("batch", "--manifest", m.toString(), "--out", preds.toString(), "--model", "baseline",
        "--labels", "anger,neutral,sadness", "--quiet");
    assertThat(r.exit()).as(r.err()).isZero();
    for (JsonNode n : lines(preds)) {
      Set<String> keys = new TreeSet<>();
      n.get("probabilities").fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactly("anger", "neutral", "sadness");
      double sum = 0;
      for (JsonNode p : n.get("probabilities")) {
        sum += p.asDouble();
      }
      assertThat(sum).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
    }
  }
}
