package io.ser4j.core;

/** A label that is not in the label set in use. */
public class UnknownLabelException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   */
  public UnknownLabelException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public UnknownLabelException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }
}
