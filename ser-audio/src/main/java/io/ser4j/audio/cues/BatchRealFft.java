package io.ser4j.audio.cues;

/**
 * Double-precision twin of {@code io.ser4j.audio.FrameBatchFft} (same algorithm and layout, with an
 * extra real-part output for inverse transforms of even spectra), used by {@link
 * PeriodicityAnalysis} for the autocorrelations of a batch of pitch frames.
 *
 * <p>Power spectra of a batch of real frames at once, laid out point-major ({@code [point][frame]}) so
 * that every butterfly is a loop over frames of the form {@code y[f] = op(x0[f], x1[f], ...)}, which
 * HotSpot's C2 compiles to SIMD instructions. The algorithm is {@code io.ser4j.audio.RealFft}'s (pack the {@code n}
 * reals as {@code n/2} complex values, mixed-radix Stockham FFT with radices 4, 2, 3, 5, untangle),
 * with each scalar operation replaced by a loop over the frames of the batch.
 *
 * <p>Instances are immutable and thread-safe; each thread uses its own {@link Workspace}.
 */
final class BatchRealFft {
  private static final double TWO_PI = 2.0 * Math.PI;
  private static final double C5_1 = Math.cos(TWO_PI / 5);
  private static final double C5_2 = Math.cos(2 * TWO_PI / 5);
  private static final double S5_1 = Math.sin(TWO_PI / 5);
  private static final double S5_2 = Math.sin(2 * TWO_PI / 5);
  private static final double S3 = Math.sin(TWO_PI / 3);

  private final int n;
  private final int m;
  private final int batch;
  private final int[] radices;
  private final double[][] twRe; // per stage: index (k-1) * (len/r) + p
  private final double[][] twIm;
  private final double[] postRe;
  private final double[] postIm;

  /**
   * @param n frame length: even, {@code n/2} a product of 2, 3 and 5
   * @param batch frames per batch (positive)
   * @throws IllegalArgumentException otherwise (a programming error inside this package)
   */
  BatchRealFft(int n, int batch) {
    if (n < 2 || n % 2 != 0 || batch < 1) {
      throw new IllegalArgumentException("n must be even and >= 2, batch >= 1: " + n + ", " + batch);
    }
    this.n = n;
    this.m = n / 2;
    this.batch = batch;
    int[] tmp = new int[32];
    int count = 0;
    int rest = m;
    for (int r : new int[] {4, 2, 3, 5}) {
      while (rest % r == 0) {
        tmp[count++] = r;
        rest /= r;
      }
    }
    if (rest != 1) {
      throw new IllegalArgumentException("n/2 must factor into 2, 3, 5: " + n);
    }
    this.radices = java.util.Arrays.copyOf(tmp, count);
    this.twRe = new double[count][];
    this.twIm = new double[count][];
    int len = m;
    for (int st = 0; st < count; st++) {
      int r = radices[st];
      int sub = len / r;
      twRe[st] = new double[(r - 1) * sub];
      twIm[st] = new double[(r - 1) * sub];
      for (int k = 1; k < r; k++) {
        for (int p = 0; p < sub; p++) {
          double ang = -TWO_PI * p * k / len;
          twRe[st][(k - 1) * sub + p] = Math.cos(ang);
          twIm[st][(k - 1) * sub + p] = Math.sin(ang);
        }
      }
      len = sub;
    }
    this.postRe = new double[m + 1];
    this.postIm = new double[m + 1];
    for (int k = 0; k <= m; k++) {
      double ang = -TWO_PI * k / n;
      postRe[k] = Math.cos(ang);
      postIm[k] = Math.sin(ang);
    }
  }

  /** Frames per batch. */
  int batch() {
    return batch;
  }

  /** Per-thread buffers. Not thread-safe. */
  final class Workspace {
    /** Input: {@code even[j][f]} = sample {@code 2j} of frame {@code f}, {@code j < n/2}. */
    final double[][] even = new double[m][batch];
    /** Input: {@code odd[j][f]} = sample {@code 2j + 1} of frame {@code f}. */
    final double[][] odd = new double[m][batch];
    /** Output: {@code power[k][f] = |X_f[k]|^2}, {@code k = 0..n/2}. */
    final double[][] power = new double[m + 1][batch];

    /** Output of {@link #spectrum}: {@code imag[k][f] = im X_f[k]}. */
    final double[][] imag = new double[m + 1][batch];

    private final double[][] tRe = new double[m][batch];

    private double[][] rows = new double[0][];

