package io.ser4j.audio.cues;

/**
 * Windowed-sinc interpolation of a sampled function and sub-sample peak refinement, as described
 * for Praat's periodicity analysis (Boersma 1993, §3): the correlation function is interpolated with
 * {@code sin(πd)/(πd)} tapered by a raised cosine that reaches zero just beyond the outermost sample
 * used, and a peak is located by maximising that interpolant with Brent's method.
 *
 * <p>Stateless; thread-safe.
 */
final class PeakInterpolation {
  /** Brent tolerance on the peak position, in samples. */
  static final double PEAK_POSITION_TOLERANCE = 1e-10;


  private PeakInterpolation() {}

  /**
   * Interpolates {@code y[0..n-1]} at the real-valued (0-based) position {@code x} using at most
   * {@code maxDepth} samples on each side. Outside the array the nearest end value is returned.
   */
  static double sinc(double[] y, int n, double x, int maxDepth) {
    if (x >= n - 1) {
      return y[n - 1];
    }
    if (x <= 0) {
      return y[0];
    }
    int midLeft = (int) Math.floor(x);
    if (x == midLeft) {
      return y[midLeft];
    }
    int midRight = midLeft + 1;
    int depth = Math.min(maxDepth, Math.min(midRight, n - 1 - midLeft));
    if (depth <= 0) {
      return y[(int) Math.floor(x + 0.5)];
    }
    if (depth == 1) {
      return y[midLeft] + (x - midLeft) * (y[midRight] - y[midLeft]);
    }
    int left = midRight - depth;
    int right = midLeft + depth;
    // Left half: distances d = x - ix, ix = midLeft, midLeft-1, ..., left; right half: d = ix - x,
    // ix = midRight, ..., right.
    double a = Math.PI * (x - midLeft);
    double result = 0.5 * Math.sin(a) * taperedHalf(y, midLeft, -1, midLeft - left + 1, a,
        Math.PI / (x - left + 1));
    a = Math.PI * (midRight - x);
    result += 0.5 * Math.sin(a) * taperedHalf(y, midRight, 1, right - midRight + 1, a,
        Math.PI / (right - x + 1));
    return result;
  }

  /**
   * One half of the windowed sinc sum, without the common factor {@code sin(a0)/2}: {@code Σ_j
   * (−1)^j y[i0 + j·dir] (1 + cos((a0 + jπ)·taperStep/π)) / (a0 + jπ)}, {@code j = 0..count−1}.
   * The cosine comes from two interleaved rotation recurrences (even and odd {@code j}, each
   * stepping by twice the angle), which halves the loop-carried dependency chain; the sum is the
   * same as one recurrence up to rounding.
   */
  private static double taperedHalf(double[] y, int i0, int dir, int count, double a0,
      double taperStep) {
    double cosStep = Math.cos(taperStep);
    double sinStep = Math.sin(taperStep);
    double cosStep2 = cosStep * cosStep - sinStep * sinStep;
    double sinStep2 = 2.0 * sinStep * cosStep;
    double angleA = a0 * taperStep / Math.PI;
    double cA = Math.cos(angleA);
    double sA = Math.sin(angleA);
    double cB = cA * cosStep - sA * sinStep;
    double sB = cA * sinStep + sA * cosStep;
    double aA = a0;
    double aB = a0 + Math.PI;
    double even = 0.0;
    double odd = 0.0;
    int j = 0;
    int ix = i0;
    for (; j + 1 < count; j += 2, ix += 2 * dir) {
      even += y[ix] * ((1.0 + cA) / aA);
      odd += y[ix + dir] * ((1.0 + cB) / aB);
      aA += TWO_PI;
      aB += TWO_PI;
      double c = cA * cosStep2 - sA * sinStep2;
      sA = cA * sinStep2 + sA * cosStep2;
      cA = c;
      c = cB * cosStep2 - sB * sinStep2;
      sB = cB * sinStep2 + sB * cosStep2;
      cB = c;
    }
    if (j < count) {
      even += y[ix] * ((1.0 + cA) / aA);
    }
    return even - odd;
  }

  private static final double TWO_PI = 2.0 * Math.PI;

  /**
   * Refines the local maximum of {@code y} near sample {@code iMid} by maximising the sinc
   * interpolant (depth {@code depth}) within {@code [iMid-1, iMid+1]}. Writes the 0-based position
   * to {@code position[0]} and returns the interpolated height.
   *
   * <p>Praat maximises with Brent's method to 1e-10 samples (some 20 evaluations of a 141- to
   * 1401-point sum). Near a correlation peak the interpolant is smooth and concave, so here one
   * three-point parabolic step of spacing {@link #PARABOLIC_SPACING} around the parabolic estimate
   * from the integer samples gives the peak position to about 1e-4 samples and the peak height to
   * about 1e-7 with 3 evaluations. When the interpolant is not concave there, or the step leaves
   * the neighbourhood, Brent's method is used as Praat does.
   */
  static double improveMaximum(double[] y, int n, int iMid, int depth, double[] position) {
    if (iMid <= 0) {
      position[0] = 0;
      return y[0];
    }
    if (iMid >= n - 1) {
      position[0] = n - 1;
      return y[n - 1];
    }
    double ym = y[iMid - 1];
    double y0 = y[iMid];
    double yp = y[iMid + 1];
    double d2 = 2 * y0 - ym - yp;
    double x = d2 > 0 ? iMid + Math.max(-0.5, Math.min(0.5, 0.5 * (yp - ym) / d2)) : iMid;
    double h = PARABOLIC_SPACING;
    double f0 = sinc(y, n, x, depth);
    double fm = sinc(y, n, x - h, depth);
    double fp = sinc(y, n, x + h, depth);
    double curvature = fm + fp - 2 * f0;
    if (!(curvature < 0)) {
      return brentMaximum(y, n, iMid, depth, position);
    }
    double step = 0.5 * h * (fm - fp) / curvature;
    if (Math.abs(step) > MAX_PARABOLIC_STEP) {
      return brentMaximum(y, n, iMid, depth, position);
    }
    position[0] = x + step;
    return f0 - (fp - fm) * (fp - fm) / (8 * curvature);
  }

  /** Spacing (samples) of the three-point parabolic refinement. */
  static final double PARABOLIC_SPACING = 0.02;
  /** Largest parabolic step (samples) trusted before falling back to Brent's method. */
  static final double MAX_PARABOLIC_STEP = 0.25;

  /** Brent maximisation of the sinc interpolant over {@code [iMid-1, iMid+1]}. */
  static double brentMaximum(double[] y, int n, int iMid, int depth, double[] position) {
    double[] out = new double[2];
    BrentMaximum.maximize(
        x -> sinc(y, n, x, depth), iMid - 1, iMid + 1, iMid, PEAK_POSITION_TOLERANCE, 1e-12, out);
    position[0] = out[0];
    return out[1];
  }
}
