package io.ser4j.metrics;

import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.ManifestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One scored utterance: what the system predicted and what the annotators said. Immutable and
 * thread-safe.
 *
 * <p>Build with {@link #of(String, String, List)} and add the optional parts fluently:
 *
 * <pre>{@code
 * EvaluationItem item = EvaluationItem.of("1001_DFA_ANG_XX", "anger", List.of("anger", "anger", "fear"))
 *     .withDistribution(distribution)
 *     .withSpeaker("1001");
 * }</pre>
 *
 * <p>The canonical constructor throws {@link ManifestException} (naming the item id) if {@code id}
 * is blank, the prediction is missing, or the annotations are missing, empty or hold a null.
 *
 * @param id identifier used in error messages and to pair two systems' items; not blank
 * @param prediction the system's label
 * @param annotations one label per annotator vote, at least one
 * @param majority the consensus label when the corpus gives one, else {@code null} (then the strict
 *     plurality of {@code annotations} is used)
 * @param distribution the system's probability distribution, or {@code null} (soft metrics skip the
 *     item)
 * @param speaker the speaker, for speaker-stratified bootstrap, or {@code null}
 */
public record EvaluationItem(
    String id,
    Label prediction,
    List<Label> annotations,
    Label majority,
    LabelDistribution distribution,
    String speaker) {

  /** Validates and copies the annotations. */
  public EvaluationItem {
    if (id == null || id.isBlank()) {
      throw new ManifestException("item", "an evaluation item needs a non-blank id");
    }
    if (prediction == null) {
      throw new ManifestException(id, "the item has no prediction");
    }
    if (annotations == null || annotations.isEmpty()) {
      throw new ManifestException(id, "the item has no annotations (at least one is needed)");
    }
    for (Label a : annotations) {
      if (a == null) {
        throw new ManifestException(id, "the item has a null annotation");
      }
    }
    annotations = List.copyOf(annotations);
  }

  /**
   * An item from a prediction and annotator labels.
   *
   * @throws ManifestException if a part is missing or blank
   */
  public static EvaluationItem of(String id, Label prediction, List<Label> annotations) {
    return new EvaluationItem(id, prediction, annotations, null, null, null);
  }

  /**
   * An item from label names (normalised as {@link Label} does).
   *
   * @throws ManifestException if a part is missing or a name is blank
   */
  public static EvaluationItem of(String id, String prediction, List<String> annotations) {
    if (prediction == null || prediction.isBlank()) {
      throw new ManifestException(id == null ? "item" : id, "the item has no prediction");
    }
    if (annotations == null) {
      throw new ManifestException(id == null ? "item" : id, "the item has no annotations");
    }
    List<Label> labels = new ArrayList<>(annotations.size());
    for (String a : annotations) {
      if (a == null || a.isBlank()) {
        throw new ManifestException(id == null ? "item" : id, "the item has a blank annotation");
      }
      labels.add(Label.of(a));
    }
    return new EvaluationItem(id, Label.of(prediction), labels, null, null, null);
  }

  /** This item with the given consensus label (overrides the plurality of the annotations). */
  public EvaluationItem withMajority(Label majority) {
    return new EvaluationItem(id, prediction, annotations, majority, distribution, speaker);
  }

  /** This item with the system's probability distribution (enables soft metrics). */
  public EvaluationItem withDistribution(LabelDistribution distribution) {
    return new EvaluationItem(id, prediction, annotations, majority, distribution, speaker);
  }

  /** This item with a speaker id (for speaker-stratified bootstrap). */
  public EvaluationItem withSpeaker(String speaker) {
    return new EvaluationItem(id, prediction, annotations, majority, distribution, speaker);
  }

  /** The given consensus label, if any. */
  public Optional<Label> givenMajority() {
    return Optional.ofNullable(majority);
  }

  /** The prediction distribution, if any. */
  public Optional<LabelDistribution> predictionDistribution() {
    return Optional.ofNullable(distribution);
  }

  /** The speaker, if any. */
  public Optional<String> speakerId() {
    return Optional.ofNullable(speaker);
  }

  /**
   * The reference label for majority-based metrics: the given majority, else the strict plurality
   * of the annotations (a label with more votes than every other), else empty (a tie).
   */
  public Optional<Label> referenceMajority() {
    if (majority != null) {
      return Optional.of(majority);
    }
    return Optional.ofNullable(strictPlurality(annotations));
  }

  /** The label with strictly more votes than every other label, or {@code null} on a tie. */
  static Label strictPlurality(List<Label> annotations) {
    java.util.Map<Label, Integer> counts = new java.util.HashMap<>();
    for (Label a : annotations) {
      counts.merge(a, 1, Integer::sum);
    }
    Label best = null;
    int bestCount = 0;
    int winners = 0;
    for (java.util.Map.Entry<Label, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
        winners = 1;
      } else if (e.getValue() == bestCount) {
        winners++;
      }
    }
    return winners == 1 ? best : null;
  }
}
