package io.ser4j.rationale;

import java.util.Objects;

/**
 * Identifies a teacher and the version of its prompt or templates; both are part of every stored
 * rationale's key, so changing a template means bumping the version.
 *
 * @param name teacher name, e.g. {@code "cue-grounded"}
 * @param version prompt/template version, e.g. {@code "cue-grounded-v1"}
 */
public record TeacherInfo(String name, String version) {
  /** Validates: both non-blank. */
  public TeacherInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    if (name.isBlank() || version.isBlank()) {
      throw new IllegalArgumentException("teacher name and version must not be blank");
    }
  }
}
