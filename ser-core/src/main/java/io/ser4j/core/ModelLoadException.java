package io.ser4j.core;

/** A model or checkpoint that cannot be loaded: missing or corrupt file, wrong tensor shape or dtype, unknown architecture. */
public class ModelLoadException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   */
  public ModelLoadException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public ModelLoadException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }
}
