package io.ser4j.examples.teacher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.rationale.llm.LlmTeacher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Smoke test: the LLM teacher example against a local fake Chat Completions server. */
class LlmTeacherExampleTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));

  @Test
  void theExampleTeachesThreeEmoDbClipsThroughAnOpenAiCompatibleServer() throws Exception {
    Path manifest = DATA.resolve("emodb/manifest.csv");
    assertThat(Files.isRegularFile(manifest)).as("EmoDB manifest " + manifest).isTrue();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (FakeChatServer server = new FakeChatServer(0)) {
      server.serverErrorOnce.add("03a01Fa");
      List<LlmTeacher.Outcome> out = LlmTeacherExample.run(server.baseUrl() + "/v1", "fake-model",
          "SER4J_EXAMPLE_KEY_UNSET", manifest, 3, new PrintStream(buf, true, StandardCharsets.UTF_8));
      assertThat(out).hasSize(3).allMatch(LlmTeacher.Outcome::ok);
      assertThat(server.requests()).isEqualTo(4); // one 500 retried
      assertThat(server.authorizations).allMatch(String::isEmpty);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertThat(printed.lines().filter(l -> l.startsWith("03a")).count()).isEqualTo(3);
    assertThat(printed).contains("03a01Fa [happiness] ").containsPattern("claims: \\d+ consistent, \\d+ contradicted");
  }
}
