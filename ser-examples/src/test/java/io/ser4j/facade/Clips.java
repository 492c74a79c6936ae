package io.ser4j.facade;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Real clips from ser4j.data.dir (failing loudly when it is missing). */
final class Clips {
  private Clips() {}

  static Path data() {
    String d = System.getProperty("ser4j.data.dir");
    assertThat(d).as("system property ser4j.data.dir").isNotNull();
    Path p = Path.of(d);
    assertThat(p.resolve("emodb/wav")).as("EmoDB audio under ser4j.data.dir").isDirectory();
    assertThat(p.resolve("ravdess/wav")).as("RAVDESS audio under ser4j.data.dir").isDirectory();
    return p;
  }

  static Path repo() {
    return Path.of(System.getProperty("ser4j.repo.dir", ".."));
  }

  /** Every {@code step}-th WAV of a corpus, sorted by name, at most {@code n}. */
  static List<Path> pick(String corpus, int step, int n) throws IOException {
    try (Stream<Path> s = Files.list(data().resolve(corpus).resolve("wav"))) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
      List<Path> out = new ArrayList<>();
      for (int i = 0; i < all.size() && out.size() < n; i += step) {
        out.add(all.get(i));
      }
      return out;
    }
  }
}
