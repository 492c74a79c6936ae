package io.ser4j.cli;

import static io.ser4j.cli.TeachCommandTest.lines;
import static io.ser4j.cli.TeachCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.cli.TeachCommandTest.Run;
import io.ser4j.core.Label;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.examples.teacher.FakeChatServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ser teach --teacher openai} end to end against a local fake Chat Completions server. */
class TeachLlmCommandTest {
  static final Path DATA = TeachCommandTest.DATA;
  static final String KEY = "sk-e2e-SECRET-9f8e7d6c5b4a";
  static final String KEY_ENV = "SER4J_E2E_LLM_KEY";

  @TempDir Path dir;

  /** {@code perSpeaker} EmoDB clips of speakers 03 and 08, plus one utterance whose audio is missing. */
  Path manifest(int perSpeaker, boolean ghost) {
    Path csv = DATA.resolve("emodb/manifest.csv");
    assertThat(Files.isRegularFile(csv)).as("EmoDB manifest " + csv).isTrue();
    List<Utterance> us = new ArrayList<>();
    Map<String, Integer> n = new HashMap<>();
    for (Utterance u : Corpora.readEmoDb(csv).utterances()) {
      if ((u.speaker().equals("03") || u.speaker().equals("08")) && n.merge(u.speaker(), 1, Integer::sum) <= perSpeaker) {
        us.add(u);
      }
    }
    if (ghost) {
      us.add(Utterance.of("ghost", dir.resolve("ghost.wav"), "Der Lappen liegt auf dem Eisschrank.", "03",
          Label.of("anger"), "emodb"));
    }
    Path m = dir.resolve("m" + perSpeaker + ".jsonl");
    Corpora.writeManifest(Corpus.of("subset", us), m);
    return m;
  }

  @Test
  void teachesRealClipsThroughTheEndpointWithFaultsAndResumes() throws Exception {
    Path m = manifest(4, true);
    List<Utterance> us = Corpora.readManifest(m).utterances();
    String rateLimited = us.get(0).id();
    String erroring = us.get(1).id();
    String wrong = us.get(5).id();
    Path store = dir.resolve("store.jsonl");
    try (FakeChatServer server = new FakeChatServer(30)) {
      server.rateLimitOnce.add(rateLimited);
      server.serverErrorOnce.add(erroring);
      server.wrongLabel.add(wrong);
      String[] args = {"teach", "--manifest", m.toString(), "--out", store.toString(), "--quiet",
          "--teacher", "openai", "--base-url", server.baseUrl(), "--llm-model", "fake-model",
          "--api-key-env", KEY_ENV, "--concurrency", "2", "--rps", "100", "--min-clips", "4",
          "--llm-backoff-ms", "10"};

      // First run in a child JVM, whose environment holds the key.
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.ser4j.cli.SerCli"));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd)
          .redirectOutput(dir.resolve("child.out").toFile())
          .redirectError(dir.resolve("child.err").toFile());
      pb.environment().put(KEY_ENV, KEY);
      Process p = pb.start();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String out = Files.readString(dir.resolve("child.out"));
      String err = Files.readString(dir.resolve("child.err"));
      assertThat(p.exitValue()).as(out + err).isEqualTo(SerCli.EXIT_BAD_INPUT);
      assertThat(out).contains("taught 7, already in store 0, failed 2 -> " + store);
      assertThat(out).containsPattern("faithfulness: \\d+ consistent, \\d+ contradicted, \\d+ unverifiable claims in 7 rationales");
      assertThat(err).contains("ser: ghost: ").contains("ghost.wav");
      assertThat(err).contains("ser: " + wrong + ": ").contains("not the majority label").contains("[wrong_label]");
      assertThat(err).contains("HTTP 429").contains("HTTP 500"); // retries are logged
      // 7 answered + one 429 + one 500 + 3 rejected replies for the wrong label; the ghost is never sent
      assertThat(server.requests()).isEqualTo(12);
      assertThat(server.maxInFlight.get()).isBetween(1, 2);
      assertThat(server.authorizations).allMatch(a -> a.equals("Bearer " + KEY));
      String firstPrompt = TeachCommandTest.MAPPER.readTree(server.bodies.get(0)).get("messages").get(1).get("content").asText();
      assertThat(firstPrompt).contains("this speaker's usual voice (speaker 0").contains("Transcript: \"");

      List<JsonNode> recs = lines(store);
      assertThat(recs).hasSize(9);
      assertThat(recs).allSatisfy(r -> {
        assertThat(r.get("teacher").asText()).isEqualTo("llm:fake-model");
        assertThat(r.get("version").asText()).isEqualTo("llm-v1");
      });
      assertThat(recs).filteredOn(r -> r.get("status").asText().equals("ok")).hasSize(7)
          .allSatisfy(r -> assertThat(r.get("text").asText()).contains("utterance " + r.get("id").asText()));
      assertThat(recs).filteredOn(r -> r.get("status").asText().equals("failed"))
          .extracting(r -> r.get("id").asText()).containsExactlyInAnyOrder("ghost", wrong);
      for (Path f : List.of(store, dir.resolve("store.jsonl.norms.json"))) {
        assertThat(Files.readString(f, StandardCharsets.UTF_8)).doesNotContain(KEY);
      }
      assertThat(out + err).doesNotContain(KEY);

      // Second run in-process: done items are skipped, only the failures are retried.
      server.wrongLabel.clear();
      Run r = run(args);
      assertThat(r.exit()).as(r.err()).isEqualTo(SerCli.EXIT_BAD_INPUT); // the ghost still has no audio
      assertThat(r.out()).contains("taught 1, already in store 7, failed 1");
      assertThat(server.requests()).isEqualTo(13);
      Map<String, String> ok = TeachCommandTest.okTexts(lines(store));
      assertThat(ok).hasSize(8).containsKey(wrong);
    }
  }

