package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.cli.SerCliTest.Run;
import io.ser4j.model.baseline.BaselineModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
  private static final Path TINY = SerCliTest.REPO.resolve("ser-model/src/test/resources/checkpoints/tiny-tied");

  private static List<JsonNode> kind(List<JsonNode> rows, String kind) {
    return rows.stream().filter(r -> r.get("kind").asText().equals(kind)).toList();
  }

  private static void copyDir(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  @Test
  void listsProvidersBundledModelsAndCheckpoints(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("models");
    copyDir(TINY, dir.resolve("tiny"));
    Files.writeString(dir.resolve("tiny/README.md"), "---\nlicense: apache-2.0\nlanguage: en\n---\n# tiny\n");
    Path baselineFile = dir.resolve("my-baseline.json");
    try (InputStream in = BaselineModel.class.getResourceAsStream(BaselineModel.BUNDLED_RESOURCE)) {
      Files.copy(in, baselineFile);
    }
    Files.writeString(dir.resolve("notes.json"), "{\"not\": \"a model\"}");
    Files.createDirectories(dir.resolve("empty"));

    Run r = SerCliTest.run("models", "--json", "--dir", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> rows = r.jsonLines();

    List<String> providers = new ArrayList<>();
    kind(rows, "provider").forEach(p -> providers.add(p.get("name").asText()));
    assertThat(providers).contains("baseline", "speechlm", "remote");
    assertThat(kind(rows, "provider").stream().filter(p -> p.get("serves_default").asBoolean()).count())
        .isEqualTo(1);

    JsonNode bundled = kind(rows, "bundled").get(0);
    assertThat(bundled.get("name").asText()).isEqualTo("baseline");
    assertThat(bundled.get("provider").asText()).isEqualTo("baseline");
    assertThat(bundled.get("size_bytes").asLong()).isEqualTo(Files.size(baselineFile));
    assertThat(bundled.get("licence").asText()).contains("NON-COMMERCIAL");
    assertThat(bundled.get("labels")).hasSize(9);

    List<JsonNode> cps = kind(rows, "checkpoint").stream()
        .filter(c -> c.get("path").asText().startsWith(dir.toString()))
        .toList();
    assertThat(cps).hasSize(2); // the checkpoint folder and the baseline file, not notes.json
    JsonNode tiny = cps.stream().filter(c -> c.get("path").asText().endsWith("tiny")).findFirst().orElseThrow();
    assertThat(tiny.get("provider").asText()).isEqualTo("speechlm");
    assertThat(tiny.get("model_type").asText()).isEqualTo("qwen2_audio");
    assertThat(tiny.get("licence").asText()).isEqualTo("apache-2.0");
    long size;
    try (Stream<Path> s = Files.walk(dir.resolve("tiny"))) {
      size = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertThat(tiny.get("size_bytes").asLong()).isEqualTo(size);
    assertThat(tiny.get("files").toString()).contains("model.safetensors").contains("tokenizer.json");
    JsonNode base = cps.stream().filter(c -> c.get("path").asText().endsWith(".json")).findFirst().orElseThrow();
    assertThat(base.get("provider").asText()).isEqualTo("baseline");
    assertThat(base.get("licence").asText()).contains("NON-COMMERCIAL");

    Run text = SerCliTest.run("models", "--dir", dir.toString());
    assertThat(text.exit()).isZero();
    assertThat(text.out())
        .contains("Recognizer providers")
        .contains("(serves --model default)")
        .contains("Bundled models:")
        .containsPattern("baseline +[0-9.]+ KiB  classpath:")
        .contains(dir.resolve("tiny").toString())
        .contains("apache-2.0");
  }

  @Test
  void aMissingDirectoryIsBadInputButTheRestIsListed(@TempDir Path tmp) throws IOException {
    Run r = SerCliTest.run("models", "--json", "--dir", tmp.resolve("nope").toString());
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("nope").contains("no such directory");
    assertThat(kind(r.jsonLines(), "provider")).isNotEmpty();
  }
}
