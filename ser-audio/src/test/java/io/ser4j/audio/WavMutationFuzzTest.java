package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the WAV reader with {@link WavFuzzOracle}: 20 000 inputs in the default
 * suite, 200 000 in the {@code long} campaign ({@code mvn -Plong ...}). Any exception other than
 * {@link io.ser4j.core.AudioFormatException}, any failed property, or a hang (the timeout) fails the
 * test; failing inputs are printed in hex so they can be added to the seed corpus.
 */
class WavMutationFuzzTest {
  private static final int DEFAULT_INPUTS = 20_000;
  private static final int LONG_INPUTS = 200_000;

  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void twentyThousandMutatedInputs() throws IOException {
    run(20240601L, DEFAULT_INPUTS);
  }

  @Test
  @Tag("long")
  @Timeout(3600)
  void longCampaign() throws IOException {
    run(Long.getLong("ser4j.fuzz.seed", 7L), Integer.getInteger("ser4j.fuzz.inputs", LONG_INPUTS));
  }

  private void run(long seed, int inputs) throws IOException {
    List<byte[]> seeds = new ArrayList<>(WavSeeds.list());
    WavMutator m = new WavMutator(seed, seeds);
    int decoded = 0;
    int rejected = 0;
    List<String> failures = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < inputs; i++) {
      byte[] in = m.next();
      try {
        boolean heavy = i % 16 == 0;
        WavFuzzOracle.Outcome o = WavFuzzOracle.check(in, heavy ? tmp : null, heavy);
        if (o == WavFuzzOracle.Outcome.DECODED) {
          decoded++;
        } else {
          rejected++;
        }
      } catch (Throwable t) { // anything untyped, including Errors, is a finding
        if (failures.size() < 10) {
          failures.add(t + " for input " + HexFormat.of().formatHex(in));
        }
        if (t instanceof VirtualMachineError) {
          throw (VirtualMachineError) t;
        }
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "WAV mutation fuzz (seed %d): %d inputs in %.1f s, %d decoded, %d rejected with"
            + " AudioFormatException, %d untyped/failed%n",
        seed, inputs, s, decoded, rejected, inputs - decoded - rejected);
    assertThat(failures).as("untyped exceptions or failed properties").isEmpty();
    assertThat(decoded).as("some mutants must still decode").isGreaterThan(inputs / 50);
    assertThat(rejected).as("some mutants must be rejected").isGreaterThan(inputs / 50);
  }

  @Test
  void seedsThemselvesBehave() throws IOException {
    for (byte[] s : WavSeeds.list()) {
      WavFuzzOracle.check(s, tmp, true);
    }
    Files.deleteIfExists(tmp.resolve("fuzz-input.wav"));
  }
}
