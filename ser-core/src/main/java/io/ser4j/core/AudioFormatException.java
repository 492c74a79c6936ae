package io.ser4j.core;

/** Audio that cannot be decoded or analysed: unreadable, truncated, corrupt, unsupported encoding, NaN/Inf samples. */
public class AudioFormatException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   */
  public AudioFormatException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public AudioFormatException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }
}
