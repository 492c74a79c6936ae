package io.ser4j.rationale.train;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.StoredRationale;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Fine-tuning examples built from corpora and the rationales of a {@link
 * io.ser4j.rationale.RationaleStore}: each labelled utterance with audio becomes one {@link
 * SftExample}; its rationale is the store's OK record for the utterance (of the chosen teacher, if
 * one is named) whose label equals the utterance's majority label.
 *
 * @param examples the examples, in corpus order
 * @param withoutRationale ids ({@code corpus/id}) of labelled utterances that had no usable
 *     rationale (dropped from rationale training; kept in label-only training)
 * @param unlabelled ids of utterances without a majority label (always dropped)
 */
public record SftDataset(List<SftExample> examples, List<String> withoutRationale, List<String> unlabelled) {
  /** Copies the lists. */
  public SftDataset {
    examples = List.copyOf(examples);
    withoutRationale = List.copyOf(withoutRationale);
    unlabelled = List.copyOf(unlabelled);
  }

  /**
   * Builds the examples.
   *
   * @param corpora the corpora (their names must differ)
   * @param rationales the stores' records (failures are ignored); {@code null} or empty with {@code
   *     labelOnly}
   * @param teacher the teacher whose rationales to use, or {@code null} for any (the latest OK record
   *     per utterance wins)
   * @param labelOnly true: no rationales (transcript + label targets), utterances need no rationale
   * @return the dataset
   * @throws ManifestException when two corpora share a name, a corpus has no labelled utterance, or
   *     (without {@code labelOnly}) no utterance has a rationale
   */
  public static SftDataset build(
      List<Corpus> corpora, Collection<StoredRationale> rationales, String teacher, boolean labelOnly) {
    Objects.requireNonNull(corpora, "corpora");
    Map<String, StoredRationale> byId = new HashMap<>();
    if (rationales != null) {
      for (StoredRationale r : rationales) {
        if (r.status() == StoredRationale.Status.OK
            && (teacher == null || teacher.equals(r.key().teacher()))) {
          byId.put(r.key().utteranceId(), r);
        }
      }
    }
    List<SftExample> out = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> unlabelled = new ArrayList<>();
    Set<String> names = new java.util.HashSet<>();
    for (Corpus c : corpora) {
      String name = corpusName(c);
      if (!names.add(name)) {
        throw new ManifestException(name, "two training corpora share the name '" + name + "'");
      }
      LabelSet labels = c.labels();
      int labelled = 0;
      for (Utterance u : c.utterances()) {
        String key = name + "/" + u.id();
        if (u.majority() == null) {
          unlabelled.add(key);
          continue;
        }
        labelled++;
        Label label = u.majority();
        String rationale = "";
        if (!labelOnly) {
          StoredRationale r = byId.get(u.id());
          if (r == null || !r.label().equals(label.name()) || r.text().isBlank()) {
            missing.add(key);
            continue;
          }
          rationale = r.text().trim();
        }
        out.add(new SftExample(u.id(), name, name + "/" + u.speaker(), u.audio(),
            u.transcript().trim(), label, rationale, labels));
      }
      if (labelled == 0) {
        throw new ManifestException(name, "no utterance has a majority label to train on");
      }
    }
    if (out.isEmpty()) {
      throw new ManifestException(String.valueOf(corpora.stream().map(SftDataset::corpusName).toList()),
          labelOnly ? "no labelled utterances" : "no utterance has a rationale in the store"
              + (teacher == null ? "" : " from teacher '" + teacher + "'") + "; run 'ser teach' first");
    }
    return new SftDataset(out, missing, unlabelled);
  }

  /** The corpus's name as used in example keys (its {@link Corpus#name()}, lower case). */
  static String corpusName(Corpus c) {
    return c.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The examples whose speaker is in {@code speakers} (keys as in {@link SftExample#speaker()}). */
  public List<SftExample> ofSpeakers(Set<String> speakers) {
    return examples.stream().filter(e -> speakers.contains(e.speaker())).toList();
  }
}
