package io.ser4j.core.corpus;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which columns of a generic CSV file (with a header row) hold which utterance field, for {@link
 * Corpora#readCsv(java.nio.file.Path, ColumnMapping)}. Column names are compared with the header
 * after trimming. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * @param corpusName name of the resulting corpus and of each utterance's corpus
 * @param audio column of the audio path (relative to the CSV's directory, or absolute); required
 * @param id column of the id, or {@code null} to use the audio file name without extension
 * @param transcript column of the transcript, or {@code null}
 * @param speaker column of the speaker, or {@code null}
 * @param label column of the majority label, or {@code null}; an empty cell means no majority
 * @param annotations column of the per-annotator labels joined by {@code annotationSeparator}, or
 *     {@code null}
 * @param annotationSeparator separator inside the annotations cell (default {@code ";"})
 * @param split column of the split name, or {@code null}
 * @param dimensions dimension name → column (e.g. {@code arousal → "act"}); may be empty
 * @param labelNames raw label (lower-cased) → label name to use (e.g. {@code "ang" → "anger"});
 *     when non-empty every raw label must be in it; when empty labels are used as written
 * @param otherColumnsAsMeta whether unmapped columns go into {@link Utterance#meta()}
 */
public record ColumnMapping(
    String corpusName,
    String audio,
    String id,
    String transcript,
    String speaker,
    String label,
    String annotations,
    String annotationSeparator,
    String split,
    Map<String, String> dimensions,
    Map<String, String> labelNames,
    boolean otherColumnsAsMeta) {

  /** Validates and copies; see {@link Builder#build()}. */
  public ColumnMapping {
    Objects.requireNonNull(corpusName, "corpusName");
    Objects.requireNonNull(audio, "audio column");
    if (audio.isBlank()) {
      throw new IllegalArgumentException("the audio column name must not be blank");
    }
    Objects.requireNonNull(annotationSeparator, "annotationSeparator");
    if (annotationSeparator.isEmpty()) {
      throw new IllegalArgumentException("the annotation separator must not be empty");
    }
    dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    Map<String, String> names = new LinkedHashMap<>();
    labelNames.forEach((k, v) -> names.put(k.trim().toLowerCase(Locale.ROOT), v));
    labelNames = Collections.unmodifiableMap(names);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds a {@link ColumnMapping}: {@code set*} is required, {@code opt*} optional. Not
   * thread-safe.
   */
  public static final class Builder {
    private String corpusName = "csv";
    private String audio;
    private String id;
    private String transcript;
    private String speaker;
    private String label;
    private String annotations;
    private String separator = ";";
    private String split;
    private final Map<String, String> dimensions = new LinkedHashMap<>();
    private final Map<String, String> labelNames = new LinkedHashMap<>();
    private boolean meta = true;

    private Builder() {}

    /** The audio path column (required). */
    public Builder setAudio(String column) {
      this.audio = column;
      return this;
    }

    /** The corpus name (default {@code "csv"}). */
    public Builder optCorpusName(String name) {
      this.corpusName = name;
      return this;
    }

    /** The id column (default: audio file name without extension). */
    public Builder optId(String column) {
      this.id = column;
      return this;
    }

    /** The transcript column. */
    public Builder optTranscript(String column) {
      this.transcript = column;
      return this;
    }

    /** The speaker column. */
    public Builder optSpeaker(String column) {
      this.speaker = column;
      return this;
    }

    /** The majority-label column. */
    public Builder optLabel(String column) {
      this.label = column;
      return this;
    }

    /** The per-annotator labels column and the separator between labels in it. */
    public Builder optAnnotations(String column, String separator) {
      this.annotations = column;
      this.separator = separator;
      return this;
    }

    /** The split column. */
    public Builder optSplit(String column) {
      this.split = column;
      return this;
    }

    /** A dimensional rating: {@code name} (e.g. {@code "arousal"}) read from {@code column}. */
    public Builder optDimension(String name, String column) {
      this.dimensions.put(name, column);
      return this;
    }

    /** Renames raw label {@code raw} (case-insensitive) to {@code name}. */
    public Builder optLabelName(String raw, String name) {
      this.labelNames.put(raw, name);
      return this;
    }

    /** Whether unmapped columns go into the metadata map (default true). */
    public Builder optOtherColumnsAsMeta(boolean keep) {
      this.meta = keep;
      return this;
    }

    /**
     * The mapping.
     *
     * @throws IllegalArgumentException when the audio column is missing or the separator is empty
     */
    public ColumnMapping build() {
      if (audio == null) {
        throw new IllegalArgumentException("setAudio(column) is required");
      }
      return new ColumnMapping(
          corpusName, audio, id, transcript, speaker, label, annotations, separator, split,
          dimensions, labelNames, meta);
    }
  }
}
