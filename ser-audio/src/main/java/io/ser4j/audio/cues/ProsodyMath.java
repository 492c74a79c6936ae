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
   * (1-based), linearly interpolated between its neighbours; outside the outer half-samples it is
   * extrapolated along the first/last pair (so with few values a 0.99 quantile can exceed the
   * maximum slightly), as Praat does.
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

  /**
   * Four-point cubic interpolation of {@code y} at fractional index {@code x} (0-based), the
   * "cubic" value interpolation of Praat's {@code Get value at time}: between samples {@code l =
   * floor(x)} and {@code r = l + 1}, with central-difference slopes at both; linear when a neighbour
   * outside {@code [l, r]} is missing, the end value outside the array.
   */
  static double cubicAt(double[] y, double x) {
    int n = y.length;
    if (x <= 0) {
      return y[0];
    }
    if (x >= n - 1) {
      return y[n - 1];
    }
    int l = (int) Math.floor(x);
    int r = l + 1;
    double fl = x - l;
    double fr = r - x;
    if (fl == 0) {
      return y[l];
    }
    double yl = y[l];
    double yr = y[r];
    if (l == 0 || r == n - 1) {
      return yl + fl * (yr - yl);
    }
    double dl = 0.5 * (yr - y[l - 1]);
    double dr = 0.5 * (y[r + 1] - yl);
    return yl * fr + yr * fl - fl * fr * (0.5 * (dr - dl) + (fl - 0.5) * (dl + dr - 2 * (yr - yl)));
  }

  /**
   * Windowed-sinc interpolation of {@code y} at fractional index {@code x} (0-based) with up to
   * {@code maxDepth} samples on each side, each weighted by {@code sinc(π·δ)·½(1 + cos(π·δ/(D+δ₀)))}
   * (a raised-cosine window reaching zero one sample beyond the outermost tap): Praat's "sinc70"
   * for depth 70. The depth shrinks near the ends; at depth 2 it is {@link #cubicAt}, at depth 1
   * linear.
   */
  static double sincAt(double[] y, double x, int maxDepth) {
    int n = y.length;
    if (x <= 0) {
      return y[0];
    }
    if (x >= n - 1) {
      return y[n - 1];
    }
    int midLeft = (int) Math.floor(x);
    if (x == midLeft) {
      return y[midLeft];
    }
    int midRight = midLeft + 1;
    int depth = Math.min(maxDepth, Math.min(midRight, n - 1 - midLeft));
    if (depth <= 1) {
      return y[midLeft] + (x - midLeft) * (y[midRight] - y[midLeft]);
    }
    if (depth == 2) {
      return cubicAt(y, x);
    }
    int left = midRight - depth;
    int right = midLeft + depth;
    double result = 0;
    // left taps: distance a = π(x − ix), window argument π(x − ix)/(x − left + 1), by rotation
    double a = Math.PI * (x - midLeft);
    double halfSinA = 0.5 * Math.sin(a);
    double span = x - left + 1;
    double cosW = Math.cos(a / span);
    double sinW = Math.sin(a / span);
    double cosStep = Math.cos(Math.PI / span);
    double sinStep = Math.sin(Math.PI / span);
    for (int ix = midLeft; ix >= left; ix--) {
      result += y[ix] * (halfSinA / a * (1.0 + cosW));
      a += Math.PI;
      double c = cosW * cosStep - sinW * sinStep;
      sinW = cosW * sinStep + sinW * cosStep;
      cosW = c;
      halfSinA = -halfSinA;
    }
    a = Math.PI * (midRight - x);
    halfSinA = 0.5 * Math.sin(a);
    span = right - x + 1;
    cosW = Math.cos(a / span);
    sinW = Math.sin(a / span);
    cosStep = Math.cos(Math.PI / span);
    sinStep = Math.sin(Math.PI / span);
    for (int ix = midRight; ix <= right; ix++) {
      result += y[ix] * (halfSinA / a * (1.0 + cosW));
      a += Math.PI;
      double c = cosW * cosStep - sinW * sinStep;
      sinW = cosW * sinStep + sinW * cosStep;
      cosW = c;
      halfSinA = -halfSinA;
    }
    return result;
  }

  /**
   * Position (fractional 0-based index in [i − 1, i + 1]) of the maximum of the sinc-interpolated
   * contour around the local maximum {@code i}, by Brent's method (golden section with parabolic
   * steps) to an absolute tolerance of about 1e-10: Praat's sinc70 peak refinement.
   */
  static double sincPeakIndex(double[] y, int i, int depth) {
    double[] out = new double[2];
    BrentMaximum.maximize(x -> sincAt(y, x, depth), i - 1, i + 1, i, 1e-10, 1e-11, out);
    return out[0];
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
