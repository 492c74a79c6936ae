package io.ser4j.core;

/** A corpus manifest or item list that cannot be read: the input names file, line and (when known) column. */
public class ManifestException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   */
  public ManifestException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public ManifestException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }

  /**
   * A problem at a known place in a text manifest.
   *
   * @param file the manifest file
   * @param line 1-based line number
   * @param column the column name or 1-based index, or {@code null} when the whole line is wrong
   * @param problem what is wrong
   * @return the exception, with input {@code "file:line[:column]"}
   */
  public static ManifestException at(String file, long line, String column, String problem) {
    String where = file + ":" + line + (column == null ? "" : " (column " + column + ")");
    return new ManifestException(where, problem);
  }
}
