package io.ser4j.rationale;

import io.ser4j.core.Label;
import java.util.Objects;

/**
 * A teacher's explanation of one utterance's label.
 *
 * @param utteranceId the utterance explained
 * @param text the rationale, free English text
 * @param label the label it explains
 * @param teacher the teacher's name
 * @param version the teacher's prompt/template version
 * @param seed the seed it was generated with (0 for teachers without one)
 */
public record Rationale(
    String utteranceId, String text, Label label, String teacher, String version, long seed) {
  /** Validates. */
  public Rationale {
    Objects.requireNonNull(utteranceId, "utteranceId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(teacher, "teacher");
    Objects.requireNonNull(version, "version");
  }

  /** The store key of this rationale. */
  public RationaleKey key() {
    return new RationaleKey(utteranceId, teacher, version);
  }
}
