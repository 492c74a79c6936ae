package io.ser4j.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JMH-free timing note (tagged long): reads a 100 MB F32 tensor, and the same values as BF16 and
 * F16, through the memory mapping, and prints MB/s of file data. The file was just written, so this
 * measures the page-cache (warm) path. Run: {@code mvn -pl ser-model -am test -Plong
 * -Dtest=ReadThroughputTest}.
 */
@Tag("long")
class ReadThroughputTest {
  private static final int ELEMENTS = 25_000_000; // 100 MB of F32
  private static final int REPEATS = 5;

  @Test
  void readThroughput(@TempDir Path dir) throws Exception {
    float[] v = new float[ELEMENTS];
    for (int i = 0; i < ELEMENTS; i++) {
      v[i] = (i % 1000) * 0.001f - 0.5f;
    }
    for (DType d : new DType[] {DType.F32, DType.BF16, DType.F16}) {
      Path p = dir.resolve(d + ".safetensors");
      long w0 = System.nanoTime();
      SafeTensorsWriter.write(p, Map.of("w", TensorData.ofFloats(d, new long[] {5000, 5000}, v)), null);
      double writeS = (System.nanoTime() - w0) / 1e9;
      double mb = Files.size(p) / 1e6;
      try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
        float[] dst = new float[ELEMENTS];
        double best = Double.MAX_VALUE;
        for (int r = 0; r < REPEATS; r++) {
          long t0 = System.nanoTime();
          f.readInto("w", dst, new long[] {5000, 5000});
          best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        for (int i = 0; i < ELEMENTS; i += 997) {
          float want =
              switch (d) {
                case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i]));
                case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(v[i]));
                default -> v[i];
              };
          assertThat(dst[i]).isEqualTo(want);
        }
        System.out.printf(
            "safetensors %s: %.0f MB file, write %.2f s (%.0f MB/s), readInto best of %d %.3f s = %.0f MB/s%n",
            d, mb, writeS, mb / writeS, REPEATS, best, mb / best);
      }
      Files.delete(p);
    }
  }
}
