package io.ser4j.core.stream;

/**
 * Settings of the energy-based {@link VoiceActivityDetector}. A frame is <em>active</em> when its
 * RMS level (dB re full scale) exceeds both the running noise floor plus {@code marginDb} and
 * {@code absoluteThresholdDb}; an utterance starts after {@code minSpeechSeconds} of consecutive
 * active frames and ends after {@code minSilenceSeconds} of consecutive inactive ones. Immutable.
 *
 * @param frameSeconds analysis frame length in seconds (0.005 to 0.1)
 * @param marginDb how far above the noise floor a frame must be to count as speech, in dB (&gt; 0)
 * @param absoluteThresholdDb frames at or below this level (dBFS) are never speech
 * @param floorRiseDbPerSecond how fast the noise-floor estimate rises when frames are louder than
 *     it, in dB per second (it falls at once to a quieter frame), &ge; 0
 * @param minSpeechSeconds active time that starts an utterance, &gt; 0
 * @param minSilenceSeconds inactive time that ends an utterance, &gt; 0
 * @param maxSegmentSeconds an utterance longer than this is cut (bounds memory), &gt; {@code
 *     minSpeechSeconds}
 */
public record VadOptions(
    double frameSeconds,
    double marginDb,
    double absoluteThresholdDb,
    double floorRiseDbPerSecond,
    double minSpeechSeconds,
    double minSilenceSeconds,
    double maxSegmentSeconds) {

  /** Default frame length: 20 ms. */
  public static final double DEFAULT_FRAME_SECONDS = 0.020;
  /** Default margin above the noise floor: 15 dB. */
  public static final double DEFAULT_MARGIN_DB = 15.0;
  /** Default absolute threshold: -60 dBFS (quiet acted speech in RAVDESS sits near -50 dBFS). */
  public static final double DEFAULT_ABSOLUTE_THRESHOLD_DB = -60.0;
  /** Default noise-floor rise: 2 dB/s. */
  public static final double DEFAULT_FLOOR_RISE_DB_PER_SECOND = 2.0;
  /** Default active time to open an utterance: 0.15 s. */
  public static final double DEFAULT_MIN_SPEECH_SECONDS = 0.15;
  /** Default inactive time to close an utterance: 0.5 s (longer than pauses between words). */
  public static final double DEFAULT_MIN_SILENCE_SECONDS = 0.5;
  /** Default longest utterance: 30 s. */
  public static final double DEFAULT_MAX_SEGMENT_SECONDS = 30.0;

  /** The defaults above. */
  public static final VadOptions DEFAULTS =
      new VadOptions(
          DEFAULT_FRAME_SECONDS, DEFAULT_MARGIN_DB, DEFAULT_ABSOLUTE_THRESHOLD_DB,
          DEFAULT_FLOOR_RISE_DB_PER_SECOND, DEFAULT_MIN_SPEECH_SECONDS, DEFAULT_MIN_SILENCE_SECONDS,
          DEFAULT_MAX_SEGMENT_SECONDS);

  /**
   * Validates the ranges.
   *
   * @throws IllegalArgumentException naming the field that is out of range
   */
  public VadOptions {
    check(frameSeconds >= 0.005 && frameSeconds <= 0.1, "frameSeconds must be in [0.005, 0.1]", frameSeconds);
    check(marginDb > 0 && Double.isFinite(marginDb), "marginDb must be > 0", marginDb);
    check(Double.isFinite(absoluteThresholdDb) && absoluteThresholdDb < 0,
        "absoluteThresholdDb must be finite and < 0 dBFS", absoluteThresholdDb);
    check(floorRiseDbPerSecond >= 0 && Double.isFinite(floorRiseDbPerSecond),
        "floorRiseDbPerSecond must be >= 0", floorRiseDbPerSecond);
    check(minSpeechSeconds > 0 && Double.isFinite(minSpeechSeconds), "minSpeechSeconds must be > 0", minSpeechSeconds);
    check(minSilenceSeconds > 0 && Double.isFinite(minSilenceSeconds), "minSilenceSeconds must be > 0", minSilenceSeconds);
    check(maxSegmentSeconds > minSpeechSeconds && Double.isFinite(maxSegmentSeconds),
        "maxSegmentSeconds must be finite and > minSpeechSeconds", maxSegmentSeconds);
  }

  private static void check(boolean ok, String what, double value) {
    if (!ok) {
      throw new IllegalArgumentException(what + ", got " + value);
    }
  }

  /** A copy with another minimum silence that closes an utterance. */
  public VadOptions withMinSilenceSeconds(double seconds) {
    return new VadOptions(frameSeconds, marginDb, absoluteThresholdDb, floorRiseDbPerSecond,
        minSpeechSeconds, seconds, maxSegmentSeconds);
  }

  /** A copy with another absolute threshold in dBFS. */
  public VadOptions withAbsoluteThresholdDb(double db) {
    return new VadOptions(frameSeconds, marginDb, db, floorRiseDbPerSecond, minSpeechSeconds,
        minSilenceSeconds, maxSegmentSeconds);
  }
}
