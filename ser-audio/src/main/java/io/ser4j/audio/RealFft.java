package io.ser4j.audio;

/**
 * Forward FFT of a real signal of even length {@code n} whose half {@code n/2} factors into 2, 3, 4, 5
 * and 8 (e.g. Whisper's 400 = 2 * 200, 200 = 8 * 5 * 5), single precision, allocation-free.
 *
 * <p>Method: the {@code n} reals are packed as {@code m = n/2} complex values {@code z[j] = x[2j] +
 * i x[2j+1]}; a complex mixed-radix Stockham (self-sorting, decimation-in-frequency) FFT of length
 * {@code m} gives {@code Z = E + iO} where {@code E}, {@code O} are the DFTs of the even and odd
 * samples; then {@code E[k] = (Z[k] + conj Z[m-k]) / 2}, {@code O[k] = (Z[k] - conj Z[m-k]) / 2i}
 * and {@code X[k] = E[k] + e^{-2 pi i k / n} O[k]} for {@code k = 0..m}.
 *
 * <p>A Stockham stage of radix {@code r} on sub-length {@code len} with stride {@code s} reads
 * {@code a_j = x[q + s (p + j len/r)]}, forms the radix-{@code r} DFT {@code b_k} and writes {@code
 * y[q + s (r p + k)] = b_k e^{-2 pi i p k / len}}; then {@code len /= r}, {@code s *= r}. Twiddles
 * are precomputed in double and stored as float.
 *
 * <p>This is the one-frame-at-a-time variant, for any supported size; {@link FrameBatchFft} is the
 * batched form that {@link LogMelSpectrogram} uses, and is tested against this one.
 *
 * <p>Instances are immutable and thread-safe; callers pass their own scratch ({@link
 * #scratchLength()} floats).
 */
final class RealFft {
  private static final double TWO_PI = 2.0 * Math.PI;
  private static final float C5_1 = (float) Math.cos(TWO_PI / 5);
  private static final float C5_2 = (float) Math.cos(2 * TWO_PI / 5);
  private static final float S5_1 = (float) Math.sin(TWO_PI / 5);
  private static final float S5_2 = (float) Math.sin(2 * TWO_PI / 5);
  private static final float S3 = (float) Math.sin(TWO_PI / 3);
  private static final float SQRT_HALF = (float) Math.sqrt(0.5);

  private final int n;
  private final int m; // n / 2 complex points
  private final int[] radices;
  private final float[][] twRe; // per stage: [(r-1) * (len/r)], index (k-1) * (len/r) + p
  private final float[][] twIm;
  private final float[] postRe; // e^{-2 pi i k / n}, k = 0..m
  private final float[] postIm;

  /**
   * @param n transform length: even, {@code n/2} a product of 2, 3 and 5
   * @throws IllegalArgumentException otherwise (a programming error inside this package)
   */
  RealFft(int n) {
    if (n < 2 || n % 2 != 0) {
      throw new IllegalArgumentException("n must be even and >= 2: " + n);
    }
    this.n = n;
    this.m = n / 2;
    int[] tmp = new int[32];
    int count = 0;
    int rest = m;
    while (rest % 8 == 0) {
      tmp[count++] = 8;
      rest /= 8;
    }
    while (rest % 4 == 0) {
      tmp[count++] = 4;
      rest /= 4;
    }
    for (int r : new int[] {2, 3, 5}) {
      while (rest % r == 0) {
        tmp[count++] = r;
        rest /= r;
      }
    }
    if (rest != 1) {
      throw new IllegalArgumentException("n/2 must factor into 2, 3, 5: " + n);
    }
    this.radices = java.util.Arrays.copyOf(tmp, count);
    this.twRe = new float[count][];
    this.twIm = new float[count][];
    int len = m;
    for (int st = 0; st < count; st++) {
      int r = radices[st];
      int sub = len / r;
      twRe[st] = new float[(r - 1) * sub];
      twIm[st] = new float[(r - 1) * sub];
      for (int k = 1; k < r; k++) {
        for (int p = 0; p < sub; p++) {
          double ang = -TWO_PI * p * k / len;
          twRe[st][(k - 1) * sub + p] = (float) Math.cos(ang);
          twIm[st][(k - 1) * sub + p] = (float) Math.sin(ang);
        }
      }
      len = sub;
    }
    this.postRe = new float[m + 1];
    this.postIm = new float[m + 1];
    for (int k = 0; k <= m; k++) {
      double ang = -TWO_PI * k / n;
      postRe[k] = (float) Math.cos(ang);
      postIm[k] = (float) Math.sin(ang);
    }
  }

