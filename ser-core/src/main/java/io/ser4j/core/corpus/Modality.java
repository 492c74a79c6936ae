package io.ser4j.core.corpus;

/**
 * The presentation under which CREMA-D's crowd raters judged a clip: the first digit of the row id
 * in {@code tabulatedVotes.csv}, and the column prefix in {@code summaryTable.csv}. Immutable;
 * thread-safe.
 */
public enum Modality {
  /** Raters heard the audio only (row ids starting with 1). The one that matters for speech. */
  VOICE('1', "Voice"),
  /** Raters saw the video without sound (row ids starting with 2). */
  FACE('2', "Face"),
  /** Raters saw and heard the clip (row ids starting with 3). */
  AUDIO_VISUAL('3', "MultiModal");

  private final char digit;
  private final String summaryPrefix;

  Modality(char digit, String summaryPrefix) {
    this.digit = digit;
    this.summaryPrefix = summaryPrefix;
  }

  /** The first digit of this modality's row ids in {@code tabulatedVotes.csv}. */
  public char rowIdDigit() {
    return digit;
  }

  /** The column prefix in {@code summaryTable.csv} ({@code Voice}, {@code Face}, {@code MultiModal}). */
  public String summaryPrefix() {
    return summaryPrefix;
  }
}
