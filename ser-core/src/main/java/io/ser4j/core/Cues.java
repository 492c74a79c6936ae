package io.ser4j.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The acoustic cues measured on one clip: a value for every {@link Cue}, {@link Double#NaN} where the
 * cue is undefined (silence, no voiced frames, a clip shorter than the analysis window), plus the
 * clip's duration, its source sample rate and, optionally, the F0 contour. Immutable and
 * thread-safe.
 */
public final class Cues {
  private final double durationSeconds;
  private final int sourceSampleRateHz;
  private final EnumMap<Cue, Double> values;
  private final PitchContour contour;

  private Cues(Builder b) {
    this.durationSeconds = b.durationSeconds;
    this.sourceSampleRateHz = b.sourceSampleRateHz;
    this.values = new EnumMap<>(b.values);
    for (Cue c : Cue.values()) {
      this.values.putIfAbsent(c, Double.NaN);
    }
    this.contour = b.contour;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Clip duration in seconds. */
  public double durationSeconds() {
    return durationSeconds;
  }

  /** Sample rate of the source recording, before any resampling. */
  public int sourceSampleRateHz() {
    return sourceSampleRateHz;
  }

  /** The value of {@code cue}, or {@link Double#NaN} when undefined for this clip. */
  public double get(Cue cue) {
    return values.get(cue);
  }

  /** True when {@code cue} has a finite value for this clip. */
  public boolean isDefined(Cue cue) {
    return Double.isFinite(values.get(cue));
  }

  /** All cues in declaration order (undefined ones as NaN). */
  public Map<Cue, Double> asMap() {
    return Collections.unmodifiableMap(values);
  }

  /** The F0 contour, when it was requested. */
  public Optional<PitchContour> contour() {
    return Optional.ofNullable(contour);
  }

  /** The same cues without the contour. */
  public Cues withoutContour() {
    if (contour == null) {
      return this;
    }
    Builder b = builder().durationSeconds(durationSeconds).sourceSampleRateHz(sourceSampleRateHz);
    b.values.putAll(values);
    return b.build();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Cues[duration_s=").append(durationSeconds);
    values.forEach((k, v) -> sb.append(", ").append(k.key()).append('=').append(v));
    return sb.append(']').toString();
  }

  /** Builds {@link Cues}; unset cues are undefined (NaN). Not thread-safe. */
  public static final class Builder {
    private double durationSeconds = Double.NaN;
    private int sourceSampleRateHz;
    private final EnumMap<Cue, Double> values = new EnumMap<>(Cue.class);
    private PitchContour contour;

    private Builder() {}

    /** Clip duration in seconds. */
    public Builder durationSeconds(double seconds) {
      this.durationSeconds = seconds;
      return this;
    }

    /** Sample rate of the source before resampling. */
    public Builder sourceSampleRateHz(int hz) {
      this.sourceSampleRateHz = hz;
      return this;
    }

    /** Sets one cue; infinite values are stored as NaN (undefined). */
    public Builder set(Cue cue, double value) {
      values.put(cue, Double.isFinite(value) ? value : Double.NaN);
      return this;
    }

    /** The F0 contour (optional). */
    public Builder contour(PitchContour contour) {
      this.contour = contour;
      return this;
    }

    /** The immutable cues. */
    public Cues build() {
      return new Cues(this);
    }
  }
}
