package io.ser4j.examples.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Smoke test of the TarsosDSP example through its file route (no microphone here). */
class MicrophoneStreamExampleTest {
  @Test
  void dispatcherFedFromAFileProducesWindowsAndOneUtterance() throws Exception {
    String data = System.getProperty("ser4j.data.dir");
    assertThat(data).as("system property ser4j.data.dir").isNotNull();
    // 3.30 s, speech from about 1.0 to 2.2 s
    Path clip = Path.of(data, "ravdess/wav/03-01-01-01-01-01-01.wav");
    assertThat(clip).isRegularFile();
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      MicrophoneStreamExample.main(new String[] {"--model", "baseline", "--file", clip.toString()});
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    // every sample reached the analyzer: [0,2], [0.5,2.5], [1,3] and the tail window
    assertThat(out).contains("3.3 s analysed: 4 windows, 1 utterances");
    assertThat(out).containsPattern("\\[  0\\.50-  2\\.50 s\\] \\w+ +\\d\\.\\d\\d   running: \\w+ \\d\\.\\d\\d");
    assertThat(out).containsPattern("utterance (0\\.9\\d|1\\.0\\d)-2\\.\\d\\d s: \\w+");
  }
}
