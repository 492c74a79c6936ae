package io.ser4j.rationale;

import java.util.List;

/**
 * Faithfulness over many rationales.
 *
 * @param rationales number of rationales
 * @param claims total claims found
 * @param consistent consistent claims
 * @param contradicted contradicted claims
 * @param unverifiable unverifiable claims
 * @param faithfulRationales rationales without a contradicted claim
 */
public record FaithfulnessSummary(
    int rationales, int claims, int consistent, int contradicted, int unverifiable, int faithfulRationales) {

  /** Sums the reports. */
  public static FaithfulnessSummary of(List<FaithfulnessReport> reports) {
    int cl = 0;
    int co = 0;
    int ct = 0;
    int un = 0;
    int ok = 0;
    for (FaithfulnessReport r : reports) {
      cl += r.claims().size();
      co += r.consistent();
      ct += r.contradicted();
      un += r.unverifiable();
      ok += r.faithful() ? 1 : 0;
    }
    return new FaithfulnessSummary(reports.size(), cl, co, ct, un, ok);
  }

  /** consistent / (consistent + contradicted); NaN when no claim was decided. */
  public double rate() {
    int decided = consistent + contradicted;
    return decided == 0 ? Double.NaN : (double) consistent / decided;
  }
}