  /** Transform length. */
  int size() {
    return n;
  }

  /** Floats of scratch {@link #forward} needs. */
  int scratchLength() {
    return 4 * m;
  }

  /**
   * Forward DFT {@code X[k] = sum_j x[j] e^{-2 pi i j k / n}}, {@code k = 0..n/2}.
   *
   * @param x {@code n} real samples (not modified)
   * @param out receives {@code n + 2} floats: {@code re X[k], im X[k]} interleaved
   * @param scratch at least {@link #scratchLength()} floats, overwritten
   */
  void forward(float[] x, float[] out, float[] scratch) {
    for (int j = 0; j < m; j++) {
      scratch[j] = x[2 * j];
      scratch[m + j] = x[2 * j + 1];
    }
    int z = complexFft(scratch);
    int zRe = z;
    int zIm = z + m;
    // untangle the even/odd spectra
    for (int k = 0; k <= m; k++) {
      int k1 = k == m ? 0 : k;
      int k2 = k == 0 ? 0 : m - k;
      float zr1 = scratch[zRe + k1];
      float zi1 = scratch[zIm + k1];
      float zr2 = scratch[zRe + k2];
      float zi2 = scratch[zIm + k2];
      float er = 0.5f * (zr1 + zr2);
      float ei = 0.5f * (zi1 - zi2);
      float or = 0.5f * (zi1 + zi2);
      float oi = -0.5f * (zr1 - zr2);
      float wr = postRe[k];
      float wi = postIm[k];
      out[2 * k] = er + wr * or - wi * oi;
      out[2 * k + 1] = ei + wr * oi + wi * or;
    }
  }

  /**
   * Power spectrum {@code |X[k]|^2}, {@code k = 0..n/2}, of a real signal given already packed:
   * {@code scratch[j] = x[2j]}, {@code scratch[m + j] = x[2j + 1]} for {@code j < m = n/2}.
   *
   * @param scratch {@link #scratchLength()} floats, the packed input in its first {@code n}
   *     (overwritten)
   * @param power receives {@code n/2 + 1} values
   */
  void powerPacked(float[] scratch, float[] power) {
    int z = complexFft(scratch);
    int zRe = z;
    int zIm = z + m;
    for (int k = 0; k <= m; k++) {
      int k1 = k == m ? 0 : k;
      int k2 = k == 0 ? 0 : m - k;
      float zr1 = scratch[zRe + k1];
      float zi1 = scratch[zIm + k1];
      float zr2 = scratch[zRe + k2];
      float zi2 = scratch[zIm + k2];
      float er = 0.5f * (zr1 + zr2);
      float ei = 0.5f * (zi1 - zi2);
      float or = 0.5f * (zi1 + zi2);
      float oi = -0.5f * (zr1 - zr2);
      float wr = postRe[k];
      float wi = postIm[k];
      float xr = er + wr * or - wi * oi;
      float xi = ei + wr * oi + wi * or;
      power[k] = xr * xr + xi * xi;
    }
  }

