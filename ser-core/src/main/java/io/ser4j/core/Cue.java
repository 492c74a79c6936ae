package io.ser4j.core;

/**
 * The acoustic cues ser4j measures and rationales cite. Each constant carries its stable JSON key
 * (GUIDE §7: never renamed), its unit and a one-line definition; the full definitions, with the
 * algorithms and their references, are in {@code ser-audio}'s {@code CueExtractor} javadoc and
 * {@code docs/cues.md}.
 */
public enum Cue {
  /** Mean F0 over voiced frames. */
  F0_MEAN_HZ("f0_mean_hz", "Hz", "mean fundamental frequency over voiced 10 ms frames"),
  /** Median F0 over voiced frames. */
  F0_MEDIAN_HZ("f0_median_hz", "Hz", "median fundamental frequency over voiced frames"),
  /** Minimum F0 over voiced frames. */
  F0_MIN_HZ("f0_min_hz", "Hz", "lowest fundamental frequency over voiced frames"),
  /** Maximum F0 over voiced frames. */
  F0_MAX_HZ("f0_max_hz", "Hz", "highest fundamental frequency over voiced frames"),
  /** Standard deviation of F0 in semitones. */
  F0_SD_SEMITONES(
      "f0_sd_semitones", "st", "standard deviation of F0 over voiced frames, in semitones re 1 Hz"),
  /** Slope of the F0 contour. */
  F0_SLOPE_SEMITONES_PER_S(
      "f0_slope_semitones_per_s",
      "st/s",
      "least-squares slope of F0 (semitones) against time over voiced frames"),
  /** Share of analysis frames that are voiced. */
  VOICED_FRACTION("voiced_fraction", "", "voiced 10 ms frames / all frames"),
  /** Mean intensity. */
  INTENSITY_MEAN_DB(
      "intensity_mean_db",
      "dB",
      "mean of 10 ms frame intensities in dB re 2e-5 Pa (samples read as Pa, Praat convention;"
          + " a full-scale sine reads 91 dB) over non-silent frames"),
  /** Intensity range. */
  INTENSITY_RANGE_DB(
      "intensity_range_db", "dB", "95th minus 5th percentile of the intensity contour"),
  /** Local jitter. */
  JITTER_LOCAL(
      "jitter_local", "", "mean absolute difference of consecutive periods / mean period (fraction)"),
  /** Local shimmer. */
  SHIMMER_LOCAL(
      "shimmer_local",
      "",
      "mean absolute difference of consecutive period peak amplitudes / mean amplitude (fraction)"),
  /** Harmonics-to-noise ratio. */
  HNR_DB("hnr_db", "dB", "mean harmonics-to-noise ratio over voiced frames (cross-correlation)"),
  /** Speaking rate. */
  SPEECH_RATE_SYLLABLES_PER_S(
      "speech_rate_syllables_per_s", "1/s", "syllable nuclei per second of clip (de Jong & Wempe)"),
  /** Share of the clip in pauses. */
  PAUSE_FRACTION(
      "pause_fraction", "", "share of time between first and last speech in silent pauses"),
  /** Spectral slope 0-500 Hz. */
  SPECTRAL_SLOPE_0_500(
      "spectral_slope_0_500",
      "dB/Hz",
      "mean over voiced frames of the regression slope of the log power spectrum, 0-500 Hz"),
  /** Spectral slope 500-1500 Hz. */
  SPECTRAL_SLOPE_500_1500(
      "spectral_slope_500_1500",
      "dB/Hz",
      "mean over voiced frames of the regression slope of the log power spectrum, 500-1500 Hz"),
  /** Alpha ratio. */
  ALPHA_RATIO_DB(
      "alpha_ratio_db", "dB", "energy 50-1000 Hz over energy 1-5 kHz of voiced frames, in dB"),
  /** Hammarberg index. */
  HAMMARBERG_INDEX_DB(
      "hammarberg_index_db", "dB", "peak energy 0-2 kHz over peak energy 2-5 kHz of voiced frames");

  private final String key;
  private final String unit;
  private final String definition;

  Cue(String key, String unit, String definition) {
    this.key = key;
    this.unit = unit;
    this.definition = definition;
  }

  /** The stable JSON key, e.g. {@code "f0_mean_hz"}. */
  public String key() {
    return key;
  }

  /** The unit ({@code ""} for fractions and ratios). */
  public String unit() {
    return unit;
  }

  /** A one-line definition. */
  public String definition() {
    return definition;
  }
}