    /**
     * A frame-major scratch of at least {@code frames} rows of at least {@code length} values (for
     * {@link #unload}); reused between calls.
     */
    double[][] rows(int frames, int length) {
      if (rows.length < frames || (rows.length > 0 && rows[0].length < length)) {
        rows = new double[Math.max(frames, batch)][length];
      }
      return rows;
    }

    /** The transform this workspace belongs to. */
    BatchRealFft owner() {
      return BatchRealFft.this;
    }
    private final double[][] tIm = new double[m][batch];
  }

  /** Points per tile of {@link #load}: a tile's rows and frame runs stay in the L1 cache. */
  private static final int LOAD_TILE = 8;

  /**
   * Loads frames {@code 0..count-1} (frame-major: {@code frames[f][i]}, {@code i < length}, zero
   * beyond, up to {@code n}) into the point-major input {@code ws.even}/{@code ws.odd}. Transposes in
   * tiles of {@link #LOAD_TILE} points so that each tile's rows and frame runs stay in the L1
   * cache, instead of writing every frame across all {@code n} rows in turn.
   */
  void load(Workspace ws, double[][] frames, int count, int length) {
    final double[][] even = ws.even;
    final double[][] odd = ws.odd;
    final int full = Math.min(m, length / 2); // rows j < full have both samples inside
    for (int jb = 0; jb < full; jb += LOAD_TILE) {
      final int je = Math.min(full, jb + LOAD_TILE);
      for (int f = 0; f < count; f++) {
        final double[] src = frames[f];
        for (int j = jb; j < je; j++) {
          even[j][f] = src[2 * j];
          odd[j][f] = src[2 * j + 1];
        }
      }
    }
    for (int j = full; j < m; j++) {
      final int i = 2 * j;
      if (i < length) {
        for (int f = 0; f < count; f++) {
          even[j][f] = frames[f][i];
        }
      } else {
        java.util.Arrays.fill(even[j], 0, count, 0.0);
      }
      java.util.Arrays.fill(odd[j], 0, count, 0.0); // i + 1 >= length here
    }
  }

  /**
   * Copies rows {@code from..to} (inclusive) of the point-major {@code src[point][frame]} into the
   * frame-major {@code dst[frame][point]}, frames {@code 0..count-1}, in L1-sized tiles.
   */
  static void unload(double[][] src, int from, int to, int count, double[][] dst) {
    for (int pb = from; pb <= to; pb += LOAD_TILE) {
      final int pe = Math.min(to + 1, pb + LOAD_TILE);
      for (int f = 0; f < count; f++) {
        final double[] d = dst[f];
        for (int p = pb; p < pe; p++) {
          d[p] = src[p][f];
        }
      }
    }
  }

  /** A fresh workspace for one thread. */
  Workspace newWorkspace() {
    return new Workspace();
  }

  /**
   * Computes {@code ws.power} for frames {@code 0..count-1} from {@code ws.even} / {@code ws.odd}
   * (both overwritten).
   */
  void power(Workspace ws, int count) {
    stages(ws, ws.even, ws.odd, ws.tRe, ws.tIm, 0, count, MODE_POWER);
  }

  /**
   * Like {@link #power} but stores the real part {@code re X_f[k]} instead of {@code |X_f[k]|^2} in
   * {@code ws.power}: for a real even input (a power spectrum laid out over the full period) that
   * is its inverse DFT times {@code n}, i.e. an autocorrelation.
   */
  void realPart(Workspace ws, int count) {
    stages(ws, ws.even, ws.odd, ws.tRe, ws.tIm, 0, count, MODE_REAL);
  }

  /**
   * Like {@link #power} but stores the spectrum itself: {@code re X_f[k]} in {@code ws.power} and
   * {@code im X_f[k]} in {@code ws.imag}, {@code k = 0..n/2}.
   */
  void spectrum(Workspace ws, int count) {
    stages(ws, ws.even, ws.odd, ws.tRe, ws.tIm, 0, count, MODE_COMPLEX);
  }

  private static final int MODE_POWER = 0;
  private static final int MODE_REAL = 1;
  private static final int MODE_COMPLEX = 2;

