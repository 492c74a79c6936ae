package io.ser4j.audio.cues;

import java.util.Arrays;

/**
 * Small numeric helpers shared by the prosody and spectral cues: Praat's quantile rule, parabolic
 * peak refinement and the modified Bessel function I0. Stateless and thread-safe.
 */
final class ProsodyMath {
  private ProsodyMath() {}

  /**
   * Praat's {@code NUMquantile} on an ascending array: the value at place {@code q·n + 0.5}
   * (1-based), linearly interpolated between its neighbours and clamped to the first/last pair.
   *
   * @param sorted ascending values, not modified
   * @param n how many leading values of {@code sorted} to use
   * @param q the quantile in [0, 1]
   * @return the quantile, or NaN when {@code n == 0}
   */
  static double praatQuantile(double[] sorted, int n, double q) {
    if (n < 1) {
      return Double.NaN;
    }
    if (n == 1) {
      return sorted[0];
    }
    double place = q * n + 0.5;
    int left = (int) Math.floor(place);
    if (left < 1) {
      left = 1;
    }
    if (left >= n) {
      left = n - 1;
    }
    double a = sorted[left - 1];
    double b = sorted[left];
    return a + (place - left) * (b - a);
  }

  /** Sorts a copy of the first {@code n} values of {@code values} into {@code scratch}. */
  static double[] sortedCopy(double[] values, int n, double[] scratch) {
    System.arraycopy(values, 0, scratch, 0, n);
    Arrays.sort(scratch, 0, n);
    return scratch;
  }

  /**
   * Offset (in frames, within [-0.5, 0.5]) of the vertex of the parabola through {@code
   * (-1, ym), (0, y0), (1, yp)}; 0 when the three points are collinear.
   */
  static double parabolicOffset(double ym, double y0, double yp) {
    double den = ym - 2 * y0 + yp;
    if (den == 0) {
      return 0;
    }
    double d = 0.5 * (ym - yp) / den;
    return Math.max(-0.5, Math.min(0.5, d));
  }

  /** Value at offset {@code d} of the parabola through {@code (-1, ym), (0, y0), (1, yp)}. */
  static double parabolicValue(double ym, double y0, double yp, double d) {
    return y0 + 0.5 * d * (yp - ym) + 0.5 * d * d * (yp - 2 * y0 + ym);
  }

  /** Modified Bessel function of the first kind, order 0, by its power series (|x| up to ~50). */
  static double besselI0(double x) {
    double term = 1;
    double sum = 1;
    double q = 0.25 * x * x;
    for (int k = 1; k < 500; k++) {
      term *= q / ((double) k * k);
      sum += term;
      if (term < 1e-17 * sum) {
        break;
      }
    }
    return sum;
  }
}