  /** In-place-by-ping-pong complex FFT of scratch[0..2m); returns the offset of the result. */
  private int complexFft(float[] scratch) {
    // scratch layout: [aRe | aIm | bRe | bIm], m floats each
    int aRe = 0;
    int aIm = m;
    int bRe = 2 * m;
    int bIm = 3 * m;
    int len = m;
    int s = 1;
    for (int st = 0; st < radices.length; st++) {
      int r = radices[st];
      switch (r) {
        case 8:
          stage8(scratch, aRe, aIm, bRe, bIm, len, s, twRe[st], twIm[st]);
          break;
        case 4:
          stage4(scratch, aRe, aIm, bRe, bIm, len, s, twRe[st], twIm[st]);
          break;
        case 2:
          stage2(scratch, aRe, aIm, bRe, bIm, len, s, twRe[st], twIm[st]);
          break;
        case 3:
          stage3(scratch, aRe, aIm, bRe, bIm, len, s, twRe[st], twIm[st]);
          break;
        default:
          stage5(scratch, aRe, aIm, bRe, bIm, len, s, twRe[st], twIm[st]);
          break;
      }
      int t = aRe;
      aRe = bRe;
      bRe = t;
      t = aIm;
      aIm = bIm;
      bIm = t;
      len /= r;
      s *= r;
    }
    return aRe;
  }

