package io.ser4j.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a recognizer says about one clip: transcript, label, the distribution over the label set, a
 * rationale, the measured cues and timings. Fields a recognizer does not produce are empty (an
 * acoustic baseline has no transcript; a cue-only run has no label). Immutable.
 *
 * @param sourceId the clip's source (path or stream name)
 * @param model the model's name or checkpoint directory
 * @param transcript what was said; empty when the model does not transcribe
 * @param label the predicted label, or {@code null} when no recognizer ran
 * @param probabilities distribution over the candidate labels, or {@code null}
 * @param rationale why the label was chosen, grounded in cues; empty when not produced
 * @param cues measured acoustic cues, or {@code null} when not measured
 * @param timings where the time went
 */
public record Recognition(
    String sourceId,
    String model,
    String transcript,
    Label label,
    LabelDistribution probabilities,
    String rationale,
    Cues cues,
    Timings timings) {

  /** Normalises null strings to empty. */
  public Recognition {
    Objects.requireNonNull(sourceId, "sourceId");
    model = model == null ? "" : model;
    transcript = transcript == null ? "" : transcript;
    rationale = rationale == null ? "" : rationale;
    timings = timings == null ? Timings.NONE : timings;
  }

  /** The label, when one was predicted. */
  public Optional<Label> labelIfAny() {
    return Optional.ofNullable(label);
  }

  /**
   * Wall-clock durations of the stages of one recognition.
   *
   * @param decode reading and resampling audio
   * @param features cue and feature extraction
   * @param inference the model itself
   */
  public record Timings(Duration decode, Duration features, Duration inference) {
    /** No timings recorded. */
    public static final Timings NONE = new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Total of all stages. */
    public Duration total() {
      return decode.plus(features).plus(inference);
    }
  }
}
