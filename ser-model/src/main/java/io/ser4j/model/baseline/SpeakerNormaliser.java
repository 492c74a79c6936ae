package io.ser4j.model.baseline;

import java.util.Collection;

/**
 * Per-speaker z-scoring of feature vectors: each feature minus the speaker's mean, divided by the
 * speaker's (population) standard deviation, both over all of that speaker's clips and ignoring
 * undefined values. Needs no labels, so it is also fitted on test speakers' clips (transductively)
 * when the speaker is known. A feature that does not vary within the speaker becomes 0; undefined
 * stays NaN. Immutable and thread-safe.
 *
 * @param mean per-feature speaker mean
 * @param sd per-feature speaker standard deviation (NaN where undefined or 0)
 */
public record SpeakerNormaliser(double[] mean, double[] sd) {
  /** Copies the arrays. */
  public SpeakerNormaliser {
    mean = mean.clone();
    sd = sd.clone();
  }

  /**
   * Fits the statistics on one speaker's feature vectors.
   *
   * @throws IllegalArgumentException when {@code rows} is empty
   */
  public static SpeakerNormaliser fit(Collection<double[]> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("a speaker needs at least one clip");
    }
    int d = rows.iterator().next().length;
    double[] mean = new double[d];
    double[] sd = new double[d];
    for (int j = 0; j < d; j++) {
      double s = 0;
      int n = 0;
      for (double[] r : rows) {
        if (Double.isFinite(r[j])) {
          s += r[j];
          n++;
        }
      }
      double m = n == 0 ? Double.NaN : s / n;
      double ss = 0;
      for (double[] r : rows) {
        if (Double.isFinite(r[j])) {
          ss += (r[j] - m) * (r[j] - m);
        }
      }
      mean[j] = m;
      double v = n < 2 ? Double.NaN : Math.sqrt(ss / n);
      sd[j] = v > 0 ? v : Double.NaN;
    }
    return new SpeakerNormaliser(mean, sd);
  }

  /** The z-scored copy of {@code x}: 0 where the speaker's sd is 0, NaN where undefined. */
  public double[] apply(double[] x) {
    double[] z = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      if (!Double.isFinite(x[j]) || Double.isNaN(mean[j])) {
        z[j] = Double.NaN;
      } else if (Double.isNaN(sd[j])) {
        z[j] = 0;
      } else {
        z[j] = (x[j] - mean[j]) / sd[j];
      }
    }
    return z;
  }
}
