package io.ser4j.rationale;

import java.util.Objects;

/**
 * Identifies one stored rationale: one per utterance &times; teacher &times; prompt version.
 *
 * @param utteranceId utterance id
 * @param teacher teacher name
 * @param version prompt/template version
 */
public record RationaleKey(String utteranceId, String teacher, String version) {
  /** Validates: no component null. */
  public RationaleKey {
    Objects.requireNonNull(utteranceId, "utteranceId");
    Objects.requireNonNull(teacher, "teacher");
    Objects.requireNonNull(version, "version");
  }
}
