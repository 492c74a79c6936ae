package io.ser4j.rationale;

import io.ser4j.core.Cue;
import java.util.Objects;

/**
 * One measured cue relative to its reference norm.
 *
 * @param cue the cue
 * @param value the measured value (NaN when undefined)
 * @param z {@code (value - mean) / sd} of the reference, NaN when undefined
 * @param level the categorical level of {@code z} ({@link CueLevel#of(double)})
 * @param reference which norm was used, e.g. {@code "speaker 03"} or {@code "corpus"}
 */
public record RelativeCue(Cue cue, double value, double z, CueLevel level, String reference) {
  /** Validates. */
  public RelativeCue {
    Objects.requireNonNull(cue, "cue");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(reference, "reference");
  }
}
