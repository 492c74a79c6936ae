package io.ser4j.rationale;

import java.util.Objects;

/**
 * A claim with its verdict.
 *
 * @param claim the claim
 * @param verdict consistent, contradicted or unverifiable
 * @param evidence the measured values and levels the verdict rests on, e.g. {@code
 *     "f0_mean_hz=231.4 z=1.20 HIGH (speaker 03)"}
 */
public record CheckedClaim(Claim claim, Verdict verdict, String evidence) {
  /** Validates. */
  public CheckedClaim {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(evidence, "evidence");
  }
}
