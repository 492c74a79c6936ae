package io.ser4j.audio;

/**
 * Power spectra of a batch of real frames at once, laid out point-major ({@code [point][frame]}) so
 * that every butterfly is a loop over frames of the form {@code y[f] = op(x0[f], x1[f], ...)}, which
 * HotSpot's C2 compiles to SIMD instructions. The algorithm is {@link RealFft}'s (pack the {@code n}
 * reals as {@code n/2} complex values, mixed-radix Stockham FFT with radices 4, 2, 3, 5, untangle),
 * with each scalar operation replaced by a loop over the frames of the batch.
 *
 * <p>Instances are immutable and thread-safe; each thread uses its own {@link Workspace}.
 */
final class FrameBatchFft {
  private static final double TWO_PI = 2.0 * Math.PI;
  private static final float C5_1 = (float) Math.cos(TWO_PI / 5);
  private static final float C5_2 = (float) Math.cos(2 * TWO_PI / 5);
  private static final float S5_1 = (float) Math.sin(TWO_PI / 5);
  private static final float S5_2 = (float) Math.sin(2 * TWO_PI / 5);
  private static final float S3 = (float) Math.sin(TWO_PI / 3);

  private final int n;
  private final int m;
  private final int batch;
  private final int[] radices;
  private final float[][] twRe; // per stage: index (k-1) * (len/r) + p
  private final float[][] twIm;
  private final float[] postRe;
  private final float[] postIm;

  /**
   * @param n frame length: even, {@code n/2} a product of 2, 3 and 5
   * @param batch frames per batch (positive)
   * @throws IllegalArgumentException otherwise (a programming error inside this package)
   */
  FrameBatchFft(int n, int batch) {
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

  /** Frames per batch. */
  int batch() {
    return batch;
  }

  /** Per-thread buffers. Not thread-safe. */
  final class Workspace {
    /** Input: {@code even[j][f]} = sample {@code 2j} of frame {@code f}, {@code j < n/2}. */
    final float[][] even = new float[m][batch];
    /** Input: {@code odd[j][f]} = sample {@code 2j + 1} of frame {@code f}. */
    final float[][] odd = new float[m][batch];
    /** Output: {@code power[k][f] = |X_f[k]|^2}, {@code k = 0..n/2}. */
    final float[][] power = new float[m + 1][batch];

    private final float[][] tRe = new float[m][batch];
    private final float[][] tIm = new float[m][batch];
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
    stages(ws, ws.even, ws.odd, ws.tRe, ws.tIm, 0, count);
  }

  /**
   * Computes {@code ws.power} for {@code count} windowed frames read straight from a signal: frame
   * {@code f} is {@code signal[start + f * hop + i] * window[i]}, {@code i < n}, where {@code
   * windowEven[j] = window[2j]} and {@code windowOdd[j] = window[2j + 1]}. The caller guarantees
   * {@code start + (count - 1) * hop + n <= signal.length}. When the first radix is 4 the windowing
   * is fused into the first butterfly stage.
   */
  void powerOfFrames(
      float[] signal, int start, int hop, float[] windowEven, float[] windowOdd, Workspace ws,
      int count) {
    if (radices[0] != 4) {
      for (int j = 0; j < m; j++) {
        float[] ej = ws.even[j];
        float[] oj = ws.odd[j];
        int idx = start + 2 * j;
        for (int f = 0; f < count; f++, idx += hop) {
          ej[f] = signal[idx] * windowEven[j];
          oj[f] = signal[idx + 1] * windowOdd[j];
        }
      }
      power(ws, count);
      return;
    }
    // first stage (radix 4, len = m, s = 1): a_j = z[p + j * sub], z[i] = x[2i] + i x[2i + 1]
    int sub = m / 4;
    float[] twr = twRe[0];
    float[] twi = twIm[0];
    float[][] yr = ws.tRe;
    float[][] yi = ws.tIm;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      float w2r = twr[sub + p];
      float w2i = twi[sub + p];
      float w3r = twr[2 * sub + p];
      float w3i = twi[2 * sub + p];
      float we0 = windowEven[p];
      float wo0 = windowOdd[p];
      float we1 = windowEven[p + sub];
      float wo1 = windowOdd[p + sub];
      float we2 = windowEven[p + 2 * sub];
      float wo2 = windowOdd[p + 2 * sub];
      float we3 = windowEven[p + 3 * sub];
      float wo3 = windowOdd[p + 3 * sub];
      float[] b0r = yr[4 * p];
      float[] b0i = yi[4 * p];
      float[] b1r = yr[4 * p + 1];
      float[] b1i = yi[4 * p + 1];
      float[] b2r = yr[4 * p + 2];
      float[] b2i = yi[4 * p + 2];
      float[] b3r = yr[4 * p + 3];
      float[] b3i = yi[4 * p + 3];
      int idx = start + 2 * p;
      int d = 2 * sub;
      for (int f = 0; f < count; f++, idx += hop) {
        float a0r = signal[idx] * we0;
        float a0i = signal[idx + 1] * wo0;
        float a1r = signal[idx + d] * we1;
        float a1i = signal[idx + d + 1] * wo1;
        float a2r = signal[idx + 2 * d] * we2;
        float a2i = signal[idx + 2 * d + 1] * wo2;
        float a3r = signal[idx + 3 * d] * we3;
        float a3i = signal[idx + 3 * d + 1] * wo3;
        float s02r = a0r + a2r;
        float s02i = a0i + a2i;
        float d02r = a0r - a2r;
        float d02i = a0i - a2i;
        float s13r = a1r + a3r;
        float s13i = a1i + a3i;
        float d13r = a1i - a3i; // -i (a1 - a3)
        float d13i = a3r - a1r;
        b0r[f] = s02r + s13r;
        b0i[f] = s02i + s13i;
        float c1r = d02r + d13r;
        float c1i = d02i + d13i;
        float c2r = s02r - s13r;
        float c2i = s02i - s13i;
        float c3r = d02r - d13r;
        float c3i = d02i - d13i;
        b1r[f] = c1r * w1r - c1i * w1i;
        b1i[f] = c1r * w1i + c1i * w1r;
        b2r[f] = c2r * w2r - c2i * w2i;
        b2i[f] = c2r * w2i + c2i * w2r;
        b3r[f] = c3r * w3r - c3i * w3i;
        b3i[f] = c3r * w3i + c3i * w3r;
      }
    }
    stages(ws, ws.tRe, ws.tIm, ws.even, ws.odd, 1, count);
  }

