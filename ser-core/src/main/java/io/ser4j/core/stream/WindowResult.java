package io.ser4j.core.stream;

import io.ser4j.core.LabelDistribution;
import io.ser4j.core.Recognition;
import java.util.Optional;

/**
 * One sliding window of a stream. Immutable.
 *
 * @param index 0-based window number
 * @param startSeconds window start, seconds from the start of the stream
 * @param endSeconds window end, seconds from the start of the stream
 * @param speechFraction fraction of the window's VAD frames that were active, in [0, 1]
 * @param recognition the window's recognition, or {@code null} when the window was silence
 *     (speech fraction below {@link StreamOptions#minSpeechFraction()})
 * @param smoothed the running distribution after this window (exponentially smoothed over the
 *     speech windows so far), or {@code null} before the first speech window
 */
public record WindowResult(
    int index,
    double startSeconds,
    double endSeconds,
    double speechFraction,
    Recognition recognition,
    LabelDistribution smoothed) {

  /** True when the window was recognised (it held enough speech). */
  public boolean isSpeech() {
    return recognition != null;
  }

  /** The recognition, when the window held speech. */
  public Optional<Recognition> recognitionIfAny() {
    return Optional.ofNullable(recognition);
  }
}
