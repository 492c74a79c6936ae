package io.ser4j.rationale;

import java.util.List;

/**
 * The faithfulness of one rationale: every claim found, with its verdict.
 *
 * @param text the rationale checked
 * @param claims the claims in text order
 */
public record FaithfulnessReport(String text, List<CheckedClaim> claims) {
  /** Copies. */
  public FaithfulnessReport {
    claims = List.copyOf(claims);
  }

  /** Number of claims with this verdict. */
  public int count(Verdict v) {
    return (int) claims.stream().filter(c -> c.verdict() == v).count();
  }

  /** Consistent claims. */
  public int consistent() {
    return count(Verdict.CONSISTENT);
  }

  /** Contradicted claims. */
  public int contradicted() {
    return count(Verdict.CONTRADICTED);
  }

  /** Unverifiable claims. */
  public int unverifiable() {
    return count(Verdict.UNVERIFIABLE);
  }

  /** True when no claim is contradicted. */
  public boolean faithful() {
    return contradicted() == 0;
  }
}
