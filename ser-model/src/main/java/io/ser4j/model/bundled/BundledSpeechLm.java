package io.ser4j.model.bundled;

import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SpeechLM checkpoint that ships inside the ser-model jar, under the class-path folder {@value
 * #RESOURCE_DIR}: {@value #INDEX} lists its files with their SHA-256, and {@link #directory()}
 * extracts them once into a cache directory (the class path cannot be read as a directory by the
 * native loaders). The cache is {@code $SER4J_CACHE} or the system property {@code ser4j.cache},
 * else {@code ~/.cache/ser4j}, in a sub-folder named after the index's hash, so a new model version
 * never reuses an old extraction. Extraction writes into a temporary folder, verifies every hash and
 * renames it into place, so concurrent or interrupted first uses are safe.
 *
 * <p>Licence: the bundled model was trained on RAVDESS (CC BY-NC-SA 4.0) and EmoDB and is for
 * non-commercial use only (see {@code docs/model-card.md}); the SDK code is Apache-2.0.
 *
 * <p>Thread-safe: {@link #directory()} is synchronized.
 */
public final class BundledSpeechLm {
  /** Class-path folder of the bundled checkpoint. */
  public static final String RESOURCE_DIR = "io/ser4j/model/default/";
  /** The index file in {@link #RESOURCE_DIR}: lines {@code <sha256>  <file name>}. */
  public static final String INDEX = "files.sha256";

  private static Path extracted;

  private BundledSpeechLm() {}

  /** True when the jar carries the bundled checkpoint (its index is on the class path). */
  public static boolean isAvailable() {
    return BundledSpeechLm.class.getClassLoader().getResource(RESOURCE_DIR + INDEX) != null;
  }

  /**
   * The checkpoint as a directory, extracted on first use.
   *
   * @return a Hugging Face–layout checkpoint directory
   * @throws ModelLoadException when the model is not bundled, a file is missing or corrupt, or the
   *     cache directory cannot be written
   */
  public static synchronized Path directory() {
    if (extracted != null && Files.isDirectory(extracted)) {
      return extracted;
    }
    String index = read(INDEX);
    List<String[]> files = new ArrayList<>();
    for (String line : index.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.trim().split("\\s+", 2);
      if (f.length != 2 || f[1].contains("/") || f[1].contains("\\")) {
        throw new ModelLoadException(RESOURCE_DIR + INDEX, "malformed line: " + line);
      }
      files.add(f);
    }
    Path dir = cacheRoot().resolve("default-speechlm-" + sha256(index.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    if (Files.isRegularFile(dir.resolve(INDEX))) {
      extracted = dir;
      return dir;
    }
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(tmp);
      for (String[] f : files) {
        byte[] bytes = readBytes(f[1]);
        if (!sha256(bytes).equals(f[0])) {
          throw new ModelLoadException(RESOURCE_DIR + f[1], "corrupt: its SHA-256 differs from " + INDEX);
        }
        Files.write(tmp.resolve(f[1]), bytes);
      }
      Files.writeString(tmp.resolve(INDEX), index, StandardCharsets.UTF_8); // written last: marks completion
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir);
      }
    } catch (IOException e) {
      if (!Files.isRegularFile(dir.resolve(INDEX))) { // another process may have won the race
        throw new ModelLoadException(dir.toString(), "cannot extract the bundled model: " + e.getMessage(), e);
      }
    } finally {
      deleteQuietly(tmp);
    }
    extracted = dir;
    return dir;
  }

  private static Path cacheRoot() {
    String env = System.getenv("SER4J_CACHE");
    String prop = System.getProperty("ser4j.cache");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "ser4j");
  }

  private static String read(String name) {
    return new String(readBytes(name), StandardCharsets.UTF_8);
  }

  private static byte[] readBytes(String name) {
    try (InputStream in = BundledSpeechLm.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new ModelLoadException(RESOURCE_DIR + name, "not on the class path (the bundled model is not installed)");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new ModelLoadException(RESOURCE_DIR + name, "cannot read: " + e.getMessage(), e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      // a stray temporary folder only costs disk space
    }
  }
}
