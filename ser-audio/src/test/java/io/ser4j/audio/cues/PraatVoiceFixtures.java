package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the committed Praat fixtures (written by tools/reference/praat_voice_reference.py) and the
 * EmoDB audio they were computed from.
 */
final class PraatVoiceFixtures {
  static final String DIR = "/fixtures/praat-voice/";

  /** Per-clip scalars from Praat. */
  record Scalars(String file, int sampleRate, double jitter, double shimmer, double hnr) {}

  /** Per-clip Praat F0 contour. */
  record Contour(String file, double t1, double dt, double[] f0) {}

  private PraatVoiceFixtures() {}

  static Path emodbWavDir() {
    String data = System.getProperty("ser4j.data.dir");
    assertThat(data).as("system property ser4j.data.dir").isNotNull();
    Path dir = Path.of(data, "emodb", "wav");
    assertThat(Files.isDirectory(dir)).as("EmoDB audio at " + dir).isTrue();
    return dir;
  }

  static Map<String, Scalars> scalars() throws IOException {
    Map<String, Scalars> out = new LinkedHashMap<>();
    for (String[] f : rows("scalars.csv")) {
      out.put(f[0], new Scalars(f[0], Integer.parseInt(f[1]), num(f[5]), num(f[6]), num(f[7])));
    }
    return out;
  }

  static List<Contour> contours() throws IOException {
    return contours("contours.csv");
  }

  static List<Contour> contours(String name) throws IOException {
    List<Contour> out = new ArrayList<>();
    for (String[] f : rows(name)) {
      String[] v = f[4].trim().split(" ");
      double[] f0 = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        f0[i] = Double.parseDouble(v[i]);
      }
      assertThat(f0.length).isEqualTo(Integer.parseInt(f[1]));
      out.add(new Contour(f[0], Double.parseDouble(f[2]), Double.parseDouble(f[3]), f0));
    }
    return out;
  }

  private static double num(String s) {
    return s.contains("undefined") ? Double.NaN : Double.parseDouble(s);
  }

  private static List<String[]> rows(String name) throws IOException {
    List<String[]> out = new ArrayList<>();
    try (InputStream in = PraatVoiceFixtures.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as("fixture " + name).isNotNull();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      r.readLine();
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          out.add(line.split(","));
        }
      }
    }
    return out;
  }

  /** Decoded mono clip. */
  record Clip(float[] samples, int sampleRate) {}

  /** Decodes a WAV file with {@link io.ser4j.audio.WavReader} (samples/32768, as Praat reads them). */
  static Clip readWav(Path path) {
    io.ser4j.core.AudioClip c = io.ser4j.audio.WavReader.read(path);
    return new Clip(c.samples(), c.sampleRate());
  }
}
