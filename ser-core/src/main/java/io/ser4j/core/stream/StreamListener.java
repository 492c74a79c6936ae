package io.ser4j.core.stream;

/**
 * Receives a stream's results as they are produced, on the thread that feeds the stream. Methods
 * should return quickly (the stream waits).
 */
public interface StreamListener {
  /** A listener that ignores everything. */
  StreamListener NONE = new StreamListener() {};

  /** A window was analysed (in time order). */
  default void onWindow(WindowResult window) {}

  /** An utterance ended (in time order). */
  default void onSegment(SpeechSegment segment) {}
}