  /** Runs stages {@code firstStage..} from (xr, xi), then untangles into {@code ws.power}. */
  private void stages(
      Workspace ws, float[][] xr, float[][] xi, float[][] yr, float[][] yi, int firstStage,
      int count) {
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
      float[][] t = xr;
      xr = yr;
      yr = t;
      t = xi;
      xi = yi;
      yi = t;
      len /= r;
      s *= r;
    }
    // Z = E + iO in (xr, xi); X[k] = E[k] + w^k O[k]
    float[][] power = ws.power;
    for (int k = 0; k <= m; k++) {
      float[] z1r = xr[k == m ? 0 : k];
      float[] z1i = xi[k == m ? 0 : k];
      float[] z2r = xr[k == 0 ? 0 : m - k];
      float[] z2i = xi[k == 0 ? 0 : m - k];
      float wr = 0.5f * postRe[k];
      float wi = 0.5f * postIm[k];
      float[] pk = power[k];
      for (int f = 0; f < count; f++) {
        float er = z1r[f] + z2r[f];
        float ei = z1i[f] - z2i[f];
        float or = z1i[f] + z2i[f];
        float oi = z2r[f] - z1r[f];
        float re = 0.5f * er + wr * or - wi * oi;
        float im = 0.5f * ei + wr * oi + wi * or;
        pk[f] = re * re + im * im;
      }
    }
  }

  private static void stage2(
      float[][] xr, float[][] xi, float[][] yr, float[][] yi, int len, int s, float[] twr,
      float[] twi, int count) {
    int sub = len / 2;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 2 * p;
        float[] a0r = xr[i0];
        float[] a0i = xi[i0];
        float[] a1r = xr[i0 + st];
        float[] a1i = xi[i0 + st];
        float[] b0r = yr[o];
        float[] b0i = yi[o];
        float[] b1r = yr[o + s];
        float[] b1i = yi[o + s];
        for (int f = 0; f < count; f++) {
          float dr = a0r[f] - a1r[f];
          float di = a0i[f] - a1i[f];
          b0r[f] = a0r[f] + a1r[f];
          b0i[f] = a0i[f] + a1i[f];
          b1r[f] = dr * w1r - di * w1i;
          b1i[f] = dr * w1i + di * w1r;
        }
      }
    }
  }

  private static void stage3(
      float[][] xr, float[][] xi, float[][] yr, float[][] yi, int len, int s, float[] twr,
      float[] twi, int count) {
    int sub = len / 3;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      float w2r = twr[sub + p];
      float w2i = twi[sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 3 * p;
        float[] a0r = xr[i0];
        float[] a0i = xi[i0];
        float[] a1r = xr[i0 + st];
        float[] a1i = xi[i0 + st];
        float[] a2r = xr[i0 + 2 * st];
        float[] a2i = xi[i0 + 2 * st];
        float[] b0r = yr[o];
        float[] b0i = yi[o];
        float[] b1r = yr[o + s];
        float[] b1i = yi[o + s];
        float[] b2r = yr[o + 2 * s];
        float[] b2i = yi[o + 2 * s];
        for (int f = 0; f < count; f++) {
          float tr = a1r[f] + a2r[f];
          float ti = a1i[f] + a2i[f];
          float ur = a0r[f] - 0.5f * tr;
          float ui = a0i[f] - 0.5f * ti;
          float vr = S3 * (a1i[f] - a2i[f]);
          float vi = S3 * (a2r[f] - a1r[f]);
          b0r[f] = a0r[f] + tr;
          b0i[f] = a0i[f] + ti;
          float c1r = ur + vr;
          float c1i = ui + vi;
          float c2r = ur - vr;
          float c2i = ui - vi;
          b1r[f] = c1r * w1r - c1i * w1i;
          b1i[f] = c1r * w1i + c1i * w1r;
          b2r[f] = c2r * w2r - c2i * w2i;
          b2i[f] = c2r * w2i + c2i * w2r;
        }
      }
    }
  }

  private static void stage4(
      float[][] xr, float[][] xi, float[][] yr, float[][] yi, int len, int s, float[] twr,
      float[] twi, int count) {
    int sub = len / 4;
    int st = s * sub;
    for (int p = 0; p < sub; p++) {
      float w1r = twr[p];
      float w1i = twi[p];
      float w2r = twr[sub + p];
      float w2i = twi[sub + p];
      float w3r = twr[2 * sub + p];
      float w3i = twi[2 * sub + p];
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 4 * p;
        float[] a0r = xr[i0];
        float[] a0i = xi[i0];
        float[] a1r = xr[i0 + st];
        float[] a1i = xi[i0 + st];
        float[] a2r = xr[i0 + 2 * st];
        float[] a2i = xi[i0 + 2 * st];
        float[] a3r = xr[i0 + 3 * st];
        float[] a3i = xi[i0 + 3 * st];
        float[] b0r = yr[o];
        float[] b0i = yi[o];
        float[] b1r = yr[o + s];
        float[] b1i = yi[o + s];
        float[] b2r = yr[o + 2 * s];
        float[] b2i = yi[o + 2 * s];
        float[] b3r = yr[o + 3 * s];
        float[] b3i = yi[o + 3 * s];
        for (int f = 0; f < count; f++) {
          float s02r = a0r[f] + a2r[f];
          float s02i = a0i[f] + a2i[f];
          float d02r = a0r[f] - a2r[f];
          float d02i = a0i[f] - a2i[f];
          float s13r = a1r[f] + a3r[f];
          float s13i = a1i[f] + a3i[f];
          float d13r = a1i[f] - a3i[f]; // -i (a1 - a3)
          float d13i = a3r[f] - a1r[f];
          b0r[f] = s02r + s13r;
          b0i[f] = s02i + s13i;
          float c1r = d02r + d13r;
          float c1i = d02i + d13i;
          float c2r = s02r - s13r;
          float c2i = s02i - s13i;
          float c3r = d02r - d13r;
          float c3i = d02i - d13i;
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
      float[][] xr, float[][] xi, float[][] yr, float[][] yi, int len, int s, float[] twr,
      float[] twi, int count) {
    int sub = len / 5;
    int st = s * sub;
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
        int o = q + s * 5 * p;
        float[] a0r = xr[i0];
        float[] a0i = xi[i0];
        float[] a1r = xr[i0 + st];
        float[] a1i = xi[i0 + st];
        float[] a2r = xr[i0 + 2 * st];
        float[] a2i = xi[i0 + 2 * st];
        float[] a3r = xr[i0 + 3 * st];
        float[] a3i = xi[i0 + 3 * st];
        float[] a4r = xr[i0 + 4 * st];
        float[] a4i = xi[i0 + 4 * st];
        float[] b0r = yr[o];
        float[] b0i = yi[o];
        float[] b1r = yr[o + s];
        float[] b1i = yi[o + s];
        float[] b2r = yr[o + 2 * s];
        float[] b2i = yi[o + 2 * s];
        float[] b3r = yr[o + 3 * s];
        float[] b3i = yi[o + 3 * s];
        float[] b4r = yr[o + 4 * s];
        float[] b4i = yi[o + 4 * s];
        for (int f = 0; f < count; f++) {
          float x0r = a0r[f];
          float x0i = a0i[f];
          float t1r = a1r[f] + a4r[f];
          float t1i = a1i[f] + a4i[f];
          float t2r = a2r[f] + a3r[f];
          float t2i = a2i[f] + a3i[f];
          float t3r = a1r[f] - a4r[f];
          float t3i = a1i[f] - a4i[f];
          float t4r = a2r[f] - a3r[f];
          float t4i = a2i[f] - a3i[f];
          float c1r = x0r + C5_1 * t1r + C5_2 * t2r;
          float c1i = x0i + C5_1 * t1i + C5_2 * t2i;
          float c2r = x0r + C5_2 * t1r + C5_1 * t2r;
          float c2i = x0i + C5_2 * t1i + C5_1 * t2i;
          float ur = S5_1 * t3r + S5_2 * t4r;
          float ui = S5_1 * t3i + S5_2 * t4i;
          float vr = S5_2 * t3r - S5_1 * t4r;
          float vi = S5_2 * t3i - S5_1 * t4i;
          float d1r = c1r + ui;
          float d1i = c1i - ur;
          float d4r = c1r - ui;
          float d4i = c1i + ur;
          float d2r = c2r + vi;
          float d2i = c2i - vr;
          float d3r = c2r - vi;
          float d3i = c2i + vr;
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
      float[][] xr, float[][] xi, float[][] yr, float[][] yi, int s, int count) {
    int st = s;
    int p = 0;
    {
      for (int q = 0; q < s; q++) {
        int i0 = q + s * p;
        int o = q + s * 5 * p;
        float[] a0r = xr[i0];
        float[] a0i = xi[i0];
        float[] a1r = xr[i0 + st];
        float[] a1i = xi[i0 + st];
        float[] a2r = xr[i0 + 2 * st];
        float[] a2i = xi[i0 + 2 * st];
        float[] a3r = xr[i0 + 3 * st];
        float[] a3i = xi[i0 + 3 * st];
        float[] a4r = xr[i0 + 4 * st];
        float[] a4i = xi[i0 + 4 * st];
        float[] b0r = yr[o];
        float[] b0i = yi[o];
        float[] b1r = yr[o + s];
        float[] b1i = yi[o + s];
        float[] b2r = yr[o + 2 * s];
        float[] b2i = yi[o + 2 * s];
        float[] b3r = yr[o + 3 * s];
        float[] b3i = yi[o + 3 * s];
        float[] b4r = yr[o + 4 * s];
        float[] b4i = yi[o + 4 * s];
        for (int f = 0; f < count; f++) {
          float x0r = a0r[f];
          float x0i = a0i[f];
          float t1r = a1r[f] + a4r[f];
          float t1i = a1i[f] + a4i[f];
          float t2r = a2r[f] + a3r[f];
          float t2i = a2i[f] + a3i[f];
          float t3r = a1r[f] - a4r[f];
          float t3i = a1i[f] - a4i[f];
          float t4r = a2r[f] - a3r[f];
          float t4i = a2i[f] - a3i[f];
          float c1r = x0r + C5_1 * t1r + C5_2 * t2r;
          float c1i = x0i + C5_1 * t1i + C5_2 * t2i;
          float c2r = x0r + C5_2 * t1r + C5_1 * t2r;
          float c2i = x0i + C5_2 * t1i + C5_1 * t2i;
          float ur = S5_1 * t3r + S5_2 * t4r;
          float ui = S5_1 * t3i + S5_2 * t4i;
          float vr = S5_2 * t3r - S5_1 * t4r;
          float vi = S5_2 * t3i - S5_1 * t4i;
          float d1r = c1r + ui;
          float d1i = c1i - ur;
          float d4r = c1r - ui;
          float d4i = c1i + ur;
          float d2r = c2r + vi;
          float d2i = c2i - vr;
          float d3r = c2r - vi;
          float d3i = c2i + vr;
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
