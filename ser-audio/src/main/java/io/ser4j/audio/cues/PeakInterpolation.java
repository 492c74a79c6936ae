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
    // sin(π(midRight − x)) = sin(π − a) = sin(a): one sine serves both halves.
    double halfSin = 0.5 * Math.sin(a);
    double result = halfSin * taperedHalf(y, midLeft, -1, midLeft - left + 1, a,
        Math.PI / (x - left + 1));
    a = Math.PI * (midRight - x);
    result += halfSin * taperedHalf(y, midRight, 1, right - midRight + 1, a,
        Math.PI / (right - x + 1));
    return result;
  }

  /**
   * One half of the windowed sinc sum, without the common factor {@code sin(a0)/2}: {@code Σ_j
   * (−1)^j y[i0 + j·dir] (1 + cos((a0 + jπ)·taperStep/π)) / (a0 + jπ)}, {@code j = 0..count−1}.
   * The cosine comes from two interleaved rotation recurrences (even and odd {@code j}, each
   * stepping by twice the angle), which halves the loop-carried dependency chain; the sum is the
   * same as one recurrence up to rounding. The starting cosines and sines come from one tangent
   * of the half angle each ({@code cos θ = (1 − t²)/(1 + t²)}, {@code sin θ = 2t/(1 + t²)}, {@code t
   * = tan(θ/2)}; within a few ulp of {@code Math.cos}/{@code Math.sin}, at a third of their cost).
   */
  private static double taperedHalf(double[] y, int i0, int dir, int count, double a0,
      double taperStep) {
    double t = Math.tan(0.5 * taperStep);
    double u = 1.0 / (1.0 + t * t);
    double cosStep = (1.0 - t * t) * u;
    double sinStep = 2.0 * t * u;
    double cosStep2 = cosStep * cosStep - sinStep * sinStep;
    double sinStep2 = 2.0 * sinStep * cosStep;
    double angleA = a0 * taperStep / Math.PI;
    t = Math.tan(0.5 * angleA);
    u = 1.0 / (1.0 + t * t);
    double cA = (1.0 - t * t) * u;
    double sA = 2.0 * t * u;
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
   * {@link #sinc} at three positions {@code x0 < x1 < x2} at once, into {@code out[0..2]}; the same
   * values as three separate calls. When the three share the integer neighbourhood and depth (the
   * usual case for the close positions of {@link #improveMaximum}) one pass over {@code y} computes
   * all three sums with interleaved, independent recurrences (more instruction-level parallelism,
   * each sum's operations unchanged); otherwise it falls back to three calls.
   */
  static void sinc3(double[] y, int n, double x0, double x1, double x2, int maxDepth,
      double[] out) {
    int midLeft = (int) Math.floor(x0);
    int depth = Math.min(maxDepth, Math.min(midLeft + 1, n - 1 - midLeft));
    if (!(x0 > 0) || !(x2 < n - 1) || (int) Math.floor(x2) != midLeft || x0 == midLeft
        || depth <= 1) {
      out[0] = sinc(y, n, x0, maxDepth);
      out[1] = sinc(y, n, x1, maxDepth);
      out[2] = sinc(y, n, x2, maxDepth);
      return;
    }
    int midRight = midLeft + 1;
    int left = midRight - depth;
    int right = midLeft + depth;
    double aL0 = Math.PI * (x0 - midLeft);
    double aL1 = Math.PI * (x1 - midLeft);
    double aL2 = Math.PI * (x2 - midLeft);
    double[] halves = new double[3];
    taperedHalf3(y, midLeft, -1, midLeft - left + 1, aL0, Math.PI / (x0 - left + 1), aL1,
        Math.PI / (x1 - left + 1), aL2, Math.PI / (x2 - left + 1), halves);
    double h0 = 0.5 * Math.sin(aL0);
    double h1 = 0.5 * Math.sin(aL1);
    double h2 = 0.5 * Math.sin(aL2);
    double r0 = h0 * halves[0];
    double r1 = h1 * halves[1];
    double r2 = h2 * halves[2];
    double aR0 = Math.PI * (midRight - x0);
    double aR1 = Math.PI * (midRight - x1);
    double aR2 = Math.PI * (midRight - x2);
    taperedHalf3(y, midRight, 1, right - midRight + 1, aR0, Math.PI / (right - x0 + 1), aR1,
        Math.PI / (right - x1 + 1), aR2, Math.PI / (right - x2 + 1), halves);
    out[0] = r0 + h0 * halves[0];
    out[1] = r1 + h1 * halves[1];
    out[2] = r2 + h2 * halves[2];
  }

  /** {@link #taperedHalf} for three (angle, taper step) pairs over the same samples, into out. */
  private static void taperedHalf3(double[] y, int i0, int dir, int count, double p0,
      double step0, double p1, double step1, double p2, double step2, double[] out) {
    // Per sum k: two interleaved rotations (even/odd j) by twice the taper step, as taperedHalf.
    double t0 = Math.tan(0.5 * step0);
    double u0 = 1.0 / (1.0 + t0 * t0);
    double cs0 = (1.0 - t0 * t0) * u0;
    double sn0 = 2.0 * t0 * u0;
    double t1 = Math.tan(0.5 * step1);
    double u1 = 1.0 / (1.0 + t1 * t1);
    double cs1 = (1.0 - t1 * t1) * u1;
    double sn1 = 2.0 * t1 * u1;
    double t2 = Math.tan(0.5 * step2);
    double u2 = 1.0 / (1.0 + t2 * t2);
    double cs2 = (1.0 - t2 * t2) * u2;
    double sn2 = 2.0 * t2 * u2;
    final double c20 = cs0 * cs0 - sn0 * sn0;
    final double s20 = 2.0 * sn0 * cs0;
    final double c21 = cs1 * cs1 - sn1 * sn1;
    final double s21 = 2.0 * sn1 * cs1;
    final double c22 = cs2 * cs2 - sn2 * sn2;
    final double s22 = 2.0 * sn2 * cs2;
    double ang = p0 * step0 / Math.PI;
    t0 = Math.tan(0.5 * ang);
    u0 = 1.0 / (1.0 + t0 * t0);
    double cA0 = (1.0 - t0 * t0) * u0;
    double sA0 = 2.0 * t0 * u0;
    double cB0 = cA0 * cs0 - sA0 * sn0;
    double sB0 = cA0 * sn0 + sA0 * cs0;
    ang = p1 * step1 / Math.PI;
    t1 = Math.tan(0.5 * ang);
    u1 = 1.0 / (1.0 + t1 * t1);
    double cA1 = (1.0 - t1 * t1) * u1;
    double sA1 = 2.0 * t1 * u1;
    double cB1 = cA1 * cs1 - sA1 * sn1;
    double sB1 = cA1 * sn1 + sA1 * cs1;
    ang = p2 * step2 / Math.PI;
    t2 = Math.tan(0.5 * ang);
    u2 = 1.0 / (1.0 + t2 * t2);
    double cA2 = (1.0 - t2 * t2) * u2;
    double sA2 = 2.0 * t2 * u2;
    double cB2 = cA2 * cs2 - sA2 * sn2;
    double sB2 = cA2 * sn2 + sA2 * cs2;
    double aA0 = p0;
    double aB0 = p0 + Math.PI;
    double aA1 = p1;
    double aB1 = p1 + Math.PI;
    double aA2 = p2;
    double aB2 = p2 + Math.PI;
    double even0 = 0.0;
    double odd0 = 0.0;
    double even1 = 0.0;
    double odd1 = 0.0;
    double even2 = 0.0;
    double odd2 = 0.0;
    int j = 0;
    int ix = i0;
    for (; j + 1 < count; j += 2, ix += 2 * dir) {
      double ye = y[ix];
      double yo = y[ix + dir];
      even0 += ye * ((1.0 + cA0) / aA0);
      odd0 += yo * ((1.0 + cB0) / aB0);
      even1 += ye * ((1.0 + cA1) / aA1);
      odd1 += yo * ((1.0 + cB1) / aB1);
      even2 += ye * ((1.0 + cA2) / aA2);
      odd2 += yo * ((1.0 + cB2) / aB2);
      aA0 += TWO_PI;
      aB0 += TWO_PI;
      aA1 += TWO_PI;
      aB1 += TWO_PI;
      aA2 += TWO_PI;
      aB2 += TWO_PI;
      double c = cA0 * c20 - sA0 * s20;
      sA0 = cA0 * s20 + sA0 * c20;
      cA0 = c;
      c = cB0 * c20 - sB0 * s20;
      sB0 = cB0 * s20 + sB0 * c20;
      cB0 = c;
      c = cA1 * c21 - sA1 * s21;
      sA1 = cA1 * s21 + sA1 * c21;
      cA1 = c;
      c = cB1 * c21 - sB1 * s21;
      sB1 = cB1 * s21 + sB1 * c21;
      cB1 = c;
      c = cA2 * c22 - sA2 * s22;
      sA2 = cA2 * s22 + sA2 * c22;
      cA2 = c;
      c = cB2 * c22 - sB2 * s22;
      sB2 = cB2 * s22 + sB2 * c22;
      cB2 = c;
    }
    if (j < count) {
      double ye = y[ix];
      even0 += ye * ((1.0 + cA0) / aA0);
      even1 += ye * ((1.0 + cA1) / aA1);
      even2 += ye * ((1.0 + cA2) / aA2);
    }
    out[0] = even0 - odd0;
    out[1] = even1 - odd1;
    out[2] = even2 - odd2;
  }

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
    double[] f = new double[3];
    sinc3(y, n, x - h, x, x + h, depth, f);
    double fm = f[0];
    double f0 = f[1];
    double fp = f[2];
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
