package io.ser4j.core;

import java.util.Optional;

/**
 * The outcome of one batch item: its recognition, or the typed error that stopped it (a bad file
 * never aborts the batch). Immutable.
 *
 * @param index the item's position in the input list
 * @param input the item's name ({@link AudioInput#id()})
 * @param recognition the result, or {@code null} when the item failed or was cancelled
 * @param error why it failed ({@link AnalysisCancelledException} when cancelled), or {@code null}
 */
public record BatchResult(int index, String input, Recognition recognition, SerException error) {
  /**
   * Checks that exactly one of {@code recognition} and {@code error} is set.
   *
   * @throws IllegalArgumentException otherwise
   */
  public BatchResult {
    if ((recognition == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of recognition and error must be set");
    }
  }

  /** True when the item was recognised. */
  public boolean isOk() {
    return recognition != null;
  }

  /** True when the item was skipped because the batch was cancelled. */
  public boolean isCancelled() {
    return error instanceof AnalysisCancelledException;
  }

  /** The recognition, when there is one. */
  public Optional<Recognition> recognitionIfAny() {
    return Optional.ofNullable(recognition);
  }

  /**
   * The recognition.
   *
   * @throws SerException the item's error when it failed
   */
  public Recognition recognitionOrThrow() {
    if (error != null) {
      throw error;
    }
    return recognition;
  }
}
