package io.ser4j.rationale;

import java.util.Objects;

/**
 * One acoustic claim found in a rationale.
 *
 * @param aspect what the claim is about
 * @param direction {@link Direction#HIGH} (high, wide, rising, loud, fast, many pauses, or the voice
 *     quality is present), {@link Direction#LOW} or {@link Direction#TYPICAL}
 * @param strength how strongly it is stated ("very" = STRONG, "slightly" = WEAK)
 * @param negated whether the claim is negated ("not loud")
 * @param phrase the matched text
 * @param start offset of the phrase in the rationale
 * @param end offset just past the phrase
 */
public record Claim(
    Aspect aspect,
    Direction direction,
    Strength strength,
    boolean negated,
    String phrase,
    int start,
    int end) {

  /** Direction of a claim. */
  public enum Direction {
    /** High, wide, rising, loud, fast, many/long pauses, or voice quality present. */
    HIGH,
    /** Low, narrow, falling, quiet, slow, few pauses. */
    LOW,
    /** Typical/average for the reference. */
    TYPICAL
  }

  /** How strongly a claim is stated. */
  public enum Strength {
    /** Hedged: "slightly", "somewhat", "a bit". */
    WEAK,
    /** Plain or "clearly", "noticeably". */
    MODERATE,
    /** "very", "extremely", "markedly", "strikingly". */
    STRONG
  }

  /** Validates. */
  public Claim {
    Objects.requireNonNull(aspect, "aspect");
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(strength, "strength");
    Objects.requireNonNull(phrase, "phrase");
  }
}
