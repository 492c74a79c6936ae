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
    assertThat(out).containsPattern("F0 \\d+ Hz \\(sd \\d+\\.\\d st\\), HNR \\d+\\.\\d dB");
    // 4.104 s at 16 kHz = 65 664 samples -> 410 frames of 10 ms
    assertThat(out).contains("log-mel: 80 x 410");
  }
}
