package io.ser4j.audio.cues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

  /** Reads mono 16-bit PCM WAV as sample/32768 (Praat's scaling). */
  static Wav readWav(Path path) {
    try {
      byte[] bytes = Files.readAllBytes(path);
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      int pos = 12;
      int rate = 0;
      int channels = 0;
      int bits = 0;
      while (pos + 8 <= bytes.length) {
        String id = new String(bytes, pos, 4, java.nio.charset.StandardCharsets.US_ASCII);
        int size = b.getInt(pos + 4);
        if (id.equals("fmt ")) {
          channels = b.getShort(pos + 10);
          rate = b.getInt(pos + 12);
          bits = b.getShort(pos + 22);
        } else if (id.equals("data")) {
          if (channels != 1 || bits != 16) {
            throw new IllegalStateException(path + ": expected mono 16-bit PCM");
          }
          int n = Math.min(size, bytes.length - pos - 8) / 2;
          float[] s = new float[n];
          for (int i = 0; i < n; i++) {
            s[i] = b.getShort(pos + 8 + 2 * i) / 32768f;
          }
          return new Wav(s, rate);
        }
        pos += 8 + size + (size & 1);
      }
      throw new IllegalStateException(path + ": no data chunk");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