  /** Runs stages {@code firstStage..} from (xr, xi), then untangles into {@code ws.power}. */
  private void stages(
      Workspace ws, double[][] xr, double[][] xi, double[][] yr, double[][] yi, int firstStage,
      int count, int mode) {
    int len = m;
    int s = 1;
    for (int st = 0; st < firstStage; st++) {
      len /= radices[st];
      s *= radices[st];
    }
    for (int st = firstStage; st < radices.length; st++) {
      int r = radices[st];
      switch (r) {
        case 4:
          stage4(xr, xi, yr, yi, len, s, twRe[st], twIm[st], count);
          break;
        case 2:
          stage2(xr, xi, yr, yi, len, s, twRe[st], twIm[st], count);
          break;
        case 3:
          stage3(xr, xi, yr, yi, len, s, twRe[st], twIm[st], count);
          break;
        default:
          if (len == 5) {
            lastStage5(xr, xi, yr, yi, s, count);
          } else {
            stage5(xr, xi, yr, yi, len, s, twRe[st], twIm[st], count);
          }
          break;
      }
      double[][] t = xr;
      xr = yr;
      yr = t;
      t = xi;
      xi = yi;
      yi = t;
      len /= r;
      s *= r;
    }
    // Z = E + iO in (xr, xi); X[k] = E[k] + w^k O[k]
    double[][] power = ws.power;
    for (int k = 0; k <= m; k++) {
      double[] z1r = xr[k == m ? 0 : k];
      double[] z1i = xi[k == m ? 0 : k];
      double[] z2r = xr[k == 0 ? 0 : m - k];
      double[] z2i = xi[k == 0 ? 0 : m - k];
      double wr = 0.5 * postRe[k];
      double wi = 0.5 * postIm[k];
      double[] pk = power[k];
      if (mode == MODE_REAL) {
        for (int f = 0; f < count; f++) {
          pk[f] = 0.5 * (z1r[f] + z2r[f]) + wr * (z1i[f] + z2i[f]) - wi * (z2r[f] - z1r[f]);
        }
        continue;
      }
      if (mode == MODE_COMPLEX) {
        double[] ik = ws.imag[k];
        for (int f = 0; f < count; f++) {
          double er = z1r[f] + z2r[f];
          double ei = z1i[f] - z2i[f];
          double or = z1i[f] + z2i[f];
          double oi = z2r[f] - z1r[f];
          pk[f] = 0.5 * er + wr * or - wi * oi;
          ik[f] = 0.5 * ei + wr * oi + wi * or;
        }
        continue;
      }
      for (int f = 0; f < count; f++) {
        double er = z1r[f] + z2r[f];
        double ei = z1i[f] - z2i[f];
        double or = z1i[f] + z2i[f];
        double oi = z2r[f] - z1r[f];
        double re = 0.5 * er + wr * or - wi * oi;
        double im = 0.5 * ei + wr * oi + wi * or;
        pk[f] = re * re + im * im;
      }
    }
  }

