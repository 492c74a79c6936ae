package io.ser4j.core;

/** A recognizer that failed while analysing an otherwise valid clip. */
public class RecognitionException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   */
  public RecognitionException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public RecognitionException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }
}
