package io.ser4j.rationale;

import io.ser4j.core.SerException;

/** A rationale store or norms file that cannot be read or written (I/O error, malformed record). */
public class RationaleStoreException extends SerException {
  private static final long serialVersionUID = 1L;

  /**
   * @param input the file (and line) concerned
   * @param problem what is wrong, in plain words
   */
  public RationaleStoreException(String input, String problem) {
    super(input, problem);
  }

  /**
   * @param input the file (and line) concerned
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception
   */
  public RationaleStoreException(String input, String problem, Throwable cause) {
    super(input, problem, cause);
  }
}
