package io.ser4j.core.stream;

import io.ser4j.core.AudioClip;
import io.ser4j.core.Recognition;

/** Recognises one clip (a window or an utterance of a stream); {@link io.ser4j.core.Ser#analyze(AudioClip)} is one. */
@FunctionalInterface
public interface ClipRecognizer {
  /**
   * Recognises {@code clip}.
   *
   * @throws io.ser4j.core.SerException for bad input or a failing model
   */
  Recognition recognize(AudioClip clip);
}
