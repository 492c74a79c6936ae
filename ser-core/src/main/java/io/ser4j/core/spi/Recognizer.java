package io.ser4j.core.spi;

import io.ser4j.core.AudioClip;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;

/**
 * A model that recognises the emotion of a clip. Implementations (the acoustic baseline, the
 * SpeechLM, a remote endpoint) are found through {@link RecognizerProvider} and
 * {@link java.util.ServiceLoader}. Implementations must state their thread safety; ser4j's own are
 * safe to share between threads unless their javadoc says otherwise.
 */
public interface Recognizer extends AutoCloseable {
  /** A short name for reports, e.g. {@code "baseline"} or a checkpoint directory. */
  String name();

  /** The labels this model can output. */
  LabelSet labels();

  /**
   * Recognises one clip.
   *
   * @param clip mono audio at any rate (the recognizer resamples as it needs)
   * @param candidates the labels to choose from (a subset of {@link #labels()}), or {@code null}
   *     for all; the returned distribution is over exactly these labels
   * @return the recognition; never {@code null}
   * @throws io.ser4j.core.SerException for bad input (typed subtypes)
   */
  Recognition recognize(AudioClip clip, LabelSet candidates);

  /**
   * Whether {@link #recognize} may be called from several threads at once (default true). The
   * {@link io.ser4j.core.Ser} facade serialises calls to a recognizer that returns false, so that
   * sharing a facade stays safe.
   */
  default boolean isThreadSafe() {
    return true;
  }

  /** Releases native resources; the default does nothing. */
  @Override
  default void close() {}
}
