package io.ser4j.audio.cues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Test helpers: the EmoDB data folder, a minimal 16-bit PCM WAV reader, and fixture loading. */
final class ProsodyFixtures {
  private ProsodyFixtures() {}

  /** {@code ${ser4j.data.dir}/emodb/wav}; fails loudly when the data is missing. */
  static Path emodbWavDir() {
    String dir = System.getProperty("ser4j.data.dir");
    if (dir == null) {
      throw new IllegalStateException("system property ser4j.data.dir is not set");
    }
    Path p = Paths.get(dir, "emodb", "wav");
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("EmoDB audio missing: " + p);
    }
    return p;
  }

  /** A decoded mono clip. */
  record Wav(float[] samples, int sampleRate) {}

  /** Decodes a WAV file with {@link io.ser4j.audio.WavReader} (samples/32768, Praat's scaling). */
  static Wav readWav(Path path) {
    io.ser4j.core.AudioClip c = io.ser4j.audio.WavReader.read(path);
    return new Wav(c.samples(), c.sampleRate());
  }

  /** Loads {@code fixtures/praat-prosody/<name>} from the test classpath. */
  static JsonNode fixture(String name) {
    String res = "/fixtures/praat-prosody/" + name;
    try (InputStream in = ProsodyFixtures.class.getResourceAsStream(res)) {
      if (in == null) {
        throw new IllegalStateException("fixture missing: " + res);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON number array as doubles. */
  static double[] doubles(JsonNode array) {
    double[] d = new double[array.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = array.get(i).asDouble();
    }
    return d;
  }
}
