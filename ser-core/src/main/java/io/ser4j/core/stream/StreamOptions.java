package io.ser4j.core.stream;

import java.util.Objects;

/**
 * Settings of a {@link StreamingAnalyzer}: sliding windows of {@link #windowSeconds()} every {@link
 * #hopSeconds()}, an exponentially smoothed running distribution with time constant {@link
 * #smoothingSeconds()}, and utterance segmentation by voice activity ({@link #vad()}). Immutable;
 * build with {@link #builder()}.
 *
 * @param windowSeconds window length in seconds (0.25 to 60)
 * @param hopSeconds distance between window starts in seconds (0 &lt; hop &le; window)
 * @param smoothingSeconds time constant of the running distribution in seconds (0 for none: the
 *     running distribution is then the last window's)
 * @param minSpeechFraction windows with a smaller fraction of active VAD frames are reported as
 *     silence and not recognised (0 recognises every window)
 * @param recognizeSegments also recognise each whole utterance found by the VAD
 * @param vad voice-activity settings
 */
public record StreamOptions(
    double windowSeconds,
    double hopSeconds,
    double smoothingSeconds,
    double minSpeechFraction,
    boolean recognizeSegments,
    VadOptions vad) {

  /** Default window: 2 s (the length of an EmoDB clip; long enough for pitch statistics). */
  public static final double DEFAULT_WINDOW_SECONDS = 2.0;
  /** Default hop: 0.5 s. */
  public static final double DEFAULT_HOP_SECONDS = 0.5;
  /** Default smoothing time constant: 2 s. */
  public static final double DEFAULT_SMOOTHING_SECONDS = 2.0;
  /** Default minimum active fraction of a window: 0.3. */
  public static final double DEFAULT_MIN_SPEECH_FRACTION = 0.3;
  /** Longest accepted window: 60 s. */
  public static final double MAX_WINDOW_SECONDS = 60.0;
  /** Shortest accepted window: 0.25 s. */
  public static final double MIN_WINDOW_SECONDS = 0.25;

  /** The defaults. */
  public static final StreamOptions DEFAULTS = builder().build();

  /**
   * Validates the ranges.
   *
   * @throws IllegalArgumentException naming the field that is out of range
   */
  public StreamOptions {
    Objects.requireNonNull(vad, "vad");
    if (!(windowSeconds >= MIN_WINDOW_SECONDS && windowSeconds <= MAX_WINDOW_SECONDS)) {
      throw new IllegalArgumentException(
          "window must be in [" + MIN_WINDOW_SECONDS + ", " + MAX_WINDOW_SECONDS + "] s, got " + windowSeconds);
    }
    if (!(hopSeconds > 0 && hopSeconds <= windowSeconds)) {
      throw new IllegalArgumentException(
          "hop must be in (0, window=" + windowSeconds + "] s, got " + hopSeconds);
    }
    if (!(smoothingSeconds >= 0) || !Double.isFinite(smoothingSeconds)) {
      throw new IllegalArgumentException("smoothing must be finite and >= 0 s, got " + smoothingSeconds);
    }
    if (!(minSpeechFraction >= 0 && minSpeechFraction <= 1)) {
      throw new IllegalArgumentException("minSpeechFraction must be in [0, 1], got " + minSpeechFraction);
    }
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link StreamOptions}; every setting is optional. Not thread-safe. */
  public static final class Builder {
    private double window = DEFAULT_WINDOW_SECONDS;
    private double hop = DEFAULT_HOP_SECONDS;
    private double smoothing = DEFAULT_SMOOTHING_SECONDS;
    private double minSpeechFraction = DEFAULT_MIN_SPEECH_FRACTION;
    private boolean recognizeSegments = true;
    private VadOptions vad = VadOptions.DEFAULTS;

    private Builder() {}

    /** Window length in seconds. */
    public Builder optWindowSeconds(double seconds) {
      this.window = seconds;
      return this;
    }

    /** Hop between window starts in seconds. */
    public Builder optHopSeconds(double seconds) {
      this.hop = seconds;
      return this;
    }

    /** Smoothing time constant in seconds (0 for none). */
    public Builder optSmoothingSeconds(double seconds) {
      this.smoothing = seconds;
      return this;
    }

    /** Minimum active fraction for a window to be recognised. */
    public Builder optMinSpeechFraction(double fraction) {
      this.minSpeechFraction = fraction;
      return this;
    }

    /** Whether each utterance is recognised as a whole (default true). */
    public Builder optRecognizeSegments(boolean recognize) {
      this.recognizeSegments = recognize;
      return this;
    }

    /** Voice-activity settings. */
    public Builder optVad(VadOptions vad) {
      this.vad = Objects.requireNonNull(vad, "vad");
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException when a value is out of range
     */
    public StreamOptions build() {
      return new StreamOptions(window, hop, smoothing, minSpeechFraction, recognizeSegments, vad);
    }
  }
}
