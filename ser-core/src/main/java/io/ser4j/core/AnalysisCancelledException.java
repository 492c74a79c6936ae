package io.ser4j.core;

/** An item of a batch that was not analysed because the batch was cancelled. */
public class AnalysisCancelledException extends SerException {
  private static final long serialVersionUID = 1L;

  /** @param input the item that was skipped */
  public AnalysisCancelledException(String input) {
    super(input, "cancelled before it was analysed");
  }
}
