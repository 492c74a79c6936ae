package io.ser4j.core.corpus;

import io.ser4j.core.ManifestException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Shared helpers of the corpus readers: error wording and path handling. Stateless; thread-safe. */
final class Sources {
  private Sources() {}

  /** A short description of an I/O failure. */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    } else if (e instanceof AccessDeniedException) {
      return "access denied";
    } else if (e instanceof CharacterCodingException) {
      return "not valid UTF-8 text";
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  /** A {@link ManifestException} for a file that cannot be read. */
  static ManifestException cannotRead(Path path, IOException e) {
    return new ManifestException(path.toString(), "cannot read: " + describe(e), e);
  }

  /** The file name of {@code p} without its extension ({@code "a/b.wav"} → {@code "b"}). */
  static String baseName(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    String name = fileName.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /**
   * Resolves a path written in a manifest against the manifest's directory, normalised.
   *
   * @throws ManifestException (at file:line, column) when the text is not a valid path
   */
  static Path resolve(Path dir, String text, String file, long line, String column) {
    try {
      return dir.resolve(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw ManifestException.at(file, line, column, "not a valid path: " + e.getReason());
    }
  }

  private static final java.util.regex.Pattern DECIMAL =
      java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** True when {@code s} is a plain decimal number such as {@code -1.5e3} (no NaN, hex, suffix). */
  static boolean isDecimal(String s) {
    return DECIMAL.matcher(s).matches();
  }

  /** The absolute, normalised directory holding {@code file}. */
  static Path dirOf(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    return parent == null ? abs.getRoot() : parent;
  }
}
