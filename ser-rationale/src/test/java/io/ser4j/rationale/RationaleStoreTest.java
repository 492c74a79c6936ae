package io.ser4j.rationale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.Label;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RationaleStoreTest {
  @TempDir Path dir;

  static Rationale r(String id) {
    return new Rationale(id, "The voice is loud.", Label.of("anger"), "cue-grounded", "cue-grounded-v1", 1);
  }

  @Test
  void appendsOncePerKeyAndReopens() {
    Path f = dir.resolve("s.jsonl");
    try (RationaleStore s = RationaleStore.open(f, 2)) {
      assertThat(s.append(r("a"))).isTrue();
      assertThat(s.append(r("a"))).isFalse();
      assertThat(s.appendFailure(new RationaleKey("b", "cue-grounded", "cue-grounded-v1"), 1, "missing audio")).isTrue();
      assertThat(s.contains(r("a").key())).isTrue();
      assertThat(s.contains(new RationaleKey("b", "cue-grounded", "cue-grounded-v1"))).isFalse();
    }
    try (RationaleStore s = RationaleStore.open(f, 2)) {
      assertThat(s.records()).hasSize(2);
      assertThat(s.failures()).singleElement().extracting(StoredRationale::error).isEqualTo("missing audio");
      assertThat(s.contains(new RationaleKey("a", "cue-grounded", "cue-grounded-v2"))).as("version is part of the key").isFalse();
      assertThat(s.append(r("b"))).as("failures are retried").isTrue();
    }
    try (RationaleStore s = RationaleStore.open(f)) {
      assertThat(s.failures()).isEmpty();
      assertThat(s.records()).hasSize(2);
    }
  }

  @Test
  void truncatedLastLineIsDropped() throws Exception {
    Path f = dir.resolve("s.jsonl");
    try (RationaleStore s = RationaleStore.open(f)) {
      s.append(r("a"));
    }
    Files.writeString(f, "{\"id\":\"b\",\"teach", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    try (RationaleStore s = RationaleStore.open(f)) {
      assertThat(s.truncatedOnOpen()).isTrue();
      assertThat(s.records()).hasSize(1);
      s.append(r("b"));
    }
    assertThat(Files.readAllLines(f)).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
  }

  @Test
  void malformedCompleteLineIsTypedError() throws Exception {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "not json\n");
    assertThatThrownBy(() -> RationaleStore.open(f))
        .isInstanceOf(RationaleStoreException.class)
        .hasMessageContaining("bad.jsonl:1");
  }
}
