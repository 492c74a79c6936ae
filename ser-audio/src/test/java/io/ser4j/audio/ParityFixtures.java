package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Test helpers: committed float32 fixtures, the EmoDB data directory, and a tiny 16-bit PCM WAV
 * reader (test-only; the SDK's real WAV reader lives elsewhere). Not thread-safe concerns: static,
 * stateless.
 */
final class ParityFixtures {
  private ParityFixtures() {}

  /** The EmoDB wav directory under {@code ser4j.data.dir}; fails loudly when missing. */
  static Path emodbWavDir() {
    String dir = System.getProperty("ser4j.data.dir");
    assertThat(dir).as("system property ser4j.data.dir").isNotNull();
    Path wav = Paths.get(dir, "emodb", "wav");
    assertThat(Files.isDirectory(wav)).as("EmoDB wav dir %s", wav).isTrue();
    return wav;
  }

  /** Reads {@code /fixtures/<path>} from the test classpath. */
  static byte[] resource(String path) throws IOException {
    try (InputStream in = ParityFixtures.class.getResourceAsStream("/fixtures/" + path)) {
      assertThat(in).as("fixture %s", path).isNotNull();
      return in.readAllBytes();
    }
  }

  static JsonNode manifest(String dir) throws IOException {
    return new ObjectMapper().readTree(resource(dir + "/manifest.json"));
  }

  /** A raw float32 little-endian fixture. */
  static float[] floats(String path) throws IOException {
    byte[] b = resource(path);
    assertThat(b.length % 4).isZero();
    float[] out = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** A raw float32 fixture as a row-major {@code (rows, cols)} matrix. */
  static float[][] matrix(String path, int rows, int cols) throws IOException {
    float[] flat = floats(path);
    assertThat(flat).hasSize(rows * cols);
    float[][] out = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, out[r], 0, cols);
    }
    return out;
  }

  /** Decodes a WAV file with {@link WavReader} (samples/32768, as torchaudio/soundfile); rate in [0]. */
  static float[] readPcm16(Path file, int[] rateOut) {
    io.ser4j.core.AudioClip c = WavReader.read(file);
    rateOut[0] = c.sampleRate();
    return c.samples();
  }

  /** An EmoDB clip (file name) resampled to 16 kHz with {@link Resampler}. */
  static float[] emodbAt16k(String clip) {
    int[] rate = new int[1];
    float[] x = readPcm16(emodbWavDir().resolve(clip), rate);
    return Resampler.create(rate[0], 16000).resample(x);
  }

  /** Max |a - b| over equally long arrays. */
  static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }

  /** Max |a - b| over equally shaped matrices. */
  static double maxAbsDiff(float[][] a, float[][] b) {
    assertThat(a.length).isEqualTo(b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, maxAbsDiff(a[i], b[i]));
    }
    return max;
  }

  /**
   * The synthetic resampler test signal, identical to {@code synthetic()} in
   * tools/reference/resample_reference.py: evaluated in double, cast to float.
   */
  static float[] synthetic(int rateHz) {
    int n = rateHz; // 1 s
    double f1 = 0.45 * rateHz;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double t = (double) i / rateHz;
      double v =
          0.30 * Math.sin(2 * Math.PI * 440.0 * t)
              + 0.20 * Math.sin(2 * Math.PI * 1234.5 * t + 0.5)
              + 0.10 * Math.sin(2 * Math.PI * 3100.0 * t + 1.0)
              + 0.25 * Math.sin(2 * Math.PI * (50.0 * t + (f1 - 50.0) * t * t / 2.0));
      x[i] = (float) v;
    }
    return x;
  }
}
