package io.ser4j.rationale.train;

import io.ser4j.core.SerException;

/**
 * Fine-tuning cannot run or continue: a resume that does not match its checkpoints, a non-finite
 * loss or gradient, an unsupported option on this device.
 */
public class TrainingException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input what the problem concerns (a directory, an option, a step)
   * @param problem what is wrong, in plain words
   */
  public TrainingException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public TrainingException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }
}
