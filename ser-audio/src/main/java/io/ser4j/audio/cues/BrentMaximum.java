package io.ser4j.audio.cues;

import java.util.function.DoubleUnaryOperator;

/**
 * Brent's method (golden-section search with parabolic steps; Brent 1973, ch. 5) maximising a
 * smooth function on an interval: the peak refinement Praat uses on sinc-interpolated contours
 * (pitch/harmonicity correlation peaks, intensity peaks for syllable nuclei). Stateless.
 */
final class BrentMaximum {
  private static final double GOLDEN = 0.3819660112501051; // (3 - sqrt 5) / 2
  private static final int MAX_ITERATIONS = 60;

  private BrentMaximum() {}

  /**
   * Maximises {@code f} on {@code [lo, hi]} starting at {@code x0}.
   *
   * @param relativeTolerance tolerance on the position relative to |x|
   * @param absoluteTolerance tolerance added to the relative one (in units of x)
   * @param out {@code out[0]} receives the position, {@code out[1]} the maximum value
   */
  static void maximize(
      DoubleUnaryOperator f,
      double lo,
      double hi,
      double x0,
      double relativeTolerance,
      double absoluteTolerance,
      double[] out) {
    double x = x0;
    double w = x;
    double v = x;
    double fx = -f.applyAsDouble(x);
    double fw = fx;
    double fv = fx;
    double step = 0.0;
    double prevStep = 0.0;
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      double mid = 0.5 * (lo + hi);
      double tol1 = relativeTolerance * Math.abs(x) + absoluteTolerance;
      double tol2 = 2 * tol1;
      if (Math.abs(x - mid) <= tol2 - 0.5 * (hi - lo)) {
        break;
      }
      boolean golden = true;
      if (Math.abs(prevStep) > tol1) {
        double r = (x - w) * (fx - fv);
        double q = (x - v) * (fx - fw);
        double p = (x - v) * q - (x - w) * r;
        q = 2 * (q - r);
        if (q > 0) {
          p = -p;
        }
        q = Math.abs(q);
        double older = prevStep;
        prevStep = step;
        if (Math.abs(p) < Math.abs(0.5 * q * older) && p > q * (lo - x) && p < q * (hi - x)) {
          step = p / q;
          double u = x + step;
          if (u - lo < tol2 || hi - u < tol2) {
            step = mid >= x ? tol1 : -tol1;
          }
          golden = false;
        }
      }
      if (golden) {
        prevStep = x >= mid ? lo - x : hi - x;
        step = GOLDEN * prevStep;
      }
      double u = Math.abs(step) >= tol1 ? x + step : x + (step >= 0 ? tol1 : -tol1);
      double fu = -f.applyAsDouble(u);
      if (fu <= fx) {
        if (u >= x) {
          lo = x;
        } else {
          hi = x;
        }
        v = w;
        fv = fw;
        w = x;
        fw = fx;
        x = u;
        fx = fu;
      } else {
        if (u < x) {
          lo = u;
        } else {
          hi = u;
        }
        if (fu <= fw || w == x) {
          v = w;
          fv = fw;
          w = u;
          fw = fu;
        } else if (fu <= fv || v == x || v == w) {
          v = u;
          fv = fu;
        }
      }
    }
    out[0] = x;
    out[1] = -fx;
  }
}
