package io.ser4j.rationale.train;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One supervised fine-tuning example: a clip, what was said, its label, the rationale that explains
 * the label, and the candidate labels of its corpus.
 *
 * @param id utterance id (unique within {@code corpus})
 * @param corpus the corpus name, e.g. {@code "emodb"}
 * @param speaker the speaker, prefixed with the corpus name ({@code "emodb/03"}) so that speakers of
 *     different corpora never collide
 * @param audio the audio file
 * @param transcript what was said (may be empty)
 * @param label the majority label
 * @param rationale the teacher's rationale; empty for label-only examples
 * @param corpusLabels the labels of the example's corpus (offered in the prompt's {@code Labels:}
 *     line on some epochs)
 */
public record SftExample(
    String id,
    String corpus,
    String speaker,
    Path audio,
    String transcript,
    Label label,
    String rationale,
    LabelSet corpusLabels) {
  /** Validates. */
  public SftExample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(corpus, "corpus");
    Objects.requireNonNull(speaker, "speaker");
    Objects.requireNonNull(audio, "audio");
    Objects.requireNonNull(transcript, "transcript");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(rationale, "rationale");
    Objects.requireNonNull(corpusLabels, "corpusLabels");
  }

  /** A key unique across corpora: {@code corpus/id}. */
  public String key() {
    return corpus + "/" + id;
  }

  /** This example without its rationale (for label-only fine-tuning). */
  public SftExample withoutRationale() {
    return new SftExample(id, corpus, speaker, audio, transcript, label, "", corpusLabels);
  }
}
