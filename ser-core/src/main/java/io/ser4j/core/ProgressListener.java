package io.ser4j.core;

/**
 * Receives progress of long-running work (decoding a corpus, teaching, training, evaluating).
 * Library code never writes progress to the console; the CLI turns these calls into a progress bar.
 * Implementations must be thread-safe when passed to multi-threaded work and should return quickly.
 */
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /**
   * Work starts.
   *
   * @param task short name of the work, e.g. {@code "features"}
   * @param totalUnits number of units (clips, steps), or -1 when unknown
   */
  default void onStart(String task, long totalUnits) {}

  /**
   * Progress was made.
   *
   * @param doneUnits units completed so far
   * @param totalUnits total units, or -1 when unknown
   * @param message optional short status (e.g. {@code "loss 1.23"}), may be empty
   */
  default void onProgress(long doneUnits, long totalUnits, String message) {}

  /** Work finished (successfully or not). */
  default void onFinish() {}
}
