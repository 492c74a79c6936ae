package io.ser4j.core.corpus;

import io.ser4j.core.Label;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One utterance of a corpus: where its audio is, what was said, who said it, and how it was
 * labelled. Immutable and thread-safe.
 *
 * <p>Labels are open: readers map every corpus to the unified names of {@link
 * io.ser4j.core.LabelSet#UNIFIED} where a unified name exists, and keep other categories (e.g.
 * MSP-Podcast's {@code contempt} and {@code other}) as labels of their own.
 *
 * @param id identifier, unique within its corpus (usually the audio file name without extension)
 * @param audio absolute, normalised path of the audio file; the file may not exist (see {@link
 *     Corpus#checkAudio()})
 * @param transcript what was said; empty when unknown
 * @param speaker speaker identifier; empty when unknown
 * @param majority the consensus label, or {@code null} when there is none (no strict plurality, or
 *     MSP-Podcast's {@code X})
 * @param annotations per-annotator labels, in the corpus's order; may be empty; for single-label
 *     acted corpora it is {@code [majority]}
 * @param dimensions dimensional ratings such as {@code arousal}, {@code valence}, {@code dominance}
 *     (finite values; scale as in the source corpus), sorted by name; may be empty
 * @param split the corpus's own partition name (e.g. {@code "Train"}); empty when none
 * @param corpus name of the corpus the utterance comes from (e.g. {@code "emodb"})
 * @param meta further per-utterance metadata from the source (e.g. {@code sex}, {@code intensity}),
 *     sorted by key; may be empty
 */
public record Utterance(
    String id,
    Path audio,
    String transcript,
    String speaker,
    Label majority,
    List<Label> annotations,
    Map<String, Double> dimensions,
    String split,
    String corpus,
    Map<String, String> meta) {

  /**
   * Validates and copies.
   *
   * @throws NullPointerException when a component other than {@code majority} is null
   * @throws IllegalArgumentException when {@code id} is blank or a dimension is not finite
   */
  public Utterance {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("utterance id must not be blank");
    }
    Objects.requireNonNull(audio, "audio");
    audio = audio.toAbsolutePath().normalize();
    Objects.requireNonNull(transcript, "transcript");
    Objects.requireNonNull(speaker, "speaker");
    annotations = List.copyOf(annotations);
    SortedMap<String, Double> dims = new TreeMap<>();
    for (Map.Entry<String, Double> e : dimensions.entrySet()) {
      double v = Objects.requireNonNull(e.getValue(), "dimension " + e.getKey());
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("dimension " + e.getKey() + " is not finite: " + v);
      }
      dims.put(Objects.requireNonNull(e.getKey(), "dimension name"), v);
    }
    dimensions = Collections.unmodifiableSortedMap(dims);
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(corpus, "corpus");
    meta = Collections.unmodifiableSortedMap(new TreeMap<>(meta));
    for (Map.Entry<String, String> e : meta.entrySet()) {
      Objects.requireNonNull(e.getValue(), "meta " + e.getKey());
    }
  }

  /**
   * A single-label utterance (acted corpora): {@code annotations = [label]}, no dimensions, no
   * split, no metadata.
   */
  public static Utterance of(
      String id, Path audio, String transcript, String speaker, Label label, String corpus) {
    return new Utterance(
        id,
        audio,
        transcript,
        speaker,
        label,
        label == null ? List.of() : List.of(label),
        Map.of(),
        "",
        corpus,
        Map.of());
  }

  /** The majority label, if any. */
  public Optional<Label> majorityLabel() {
    return Optional.ofNullable(majority);
  }

  /** True when the audio file exists and is a regular file (checked now, on every call). */
  public boolean audioExists() {
    return Files.isRegularFile(audio);
  }

  /** A copy with another split. */
  public Utterance withSplit(String newSplit) {
    return new Utterance(
        id, audio, transcript, speaker, majority, annotations, dimensions, newSplit, corpus, meta);
  }

  /**
   * The strict plurality of {@code labels}: the label chosen more often than every other one, or
   * {@code null} when the list is empty or the top count is tied.
   */
  public static Label plurality(List<Label> labels) {
    Map<Label, Integer> counts = new HashMap<>();
    for (Label l : labels) {
      counts.merge(l, 1, Integer::sum);
    }
    Label best = null;
    int bestCount = 0;
    boolean tie = false;
    for (Map.Entry<Label, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
        tie = false;
      } else if (e.getValue() == bestCount) {
        tie = true;
      }
    }
    return tie ? null : best;
  }
}