  @Test
  void aFatalHttpErrorStopsTheRunAndLeavesTheRestForARerun() throws Exception {
    Path m = manifest(2, false);
    try (FakeChatServer server = new FakeChatServer(0)) {
      Run r = run("teach", "--manifest", m.toString(), "--out", dir.resolve("s.jsonl").toString(), "--quiet",
          "--teacher", "openai", "--base-url", server.baseUrl() + "/not-here", "--llm-model", "x",
          "--api-key-env", KEY_ENV, "--concurrency", "1", "--norms", "corpus");
      assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
      assertThat(r.err()).contains("HTTP 404").contains("[http_error]").contains("ser: stopped: ");
      assertThat(r.out()).contains("taught 0, already in store 0, failed 1").contains("3 not attempted");
      assertThat(server.requests()).isEqualTo(1);
    }
  }

  @Test
  void llmOptionsAreCheckedAsUsageErrors() throws Exception {
    Path m = dir.resolve("m.jsonl");
    Files.writeString(m, "");
    String o = dir.resolve("o.jsonl").toString();
    assertThat(run("teach", "--manifest", m.toString(), "--out", o, "--teacher", "openai").exit())
        .isEqualTo(SerCli.EXIT_USAGE);
    assertThat(run("teach", "--manifest", m.toString(), "--out", o, "--teacher", "openai",
        "--base-url", "ftp://x", "--llm-model", "m").exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(run("teach", "--manifest", m.toString(), "--out", o, "--teacher", "openai",
        "--base-url", "http://127.0.0.1:9", "--llm-model", "m", "--concurrency", "0").exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(run("teach", "--manifest", m.toString(), "--out", o, "--teacher", "openai",
        "--base-url", "http://127.0.0.1:9", "--llm-model", "m", "--faithfulness", "maybe").exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(run("teach", "--manifest", m.toString(), "--out", o, "--base-url", "http://127.0.0.1:9").exit())
        .isEqualTo(SerCli.EXIT_USAGE);
  }
}
