package io.ser4j.rationale;

import io.ser4j.core.TeacherException;

/**
 * Writes a rationale for one utterance's label. Offline teachers ({@link CueGroundedTeacher}) and
 * LLM teachers share this interface. Implementations state their thread-safety.
 */
public interface Teacher {
  /** Name and prompt/template version (part of every stored rationale's key). */
  TeacherInfo info();

  /**
   * Explains {@code in.label()}.
   *
   * @throws TeacherException when no rationale can be produced (no label, endpoint failure, reply
   *     that fails validation)
   */
  Rationale teach(TeachingInput in);
}
