package io.ser4j.audio.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real clips from ser4j.data.dir joined into one 16 kHz recording with known boundaries: RAVDESS
 * clips back to back (each has its own leading and trailing silence) and EmoDB clips (cut tight, so
 * each is followed by {@value #EMODB_GAP_SECONDS} s of digital silence).
 */
public record ConcatenatedClips(float[] samples, List<Path> files, double[] startSeconds, double[] endSeconds) {
  /** Rate of the joined recording. */
  public static final int RATE = 16_000;
  /** Silence after each EmoDB clip, in seconds. */
  public static final double EMODB_GAP_SECONDS = 0.7;

  /** The data directory, failing loudly when it is missing. */
  public static Path dataDir() {
    String d = System.getProperty("ser4j.data.dir");
    assertThat(d).as("system property ser4j.data.dir").isNotNull();
    Path p = Path.of(d);
    assertThat(p.resolve("ravdess/wav")).as("RAVDESS audio under ser4j.data.dir").isDirectory();
    assertThat(p.resolve("emodb/wav")).as("EmoDB audio under ser4j.data.dir").isDirectory();
    return p;
  }

  /** Every {@code step}-th file of a corpus's wav directory, sorted by name, at most {@code n}. */
  public static List<Path> pick(String corpus, int step, int n) throws IOException {
    try (Stream<Path> s = Files.list(dataDir().resolve(corpus).resolve("wav"))) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
      List<Path> out = new ArrayList<>();
      for (int i = 0; i < all.size() && out.size() < n; i += step) {
        out.add(all.get(i));
      }
      return out;
    }
  }

  /** Joins the files in order (EmoDB files get a gap after them). */
  public static ConcatenatedClips of(List<Path> files) {
    List<float[]> parts = new ArrayList<>();
    double[] start = new double[files.size()];
    double[] end = new double[files.size()];
    int total = 0;
    for (int i = 0; i < files.size(); i++) {
      AudioClip c = AudioLoader.load(files.get(i), RATE);
      start[i] = total / (double) RATE;
      parts.add(c.samples());
      total += c.length();
      end[i] = total / (double) RATE;
      if (files.get(i).toString().contains("emodb")) {
        int gap = (int) Math.round(EMODB_GAP_SECONDS * RATE);
        parts.add(new float[gap]);
        total += gap;
      }
    }
    float[] x = new float[total];
    int off = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, x, off, p.length);
      off += p.length;
    }
    return new ConcatenatedClips(x, List.copyOf(files), start, end);
  }

  /** Index of the clip containing time {@code t}, or -1 in a gap. */
  public int clipAt(double t) {
    for (int i = 0; i < startSeconds.length; i++) {
      if (t >= startSeconds[i] && t < endSeconds[i]) {
        return i;
      }
    }
    return -1;
  }
}
