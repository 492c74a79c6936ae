package io.ser4j.rationale;

/**
 * Where a measured cue lies relative to its reference norm (speaker or corpus), by z-score:
 *
 * <ul>
 *   <li>{@link #VERY_LOW}: z &le; &minus;{@value #VERY_Z}
 *   <li>{@link #LOW}: &minus;{@value #VERY_Z} &lt; z &le; &minus;{@value #MARKED_Z}
 *   <li>{@link #TYPICAL}: &minus;{@value #MARKED_Z} &lt; z &lt; {@value #MARKED_Z}
 *   <li>{@link #HIGH}: {@value #MARKED_Z} &le; z &lt; {@value #VERY_Z}
 *   <li>{@link #VERY_HIGH}: z &ge; {@value #VERY_Z}
 *   <li>{@link #UNDEFINED}: the cue or its norm is undefined (NaN value, fewer than two reference
 *       values, zero spread)
 * </ul>
 */
public enum CueLevel {
  /** z &le; &minus;1.5. */
  VERY_LOW,
  /** &minus;1.5 &lt; z &le; &minus;0.5. */
  LOW,
  /** |z| &lt; 0.5. */
  TYPICAL,
  /** 0.5 &le; z &lt; 1.5. */
  HIGH,
  /** z &ge; 1.5. */
  VERY_HIGH,
  /** No z-score (undefined value or norm). */
  UNDEFINED;

  /** |z| from which a cue is marked (LOW/HIGH), in reference standard deviations. */
  public static final double MARKED_Z = 0.5;
  /** |z| from which a cue is VERY_LOW/VERY_HIGH, in reference standard deviations. */
  public static final double VERY_Z = 1.5;

  /** The level of a z-score ({@link #UNDEFINED} for NaN or infinite). */
  public static CueLevel of(double z) {
    if (!Double.isFinite(z)) {
      return UNDEFINED;
    }
    if (z <= -VERY_Z) {
      return VERY_LOW;
    }
    if (z <= -MARKED_Z) {
      return LOW;
    }
    if (z < MARKED_Z) {
      return TYPICAL;
    }
    return z < VERY_Z ? HIGH : VERY_HIGH;
  }

  /** True for HIGH and VERY_HIGH. */
  public boolean isHigh() {
    return this == HIGH || this == VERY_HIGH;
  }

  /** True for LOW and VERY_LOW. */
  public boolean isLow() {
    return this == LOW || this == VERY_LOW;
  }

  /** True for VERY_LOW and VERY_HIGH. */
  public boolean isExtreme() {
    return this == VERY_LOW || this == VERY_HIGH;
  }
}
