package io.ser4j.audio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzz target for the WAV reader (Jazzer).
 *
 * <p>In the default suite Jazzer runs in regression mode: it replays the committed seed corpus in
 * {@code src/test/resources/io/ser4j/audio/WavReaderFuzzTestInputs/readWav/} (and any crash files
 * added there). The campaign (see docs/audio.md) runs with {@code JAZZER_FUZZ=1}: {@code
 * JAZZER_FUZZ=1 mvn -o -pl ser-audio -am test -Dtest=WavReaderFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}, stopping after {@code maxExecutions} inputs or {@code
 * maxDuration}. A finding is any exception other than {@link io.ser4j.core.AudioFormatException}
 * or a failed {@link WavFuzzOracle} property.
 *
 * <p>In regression mode Jazzer's bug-detector hooks are switched off ({@code jazzer.hooks=false}):
 * they instrument much of the JDK (about 20 s of start-up on a loaded 2-core machine, 2 s
 * without) and the oracle does the checking; fuzzing mode keeps them.
 */
class WavReaderFuzzTest {
  @BeforeAll
  static void fastRegressionMode() {
    if (System.getenv("JAZZER_FUZZ") == null && System.getProperty("jazzer.hooks") == null) {
      System.setProperty("jazzer.hooks", "false");
    }
  }

  @FuzzTest(maxDuration = "20m", maxExecutions = 200_000)
  void readWav(byte[] data) throws IOException {
    WavFuzzOracle.check(data, null, true);
  }
}
