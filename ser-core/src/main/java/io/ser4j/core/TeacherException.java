package io.ser4j.core;

/** A rationale teacher that failed: endpoint unreachable, malformed reply, validation failure after retries. */
public class TeacherException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   */
  public TeacherException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public TeacherException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }
}
