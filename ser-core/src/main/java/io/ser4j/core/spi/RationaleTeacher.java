package io.ser4j.core.spi;

import io.ser4j.core.AudioClip;
import io.ser4j.core.Recognition;
import io.ser4j.core.TeacherException;

/**
 * Writes a rationale for a recognition: why the clip carries the recognised label, grounded in its
 * cues (and words, when there is a transcript). Created by a {@link TeacherProvider}; the facade
 * calls it when the recognizer returned no rationale of its own. Implementations state their
 * thread safety; the facade serialises calls to one whose {@link #isThreadSafe()} is false.
 */
public interface RationaleTeacher extends AutoCloseable {
  /** Name and version, e.g. {@code "cue-grounded-v1"}. */
  String name();

  /**
   * Explains {@code recognition.label()}.
   *
   * @param clip the analysed audio (mono, its source rate)
   * @param recognition the recognizer's result; has a label
   * @return the rationale text, never {@code null}
   * @throws TeacherException when no rationale can be produced
   */
  String explain(AudioClip clip, Recognition recognition);

  /** Whether {@link #explain} may be called from several threads at once (default true). */
  default boolean isThreadSafe() {
    return true;
  }

  /** Releases resources (connections); the default does nothing. */
  @Override
  default void close() {}
}