  private static void stage2(
      double[][] xr, double[][] xi, double[][] yr, double[][] yi, int len, int s, double[] twr,
      double[] twi, int count) {
    int sub = len / 2;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      double w1r = twr[p];
      double w1i = twi[p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 2 * p;
        double[] a0r = xr[i0];
        double[] a0i = xi[i0];
        double[] a1r = xr[i0 + st];
        double[] a1i = xi[i0 + st];
        double[] b0r = yr[o];
        double[] b0i = yi[o];
        double[] b1r = yr[o + s];
        double[] b1i = yi[o + s];
        for (int f = 0; f < count; f++) {
          double dr = a0r[f] - a1r[f];
          double di = a0i[f] - a1i[f];
          b0r[f] = a0r[f] + a1r[f];
          b0i[f] = a0i[f] + a1i[f];
          b1r[f] = dr * w1r - di * w1i;
          b1i[f] = dr * w1i + di * w1r;
        }
      }
    }
  }

  private static void stage3(
      double[][] xr, double[][] xi, double[][] yr, double[][] yi, int len, int s, double[] twr,
      double[] twi, int count) {
    int sub = len / 3;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      double w1r = twr[p];
      double w1i = twi[p];
      double w2r = twr[sub + p];
      double w2i = twi[sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 3 * p;
        double[] a0r = xr[i0];
        double[] a0i = xi[i0];
        double[] a1r = xr[i0 + st];
        double[] a1i = xi[i0 + st];
        double[] a2r = xr[i0 + 2 * st];
        double[] a2i = xi[i0 + 2 * st];
        double[] b0r = yr[o];
        double[] b0i = yi[o];
        double[] b1r = yr[o + s];
        double[] b1i = yi[o + s];
        double[] b2r = yr[o + 2 * s];
        double[] b2i = yi[o + 2 * s];
        for (int f = 0; f < count; f++) {
          double tr = a1r[f] + a2r[f];
          double ti = a1i[f] + a2i[f];
          double ur = a0r[f] - 0.5 * tr;
          double ui = a0i[f] - 0.5 * ti;
          double vr = S3 * (a1i[f] - a2i[f]);
          double vi = S3 * (a2r[f] - a1r[f]);
          b0r[f] = a0r[f] + tr;
          b0i[f] = a0i[f] + ti;
          double c1r = ur + vr;
          double c1i = ui + vi;
          double c2r = ur - vr;
          double c2i = ui - vi;
          b1r[f] = c1r * w1r - c1i * w1i;
          b1i[f] = c1r * w1i + c1i * w1r;
          b2r[f] = c2r * w2r - c2i * w2i;
          b2i[f] = c2r * w2i + c2i * w2r;
        }
      }
    }
  }

  private static void stage4(
      double[][] xr, double[][] xi, double[][] yr, double[][] yi, int len, int s, double[] twr,
      double[] twi, int count) {
    int sub = len / 4;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      double w1r = twr[p];
      double w1i = twi[p];
      double w2r = twr[sub + p];
      double w2i = twi[sub + p];
      double w3r = twr[2 * sub + p];
      double w3i = twi[2 * sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 4 * p;
        double[] a0r = xr[i0];
        double[] a0i = xi[i0];
        double[] a1r = xr[i0 + st];
        double[] a1i = xi[i0 + st];
        double[] a2r = xr[i0 + 2 * st];
        double[] a2i = xi[i0 + 2 * st];
        double[] a3r = xr[i0 + 3 * st];
        double[] a3i = xi[i0 + 3 * st];
        double[] b0r = yr[o];
        double[] b0i = yi[o];
        double[] b1r = yr[o + s];
        double[] b1i = yi[o + s];
        double[] b2r = yr[o + 2 * s];
        double[] b2i = yi[o + 2 * s];
        double[] b3r = yr[o + 3 * s];
        double[] b3i = yi[o + 3 * s];
        for (int f = 0; f < count; f++) {
          double s02r = a0r[f] + a2r[f];
          double s02i = a0i[f] + a2i[f];
          double d02r = a0r[f] - a2r[f];
          double d02i = a0i[f] - a2i[f];
          double s13r = a1r[f] + a3r[f];
          double s13i = a1i[f] + a3i[f];
          double d13r = a1i[f] - a3i[f]; // -i (a1 - a3)
          double d13i = a3r[f] - a1r[f];
          b0r[f] = s02r + s13r;
          b0i[f] = s02i + s13i;
          double c1r = d02r + d13r;
          double c1i = d02i + d13i;
          double c2r = s02r - s13r;
          double c2i = s02i - s13i;
          double c3r = d02r - d13r;
          double c3i = d02i - d13i;
          b1r[f] = c1r * w1r - c1i * w1i;
          b1i[f] = c1r * w1i + c1i * w1r;
          b2r[f] = c2r * w2r - c2i * w2i;
          b2i[f] = c2r * w2i + c2i * w2r;
          b3r[f] = c3r * w3r - c3i * w3i;
          b3i[f] = c3r * w3i + c3i * w3r;
        }
      }
    }
  }

  private static void stage5(
      double[][] xr, double[][] xi, double[][] yr, double[][] yi, int len, int s, double[] twr,
      double[] twi, int count) {
    int sub = len / 5;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      double w1r = twr[p];
      double w1i = twi[p];
      double w2r = twr[sub + p];
      double w2i = twi[sub + p];
      double w3r = twr[2 * sub + p];
      double w3i = twi[2 * sub + p];
      double w4r = twr[3 * sub + p];
      double w4i = twi[3 * sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 5 * p;
        double[] a0r = xr[i0];
        double[] a0i = xi[i0];
        double[] a1r = xr[i0 + st];
        double[] a1i = xi[i0 + st];
        double[] a2r = xr[i0 + 2 * st];
        double[] a2i = xi[i0 + 2 * st];
        double[] a3r = xr[i0 + 3 * st];
        double[] a3i = xi[i0 + 3 * st];
        double[] a4r = xr[i0 + 4 * st];
        double[] a4i = xi[i0 + 4 * st];
        double[] b0r = yr[o];
        double[] b0i = yi[o];
        double[] b1r = yr[o + s];
        double[] b1i = yi[o + s];
        double[] b2r = yr[o + 2 * s];
        double[] b2i = yi[o + 2 * s];
        double[] b3r = yr[o + 3 * s];
        double[] b3i = yi[o + 3 * s];
        double[] b4r = yr[o + 4 * s];
        double[] b4i = yi[o + 4 * s];
        for (int f = 0; f < count; f++) {
          double x0r = a0r[f];
          double x0i = a0i[f];
          double t1r = a1r[f] + a4r[f];
          double t1i = a1i[f] + a4i[f];
          double t2r = a2r[f] + a3r[f];
          double t2i = a2i[f] + a3i[f];
          double t3r = a1r[f] - a4r[f];
          double t3i = a1i[f] - a4i[f];
          double t4r = a2r[f] - a3r[f];
          double t4i = a2i[f] - a3i[f];
          double c1r = x0r + C5_1 * t1r + C5_2 * t2r;
          double c1i = x0i + C5_1 * t1i + C5_2 * t2i;
          double c2r = x0r + C5_2 * t1r + C5_1 * t2r;
          double c2i = x0i + C5_2 * t1i + C5_1 * t2i;
          double ur = S5_1 * t3r + S5_2 * t4r;
          double ui = S5_1 * t3i + S5_2 * t4i;
          double vr = S5_2 * t3r - S5_1 * t4r;
          double vi = S5_2 * t3i - S5_1 * t4i;
          double d1r = c1r + ui;
          double d1i = c1i - ur;
          double d4r = c1r - ui;
          double d4i = c1i + ur;
          double d2r = c2r + vi;
          double d2i = c2i - vr;
          double d3r = c2r - vi;
          double d3i = c2i + vr;
          b0r[f] = x0r + t1r + t2r;
          b0i[f] = x0i + t1i + t2i;
          b1r[f] = d1r * w1r - d1i * w1i;
          b1i[f] = d1r * w1i + d1i * w1r;
          b2r[f] = d2r * w2r - d2i * w2i;
          b2i[f] = d2r * w2i + d2i * w2r;
          b3r[f] = d3r * w3r - d3i * w3i;
          b3i[f] = d3r * w3i + d3i * w3r;
          b4r[f] = d4r * w4r - d4i * w4i;
          b4i[f] = d4r * w4i + d4i * w4r;
        }
      }
    }
  }

  /** The last radix-5 stage ({@code len == 5}, one position {@code p = 0}): all twiddles are 1. */
  private static void lastStage5(
      double[][] xr, double[][] xi, double[][] yr, double[][] yi, int s, int count) {
    int st = s;
    int p = 0;
    {
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 5 * p;
        double[] a0r = xr[i0];
        double[] a0i = xi[i0];
        double[] a1r = xr[i0 + st];
        double[] a1i = xi[i0 + st];
        double[] a2r = xr[i0 + 2 * st];
        double[] a2i = xi[i0 + 2 * st];
        double[] a3r = xr[i0 + 3 * st];
        double[] a3i = xi[i0 + 3 * st];
        double[] a4r = xr[i0 + 4 * st];
        double[] a4i = xi[i0 + 4 * st];
        double[] b0r = yr[o];
        double[] b0i = yi[o];
        double[] b1r = yr[o + s];
        double[] b1i = yi[o + s];
        double[] b2r = yr[o + 2 * s];
        double[] b2i = yi[o + 2 * s];
        double[] b3r = yr[o + 3 * s];
        double[] b3i = yi[o + 3 * s];
        double[] b4r = yr[o + 4 * s];
        double[] b4i = yi[o + 4 * s];
        for (int f = 0; f < count; f++) {
          double x0r = a0r[f];
          double x0i = a0i[f];
          double t1r = a1r[f] + a4r[f];
          double t1i = a1i[f] + a4i[f];
          double t2r = a2r[f] + a3r[f];
          double t2i = a2i[f] + a3i[f];
          double t3r = a1r[f] - a4r[f];
          double t3i = a1i[f] - a4i[f];
          double t4r = a2r[f] - a3r[f];
          double t4i = a2i[f] - a3i[f];
          double c1r = x0r + C5_1 * t1r + C5_2 * t2r;
          double c1i = x0i + C5_1 * t1i + C5_2 * t2i;
          double c2r = x0r + C5_2 * t1r + C5_1 * t2r;
          double c2i = x0i + C5_2 * t1i + C5_1 * t2i;
          double ur = S5_1 * t3r + S5_2 * t4r;
          double ui = S5_1 * t3i + S5_2 * t4i;
          double vr = S5_2 * t3r - S5_1 * t4r;
          double vi = S5_2 * t3i - S5_1 * t4i;
          double d1r = c1r + ui;
          double d1i = c1i - ur;
          double d4r = c1r - ui;
          double d4i = c1i + ur;
          double d2r = c2r + vi;
          double d2i = c2i - vr;
          double d3r = c2r - vi;
          double d3i = c2i + vr;
          b0r[f] = x0r + t1r + t2r;
          b0i[f] = x0i + t1i + t2i;
          b1r[f] = d1r;
          b1i[f] = d1i;
          b2r[f] = d2r;
          b2i[f] = d2i;
          b3r[f] = d3r;
          b3i[f] = d3i;
          b4r[f] = d4r;
          b4i[f] = d4i;
        }
      }
    }
  }
}
