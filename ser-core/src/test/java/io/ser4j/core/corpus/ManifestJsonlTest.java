package io.ser4j.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestJsonlTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private ManifestException failure(String text) throws Exception {
    Path p = write("bad.jsonl", text);
    try {
      Corpora.readManifest(p);
    } catch (ManifestException e) {
      return e;
    }
    throw new AssertionError("no ManifestException for " + text);
  }

  private String where(int line, String column) {
    return dir.resolve("bad.jsonl") + ":" + line + " (column " + column + "): ";
  }

  @Test
  void readsTheSchemaResolvingAudioAgainstTheManifestDirectory() throws Exception {
    Path p =
        write(
            "set.jsonl",
            "{\"id\":\"u1\",\"audio\":\"wav/u1.wav\",\"transcript\":\"Hallo \\\"du\\\"\","
                + "\"speaker\":\"s1\",\"label\":\"Anger\",\"annotations\":[\"anger\",\"contempt\",\"anger\"],"
                + "\"dimensions\":{\"valence\":2.5,\"arousal\":-1},\"split\":\"train\",\"future_key\":[1,{}]}\r\n"
                + "\n"
                + "{\"id\":\"u2\",\"audio\":\"/abs/u2.wav\",\"label\":null,\"corpus\":\"other\",\"meta\":{\"sex\":\"f\"}}");
    Corpus c = Corpora.readManifest(p);
    assertThat(c.name()).isEqualTo("set");
    assertThat(c.size()).isEqualTo(2);
    Utterance u1 = c.utterances().get(0);
    assertThat(u1.id()).isEqualTo("u1");
    assertThat(u1.audio()).isEqualTo(dir.resolve("wav/u1.wav").toAbsolutePath().normalize());
    assertThat(u1.transcript()).isEqualTo("Hallo \"du\"");
    assertThat(u1.speaker()).isEqualTo("s1");
    assertThat(u1.majority()).isEqualTo(Label.of("anger"));
    assertThat(u1.annotations()).containsExactly(Label.of("anger"), Label.of("contempt"), Label.of("anger"));
    assertThat(u1.dimensions()).containsExactly(Map.entry("arousal", -1.0), Map.entry("valence", 2.5));
    assertThat(u1.split()).isEqualTo("train");
    assertThat(u1.corpus()).isEqualTo("set");
    Utterance u2 = c.utterances().get(1);
    assertThat(u2.audio()).isEqualTo(Path.of("/abs/u2.wav"));
    assertThat(u2.majority()).isNull();
    assertThat(u2.annotations()).isEmpty();
    assertThat(u2.transcript()).isEmpty();
    assertThat(u2.speaker()).isEmpty();
    assertThat(u2.corpus()).isEqualTo("other");
    assertThat(u2.meta()).containsExactly(Map.entry("sex", "f"));
    assertThat(c.labels().labels()).containsExactly(Label.of("anger"), Label.of("contempt"));
  }

  @Test
  void writesAtomicallyAndReadsBackEqual() throws Exception {
    Path audioDir = dir.resolve("clips");
    Utterance a =
        new Utterance(
            "a", audioDir.resolve("a.wav"), "line\nbreak \uD83D\uDE00", "sp", Label.of("fear"),
            List.of(Label.of("fear"), Label.of("other")), Map.of("arousal", 3.25), "Test1", "x",
            Map.of("k", "v"));
    Utterance b = Utterance.of("b", Path.of("/elsewhere/b.wav"), "", "", null, "x");
    Corpus c = Corpus.of("out", List.of(a, b));
    Path out = dir.resolve("out.jsonl");
    Files.writeString(out, "old content that must be replaced\n");
    Corpora.writeManifest(c, out);
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .isEqualTo(
            "{\"id\":\"a\",\"audio\":\"clips/a.wav\",\"transcript\":\"line\\nbreak \uD83D\uDE00\","
                + "\"speaker\":\"sp\",\"label\":\"fear\",\"annotations\":[\"fear\",\"other\"],"
                + "\"dimensions\":{\"arousal\":3.25},\"split\":\"Test1\",\"corpus\":\"x\","
                + "\"meta\":{\"k\":\"v\"}}");
    assertThat(lines.get(1)).isEqualTo("{\"id\":\"b\",\"audio\":\"/elsewhere/b.wav\",\"corpus\":\"x\"}");
    assertThat(Corpora.readManifest(out).withName("out")).isEqualTo(c);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(x -> x.getFileName().toString()).toList()).containsExactly("out.jsonl");
    }
    // a write that fails leaves the old file untouched and no temp file behind
    Utterance bad = Utterance.of("bad", dir.resolve("x.wav"), "lone \uD800", "", null, "x");
    assertThatThrownBy(() -> Corpora.writeManifest(Corpus.of("out", List.of(bad)), out))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining("out / bad: cannot write as JSON: lone high surrogate");
    assertThat(Files.readAllLines(out)).hasSize(2);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.count()).isEqualTo(1);
    }
  }

  @Test
  void badJsonNamesFileLineAndCharacterColumn() throws Exception {
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\"}\n{\"id\":\"b\",\"audio\":\"b.wav\"} x\n"))
        .hasMessage(where(2, "28") + "bad JSON: unexpected 'x' after the JSON value");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",}\n"))
        .hasMessage(where(1, "27") + "bad JSON: expected a string key, found '}'");
    assertThat(failure("\n\n{\"id\":\"a\",\"audio\":\"a\\q\"}\n"))
        .hasMessage(where(3, "21") + "bad JSON: invalid escape '\\q'");
    assertThat(failure("[1,2]\n")).hasMessage(where(1, "1") + "expected a JSON object per line, found an array");
    assertThat(failure("\uFEFF{\"id\":\"a\",\"audio\":\"a.wav\"}\n"))
        .hasMessage(where(1, "1") + "byte-order mark at the start (JSONL must not have one)");
  }

  @Test
  void missingAndMistypedFieldsNameTheKey() throws Exception {
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\"}\n{\"audio\":\"b.wav\"}\n"))
        .hasMessage(where(2, "id") + "missing required field \"id\"");
    assertThat(failure("{\"id\":\"a\"}")).hasMessage(where(1, "audio") + "missing required field \"audio\"");
    assertThat(failure("{\"id\":\"a\",\"audio\":null}"))
        .hasMessage(where(1, "audio") + "missing required field \"audio\"");
    assertThat(failure("{\"id\":7,\"audio\":\"a.wav\"}")).hasMessage(where(1, "id") + "expected a string, found a number");
    assertThat(failure("{\"id\":\" \",\"audio\":\"a.wav\"}")).hasMessage(where(1, "id") + "\"id\" must not be blank");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"speaker\":3}"))
        .hasMessage(where(1, "speaker") + "expected a string, found a number");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"label\":true}"))
        .hasMessage(where(1, "label") + "expected a string, found a boolean");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"label\":\"\"}")).hasMessage(where(1, "label") + "blank label");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"annotations\":\"anger\"}"))
        .hasMessage(where(1, "annotations") + "expected an array of strings, found a string");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"annotations\":[\"anger\",1]}"))
        .hasMessage(where(1, "annotations") + "expected an array of strings, found a number");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"dimensions\":{\"arousal\":\"high\"}}"))
        .hasMessage(where(1, "dimensions") + "dimension \"arousal\" must be a number, found a string");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"dimensions\":[1]}"))
        .hasMessage(where(1, "dimensions") + "expected an object of numbers, found an array");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\",\"meta\":{\"age\":31}}"))
        .hasMessage(where(1, "meta") + "meta \"age\" must be a string, found a number");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a\\u0000.wav\"}")).hasMessageStartingWith(where(1, "audio") + "not a valid path");
    assertThat(failure("{\"id\":\"a\",\"audio\":\"a.wav\"}\n{\"id\":\"a\",\"audio\":\"b.wav\"}"))
        .hasMessage(where(2, "id") + "duplicate id \"a\" (first on line 1)");
  }

  @Test
  void unreadableFilesAreManifestExceptions() throws Exception {
    assertThatThrownBy(() -> Corpora.readManifest(dir.resolve("none.jsonl")))
        .isInstanceOf(ManifestException.class)
        .hasMessage(dir.resolve("none.jsonl") + ": cannot read: no such file");
    Path p = dir.resolve("latin1.jsonl");
    Files.write(p, new byte[] {'{', '"', (byte) 0xE9, '"', '}'});
    assertThatThrownBy(() -> Corpora.readManifest(p))
        .isInstanceOf(ManifestException.class)
        .hasMessage(p + ": cannot read: not valid UTF-8 text");
  }

  @Test
  void handMadeResourceManifestReads() throws Exception {
    Path p = Path.of(getClass().getResource("/corpus/mini.jsonl").toURI());
    Corpus c = Corpora.readManifest(p);
    assertThat(c.size()).isEqualTo(4);
    assertThat(c.speakers()).containsExactly("s1", "s2");
    assertThat(c.majorityCounts()).containsEntry(Label.of("happiness"), 1);
    assertThat(c.utterances().get(3).majority()).isNull();
    assertThat(c.utterances().get(3).annotations()).containsExactly(Label.of("anger"), Label.of("neutral"));
    // only mini/a.wav exists next to the manifest
    assertThat(c.missingAudio()).extracting(Utterance::id).containsExactly("b", "c", "d");
  }
}