  private static void stage8(
      float[] a, int xr, int xi, int yr, int yi, int len, int s, float[] twr, float[] twi) {
    int sub = len / 8;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      for (int q = 0; q < s; q++) {
        int i0 = xr + q + s * p;
        int j0 = xi + q + s * p;
        // u_j = a_j + a_{j+4}, v_j = (a_j - a_{j+4}) * w8^j
        float a0r = a[i0];
        float a0i = a[j0];
        float a4r = a[i0 + 4 * st];
        float a4i = a[j0 + 4 * st];
        float u0r = a0r + a4r;
        float u0i = a0i + a4i;
        float v0r = a0r - a4r;
        float v0i = a0i - a4i;
        float a1r = a[i0 + st];
        float a1i = a[j0 + st];
        float a5r = a[i0 + 5 * st];
        float a5i = a[j0 + 5 * st];
        float u1r = a1r + a5r;
        float u1i = a1i + a5i;
        float d1r = a1r - a5r;
        float d1i = a1i - a5i;
        float v1r = SQRT_HALF * (d1r + d1i);
        float v1i = SQRT_HALF * (d1i - d1r);
        float a2r = a[i0 + 2 * st];
        float a2i = a[j0 + 2 * st];
        float a6r = a[i0 + 6 * st];
        float a6i = a[j0 + 6 * st];
        float u2r = a2r + a6r;
        float u2i = a2i + a6i;
        float v2r = a2i - a6i; // (a2 - a6) * -i
        float v2i = -(a2r - a6r);
        float a3r = a[i0 + 3 * st];
        float a3i = a[j0 + 3 * st];
        float a7r = a[i0 + 7 * st];
        float a7i = a[j0 + 7 * st];
        float u3r = a3r + a7r;
        float u3i = a3i + a7i;
        float d3r = a3r - a7r;
        float d3i = a3i - a7i;
        float v3r = SQRT_HALF * (d3i - d3r);
        float v3i = -SQRT_HALF * (d3r + d3i);
        int o = q + s * 8 * p;
        // even outputs: DFT4(u); odd outputs: DFT4(v)
        float s02r = u0r + u2r;
        float s02i = u0i + u2i;
        float e02r = u0r - u2r;
        float e02i = u0i - u2i;
        float s13r = u1r + u3r;
        float s13i = u1i + u3i;
        float m13r = u1i - u3i; // -i (u1 - u3)
        float m13i = -(u1r - u3r);
        a[yr + o] = s02r + s13r;
        a[yi + o] = s02i + s13i;
        cmulStore(a, yr, yi, o + 2 * s, e02r + m13r, e02i + m13i, twr, twi, sub, 2, p);
        cmulStore(a, yr, yi, o + 4 * s, s02r - s13r, s02i - s13i, twr, twi, sub, 4, p);
        cmulStore(a, yr, yi, o + 6 * s, e02r - m13r, e02i - m13i, twr, twi, sub, 6, p);
        float t02r = v0r + v2r;
        float t02i = v0i + v2i;
        float f02r = v0r - v2r;
        float f02i = v0i - v2i;
        float t13r = v1r + v3r;
        float t13i = v1i + v3i;
        float n13r = v1i - v3i;
        float n13i = -(v1r - v3r);
        cmulStore(a, yr, yi, o + s, t02r + t13r, t02i + t13i, twr, twi, sub, 1, p);
        cmulStore(a, yr, yi, o + 3 * s, f02r + n13r, f02i + n13i, twr, twi, sub, 3, p);
        cmulStore(a, yr, yi, o + 5 * s, t02r - t13r, t02i - t13i, twr, twi, sub, 5, p);
        cmulStore(a, yr, yi, o + 7 * s, f02r - n13r, f02i - n13i, twr, twi, sub, 7, p);
      }
    }
  }

  /** Stores (br + i bi) times twiddle k of position p at output index o. */
  private static void cmulStore(
      float[] a, int yr, int yi, int o, float br, float bi, float[] twr, float[] twi, int sub,
      int k, int p) {
    float wr = twr[(k - 1) * sub + p];
    float wi = twi[(k - 1) * sub + p];
    a[yr + o] = br * wr - bi * wi;
    a[yi + o] = br * wi + bi * wr;
  }

  private static void stage2(
      float[] a, int xr, int xi, int yr, int yi, int len, int s, float[] twr, float[] twi) {
    int sub = len / 2;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int i1 = i0 + s * sub;
        float a0r = a[xr + i0];
        float a0i = a[xi + i0];
        float a1r = a[xr + i1];
        float a1i = a[xi + i1];
        int o = q + s * 2 * p;
        a[yr + o] = a0r + a1r;
        a[yi + o] = a0i + a1i;
        float dr = a0r - a1r;
        float di = a0i - a1i;
        a[yr + o + s] = dr * w1r - di * w1i;
        a[yi + o + s] = dr * w1i + di * w1r;
      }
    }
  }

  private static void stage3(
      float[] a, int xr, int xi, int yr, int yi, int len, int s, float[] twr, float[] twi) {
    int sub = len / 3;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      float w2r = twr[sub + p];
      float w2i = twi[sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int i1 = i0 + s * sub;
        int i2 = i1 + s * sub;
        float a0r = a[xr + i0];
        float a0i = a[xi + i0];
        float a1r = a[xr + i1];
        float a1i = a[xi + i1];
        float a2r = a[xr + i2];
        float a2i = a[xi + i2];
        float tr = a1r + a2r;
        float ti = a1i + a2i;
        float ur = a0r - 0.5f * tr;
        float ui = a0i - 0.5f * ti;
        // -i * S3 * (a1 - a2)
        float vr = S3 * (a1i - a2i);
        float vi = -S3 * (a1r - a2r);
        int o = q + s * 3 * p;
        a[yr + o] = a0r + tr;
        a[yi + o] = a0i + ti;
        float b1r = ur + vr;
        float b1i = ui + vi;
        float b2r = ur - vr;
        float b2i = ui - vi;
        a[yr + o + s] = b1r * w1r - b1i * w1i;
        a[yi + o + s] = b1r * w1i + b1i * w1r;
        a[yr + o + 2 * s] = b2r * w2r - b2i * w2i;
        a[yi + o + 2 * s] = b2r * w2i + b2i * w2r;
      }
    }
  }

  private static void stage4(
      float[] a, int xr, int xi, int yr, int yi, int len, int s, float[] twr, float[] twi) {
    int sub = len / 4;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      float w2r = twr[sub + p];
      float w2i = twi[sub + p];
      float w3r = twr[2 * sub + p];
      float w3i = twi[2 * sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int i1 = i0 + s * sub;
        int i2 = i1 + s * sub;
        int i3 = i2 + s * sub;
        float a0r = a[xr + i0];
        float a0i = a[xi + i0];
        float a1r = a[xr + i1];
        float a1i = a[xi + i1];
        float a2r = a[xr + i2];
        float a2i = a[xi + i2];
        float a3r = a[xr + i3];
        float a3i = a[xi + i3];
        float s02r = a0r + a2r;
        float s02i = a0i + a2i;
        float d02r = a0r - a2r;
        float d02i = a0i - a2i;
        float s13r = a1r + a3r;
        float s13i = a1i + a3i;
        // -i * (a1 - a3)
        float d13r = a1i - a3i;
        float d13i = -(a1r - a3r);
        int o = q + s * 4 * p;
        a[yr + o] = s02r + s13r;
        a[yi + o] = s02i + s13i;
        float b1r = d02r + d13r;
        float b1i = d02i + d13i;
        float b2r = s02r - s13r;
        float b2i = s02i - s13i;
        float b3r = d02r - d13r;
        float b3i = d02i - d13i;
        a[yr + o + s] = b1r * w1r - b1i * w1i;
        a[yi + o + s] = b1r * w1i + b1i * w1r;
        a[yr + o + 2 * s] = b2r * w2r - b2i * w2i;
        a[yi + o + 2 * s] = b2r * w2i + b2i * w2r;
        a[yr + o + 3 * s] = b3r * w3r - b3i * w3i;
        a[yi + o + 3 * s] = b3r * w3i + b3i * w3r;
      }
    }
  }

  private static void stage5(
      float[] a, int xr, int xi, int yr, int yi, int len, int s, float[] twr, float[] twi) {
    int sub = len / 5;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      float w2r = twr[sub + p];
      float w2i = twi[sub + p];
      float w3r = twr[2 * sub + p];
      float w3i = twi[2 * sub + p];
      float w4r = twr[3 * sub + p];
      float w4i = twi[3 * sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int i1 = i0 + s * sub;
        int i2 = i1 + s * sub;
        int i3 = i2 + s * sub;
        int i4 = i3 + s * sub;
        float a0r = a[xr + i0];
        float a0i = a[xi + i0];
        float a1r = a[xr + i1];
        float a1i = a[xi + i1];
        float a2r = a[xr + i2];
        float a2i = a[xi + i2];
        float a3r = a[xr + i3];
        float a3i = a[xi + i3];
        float a4r = a[xr + i4];
        float a4i = a[xi + i4];
        float t1r = a1r + a4r;
        float t1i = a1i + a4i;
        float t2r = a2r + a3r;
        float t2i = a2i + a3i;
        float t3r = a1r - a4r;
        float t3i = a1i - a4i;
        float t4r = a2r - a3r;
        float t4i = a2i - a3i;
        float c1r = a0r + C5_1 * t1r + C5_2 * t2r;
        float c1i = a0i + C5_1 * t1i + C5_2 * t2i;
        float c2r = a0r + C5_2 * t1r + C5_1 * t2r;
        float c2i = a0i + C5_2 * t1i + C5_1 * t2i;
        // u = s1 t3 + s2 t4, v = s2 t3 - s1 t4; b1 = c1 - i u, b4 = c1 + i u, b2 = c2 - i v, b3 = c2 + i v
        float ur = S5_1 * t3r + S5_2 * t4r;
        float ui = S5_1 * t3i + S5_2 * t4i;
        float vr = S5_2 * t3r - S5_1 * t4r;
        float vi = S5_2 * t3i - S5_1 * t4i;
        float b1r = c1r + ui;
        float b1i = c1i - ur;
        float b4r = c1r - ui;
        float b4i = c1i + ur;
        float b2r = c2r + vi;
        float b2i = c2i - vr;
        float b3r = c2r - vi;
        float b3i = c2i + vr;
        int o = q + s * 5 * p;
        a[yr + o] = a0r + t1r + t2r;
        a[yi + o] = a0i + t1i + t2i;
        a[yr + o + s] = b1r * w1r - b1i * w1i;
        a[yi + o + s] = b1r * w1i + b1i * w1r;
        a[yr + o + 2 * s] = b2r * w2r - b2i * w2i;
        a[yi + o + 2 * s] = b2r * w2i + b2i * w2r;
        a[yr + o + 3 * s] = b3r * w3r - b3i * w3i;
        a[yi + o + 3 * s] = b3r * w3i + b3i * w3r;
        a[yr + o + 4 * s] = b4r * w4r - b4i * w4i;
        a[yi + o + 4 * s] = b4r * w4i + b4i * w4r;
      }
    }
  }
}
