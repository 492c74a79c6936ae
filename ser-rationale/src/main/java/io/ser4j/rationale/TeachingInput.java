package io.ser4j.rationale;

import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.Label;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a teacher may use to explain one utterance's label.
 *
 * @param utteranceId the utterance id (also seeds deterministic teachers)
 * @param transcript what was said; empty when unknown
 * @param speaker speaker id; empty when unknown
 * @param cues the measured cues of the clip
 * @param relative every cue relative to the reference norms ({@link CueNorms#profile})
 * @param label the majority label to explain, or {@code null} when there is none
 * @param annotations every annotator's label (may be empty); labels other than {@code label} are
 *     the minority views a rationale may acknowledge
 */
public record TeachingInput(
    String utteranceId,
    String transcript,
    String speaker,
    Cues cues,
    Map<Cue, RelativeCue> relative,
    Label label,
    List<Label> annotations) {
  /** Validates and copies. */
  public TeachingInput {
    Objects.requireNonNull(utteranceId, "utteranceId");
    Objects.requireNonNull(transcript, "transcript");
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(cues, "cues");
    relative = Collections.unmodifiableMap(new EnumMap<>(relative));
    annotations = List.copyOf(annotations);
  }

  /**
   * The input for one utterance: cues relative to {@code norms} for its speaker.
   *
   * @param u the utterance
   * @param cues its measured cues
   * @param norms the reference norms
   */
  public static TeachingInput of(io.ser4j.core.corpus.Utterance u, Cues cues, CueNorms norms) {
    return new TeachingInput(
        u.id(), u.transcript(), u.speaker(), cues, norms.profile(u.speaker(), cues), u.majority(),
        u.annotations());
  }
}
