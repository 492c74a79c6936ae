package io.ser4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  @Test
  void readmeQuickStartRunsOnTheBundledClip() {
    Path repo = Path.of(System.getProperty("ser4j.repo.dir", ".."));
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      QuickStart.main(new String[] {repo.resolve("examples/audio/angry.wav").toString()});
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    // the one-liner with the default model
    assertThat(out).containsPattern("(?m)^[a-z]+ \\(p=[01]\\.\\d\\d\\) by \\S+");
    // the builder: baseline restricted to four labels says anger, with a cue-grounded rationale
    assertThat(out).containsPattern("(?m)^anger: .*anger\\.");
    assertThat(out).containsPattern("F0 \\d+ Hz, HNR \\d+\\.\\d dB");
  }
}
