package io.ser4j.rationale;

import io.ser4j.core.Cue;
import java.util.List;

/**
 * What an acoustic claim in a rationale is about, and the measured cues that back it (see {@code
 * docs/rationales.md} for the verdict rules).
 */
public enum Aspect {
  /** Pitch level ("high pitch"), backed by {@link Cue#F0_MEAN_HZ}. */
  PITCH_LEVEL(List.of(Cue.F0_MEAN_HZ)),
  /** Pitch range/variability ("wide pitch range", "monotone"), backed by {@link Cue#F0_SD_SEMITONES}. */
  PITCH_RANGE(List.of(Cue.F0_SD_SEMITONES)),
  /** Pitch contour ("rising intonation"; HIGH = rising), backed by {@link Cue#F0_SLOPE_SEMITONES_PER_S}. */
  PITCH_CONTOUR(List.of(Cue.F0_SLOPE_SEMITONES_PER_S)),
  /** Loudness ("loud", "quiet"), backed by {@link Cue#INTENSITY_MEAN_DB}. */
  LOUDNESS(List.of(Cue.INTENSITY_MEAN_DB)),
  /** Speaking rate ("fast", "slow"), backed by {@link Cue#SPEECH_RATE_SYLLABLES_PER_S}. */
  SPEECH_RATE(List.of(Cue.SPEECH_RATE_SYLLABLES_PER_S)),
  /** Pauses ("long pauses", "hesitant", "fluent"), backed by {@link Cue#PAUSE_FRACTION}. */
  PAUSES(List.of(Cue.PAUSE_FRACTION)),
  /** Breathy voice; proxy: low {@link Cue#HNR_DB}. */
  BREATHY(List.of(Cue.HNR_DB)),
  /**
   * Tense/pressed voice; proxies: low {@link Cue#HAMMARBERG_INDEX_DB} and low {@link
   * Cue#ALPHA_RATIO_DB} (flatter spectral tilt).
   */
  TENSE(List.of(Cue.HAMMARBERG_INDEX_DB, Cue.ALPHA_RATIO_DB)),
  /** Creaky voice; proxies: low {@link Cue#F0_MEAN_HZ} and high {@link Cue#JITTER_LOCAL}. */
  CREAKY(List.of(Cue.F0_MEAN_HZ, Cue.JITTER_LOCAL)),
  /** Trembling/shaky voice; proxies: high {@link Cue#JITTER_LOCAL} and {@link Cue#SHIMMER_LOCAL}. */
  TREMBLING(List.of(Cue.JITTER_LOCAL, Cue.SHIMMER_LOCAL));

  private final List<Cue> backing;

  Aspect(List<Cue> backing) {
    this.backing = backing;
  }

  /** The measured cues this aspect is checked against. */
  public List<Cue> backingCues() {
    return backing;
  }

  /** True for the voice-quality aspects, which are checked through proxies. */
  public boolean isVoiceQuality() {
    return this == BREATHY || this == TENSE || this == CREAKY || this == TREMBLING;
  }
}
