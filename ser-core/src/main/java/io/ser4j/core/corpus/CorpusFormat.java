package io.ser4j.core.corpus;

/**
 * The corpus layouts {@link Corpora#autodetect(java.nio.file.Path)} recognises. Immutable;
 * thread-safe.
 */
public enum CorpusFormat {
  /** ser4j's JSONL manifest: a {@code *.jsonl} file. */
  JSONL("ser4j JSONL manifest (*.jsonl)"),
  /** EmoDB: a {@code manifest.csv} with {@code file} and {@code emotion} columns and EmoDB file names, or a folder of EmoDB-named .wav files. */
  EMODB("EmoDB (manifest.csv with file names like 03a01Fa.wav, or a folder of such .wav files)"),
  /** RAVDESS: as EmoDB, with file names like {@code 03-01-05-01-02-01-12.wav}. */
  RAVDESS(
      "RAVDESS (manifest.csv with file names like 03-01-05-01-02-01-12.wav, or a folder of such"
          + " .wav files)"),
  /** CREMA-D: a folder holding {@code tabulatedVotes.csv} (read as voice-only ratings). */
  CREMA_D("CREMA-D (a folder with tabulatedVotes.csv; voice-only ratings)"),
  /** MSP-Podcast: a folder holding {@code labels_consensus.csv}, or its parent with {@code Labels/}. */
  MSP_PODCAST("MSP-Podcast (Labels/labels_consensus.csv, optional labels_detailed.csv)");

  private final String description;

  CorpusFormat(String description) {
    this.description = description;
  }

  /** What the format looks like on disk, for error messages and help texts. */
  public String description() {
    return description;
  }
}
