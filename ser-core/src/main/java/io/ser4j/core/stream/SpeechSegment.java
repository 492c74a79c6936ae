package io.ser4j.core.stream;

import io.ser4j.core.Recognition;
import java.util.Optional;

/**
 * One utterance found by voice activity detection. Immutable.
 *
 * @param index 0-based segment number
 * @param startSeconds start, seconds from the start of the stream
 * @param endSeconds end, seconds from the start of the stream
 * @param recognition the recognition of the whole utterance, or {@code null} when segments are
 *     not recognised ({@link StreamOptions#recognizeSegments()})
 */
public record SpeechSegment(int index, double startSeconds, double endSeconds, Recognition recognition) {
  /** Length in seconds. */
  public double durationSeconds() {
    return endSeconds - startSeconds;
  }

  /** The recognition, when segments are recognised. */
  public Optional<Recognition> recognitionIfAny() {
    return Optional.ofNullable(recognition);
  }
}
