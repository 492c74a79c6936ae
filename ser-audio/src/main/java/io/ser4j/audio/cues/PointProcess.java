package io.ser4j.audio.cues;

import java.util.Arrays;
import java.util.Objects;

/**
 * Glottal pulse times ("period marks") as Praat's "Sound &amp; Pitch: To PointProcess (cc)".
 *
 * <p>For each voiced interval of the pitch contour (whole frames, i.e. extended by half a hop on
 * both sides), the first mark is the absolute extremum of the waveform within half a period of the
 * interval's middle; from there marks are placed period by period to the left and right, each at
 * the lag (between 0.8 and 1.25 local periods away) where a one-period window correlates best with
 * the window around the previous mark (parabolically interpolated). Marks are kept when the
 * correlation exceeds 0.3 and the local peak 1% of the global peak; a final mark beyond the
 * interval needs correlation 0.7 and 2.33% of the global peak.
 *
 * <p>Immutable and thread-safe; {@link #fromSoundAndPitch} keeps its state per call.
 *
 * @param startSeconds start of the time domain (0)
 * @param endSeconds end of the time domain (signal duration)
 * @param timesSeconds pulse times in increasing order
 */
public record PointProcess(double startSeconds, double endSeconds, double[] timesSeconds) {
  private static final double MIN_CORRELATION = 0.3;
  private static final double MIN_CORRELATION_LAST = 0.7;
  private static final double MIN_PEAK_FRACTION = 0.01;
  private static final double MIN_PEAK_FRACTION_LAST = 0.023333;
  private static final double NEAREST_PERIOD_FACTOR = 0.8;
  private static final double FARTHEST_PERIOD_FACTOR = 1.25;

  /** Copies the array. */
  public PointProcess {
    Objects.requireNonNull(timesSeconds, "timesSeconds");
    timesSeconds = timesSeconds.clone();
  }

  /** A copy of the pulse times. */
  @Override
  public double[] timesSeconds() {
    return timesSeconds.clone();
  }

  /** Number of pulses. */
  public int size() {
    return timesSeconds.length;
  }

  /** Time of pulse {@code i}. */
  public double timeAt(int i) {
    return timesSeconds[i];
  }

  /**
   * Places period marks by cross-correlation ("To PointProcess (cc)").
   *
   * @param samples mono samples the pitch was computed from
   * @param sampleRate samples per second
   * @param pitch the pitch contour of those samples
   * @return the pulses (empty when nothing is voiced)
   * @throws io.ser4j.core.AudioFormatException for null samples, a non-positive rate, NaN/Inf
   */
  public static PointProcess fromSoundAndPitch(float[] samples, int sampleRate, Pitch pitch) {
    Objects.requireNonNull(pitch, "pitch");
    double[] x = CueInput.toDouble(samples, sampleRate, "point process (cc)");
    return analyze(x, sampleRate, pitch);
  }

  static PointProcess analyze(double[] x, int sampleRate, Pitch pitch) {
    return new Builder(x, sampleRate, pitch).run();
  }

  /** One run of the algorithm; holds the growing point list. */
  private static final class Builder {
    private final double[] x;
    private final int nx;
    private final double dx;
    private final double xmax;
    private final Pitch pitch;
    private double[] t = new double[64];
    private int nt;
    // Outputs of findMaximumCorrelation.
    private double tout;
    private double peakOut;

    Builder(double[] x, int sampleRate, Pitch pitch) {
      this.x = x;
      this.nx = x.length;
      this.dx = 1.0 / sampleRate;
      this.xmax = nx * dx;
      this.pitch = pitch;
    }

    PointProcess run() {
      double globalPeak = 0;
      for (double v : x) {
        globalPeak = Math.max(globalPeak, Math.abs(v));
      }
      double after = 0.0;
      double addedRight = -1e308;
      double[] interval = new double[2];
      while (voicedIntervalAfter(after, interval)) {
        double tleft = interval[0];
        double tright = interval[1];
        double tmiddle = 0.5 * (tleft + tright);
        double f0middle = pitch.valueAt(tmiddle);
        if (Double.isNaN(f0middle)) {
          after = tright;
          continue;
        }
        double tmax = findExtremum(tmiddle - 0.5 / f0middle, tmiddle + 0.5 / f0middle);
        addPoint(tmax);
        double tsave = tmax;
        for (;;) {
          double f0 = pitch.valueAt(tmax);
          if (Double.isNaN(f0)) {
            break;
          }
          tout = tmax;
          double correlation = findMaximumCorrelation(tmax, 1.0 / f0,
              tmax - FARTHEST_PERIOD_FACTOR / f0, tmax - NEAREST_PERIOD_FACTOR / f0);
          tmax = tout;
          if (correlation == -1.0) {
            tmax -= 1.0 / f0;
          }
          if (tmax < tleft) {
            if (correlation > MIN_CORRELATION_LAST && peakOut > MIN_PEAK_FRACTION_LAST * globalPeak
                && tmax - addedRight > NEAREST_PERIOD_FACTOR / f0) {
              addPoint(tmax);
            }
            break;
          }
          if (correlation > MIN_CORRELATION
              && (peakOut == 0.0 || peakOut > MIN_PEAK_FRACTION * globalPeak)) {
            if (tmax - addedRight > NEAREST_PERIOD_FACTOR / f0) {
              addPoint(tmax);
            }
          }
        }
        tmax = tsave;
        for (;;) {
          double f0 = pitch.valueAt(tmax);
          if (Double.isNaN(f0)) {
            break;
          }
          tout = tmax;
          double correlation = findMaximumCorrelation(tmax, 1.0 / f0,
              tmax + NEAREST_PERIOD_FACTOR / f0, tmax + FARTHEST_PERIOD_FACTOR / f0);
          tmax = tout;
          if (correlation == -1.0) {
            tmax += 1.0 / f0;
          }
          if (tmax > tright) {
            if (correlation > MIN_CORRELATION_LAST
                && peakOut > MIN_PEAK_FRACTION_LAST * globalPeak) {
              addPoint(tmax);
              addedRight = tmax;
            }
            break;
          }
          if (correlation > MIN_CORRELATION
              && (peakOut == 0.0 || peakOut > MIN_PEAK_FRACTION * globalPeak)) {
            addPoint(tmax);
            addedRight = tmax;
          }
        }
        after = tright;
      }
      return new PointProcess(0.0, xmax, Arrays.copyOf(t, nt));
    }

    /** Praat's PointProcess_addPoint: append, or insert unless an equal time exists. */
    private void addPoint(double time) {
      if (nt == t.length) {
        t = Arrays.copyOf(t, 2 * nt);
      }
      if (nt == 0 || time >= t[nt - 1]) {
        t[nt++] = time;
        return;
      }
      int pos = Arrays.binarySearch(t, 0, nt, time);
      if (pos >= 0) {
        return;
      }
      int ins = -pos - 1;
      System.arraycopy(t, ins, t, ins + 1, nt - ins);
      t[ins] = time;
      nt++;
    }

    private boolean voicedIntervalAfter(double after, double[] out) {
      int n = pitch.size();
      double dt = pitch.timeStepSeconds();
      double t1 = pitch.firstFrameTimeSeconds();
      int left = (int) Math.ceil((after - t1) / dt);
      if (left > n - 1) {
        return false;
      }
      left = Math.max(left, 0);
      while (left < n && !pitch.isVoiced(left)) {
        left++;
      }
      if (left >= n) {
        return false;
      }
      int right = left;
      while (right < n && pitch.isVoiced(right)) {
        right++;
      }
      right--;
      double tleft = pitch.timeAt(left) - 0.5 * dt;
      double tright = pitch.timeAt(right) + 0.5 * dt;
      if (tleft >= xmax - 0.5 * dt) {
        return false;
      }
      tleft = Math.max(tleft, 0.0);
      tright = Math.min(tright, xmax);
      if (tright <= after) {
        return false;
      }
      out[0] = tleft;
      out[1] = tright;
      return true;
    }

    // Sample-index helpers, 1-based as in Praat (sample i at time (i - 0.5) * dx).
    private double index(double time) {
      return time / dx + 0.5;
    }

    private int lowIndex(double time) {
      return (int) Math.floor(index(time));
    }

    private int highIndex(double time) {
      return (int) Math.ceil(index(time));
    }

    private int nearestIndex(double time) {
      return (int) Math.floor(index(time) + 0.5);
    }

    private double z(int i) {
      return x[i - 1];
    }

    private double findExtremum(double tmin, double tmax) {
      int imin = Math.max(1, lowIndex(tmin));
      int imax = Math.min(highIndex(tmax), nx);
      int n = imax - imin + 1;
      double iext;
      if (n <= 0) {
        iext = 0.0;
      } else if (n == 1) {
        iext = 1.0;
      } else if (n == 2) {
        double a = Math.abs(z(imin));
        double b = Math.abs(z(imin + 1));
        iext = a > b ? 1.0 : a < b ? 2.0 : 1.5;
      } else {
        int iminV = 1;
        int imaxV = 1;
        double minimum = z(imin);
        double maximum = minimum;
        for (int i = 2; i <= n; i++) {
          double v = z(imin + i - 1);
          if (v < minimum) {
            minimum = v;
            iminV = i;
          }
          if (v > maximum) {
            maximum = v;
            imaxV = i;
          }
        }
        if (minimum == maximum) {
          iext = 0.5 * (n + 1.0);
        } else {
          int ie = Math.abs(minimum) > Math.abs(maximum) ? iminV : imaxV;
          if (ie == 1) {
            iext = 1.0;
          } else if (ie == n) {
            iext = n;
          } else {
            double mid = z(imin + ie - 1);
            double left = z(imin + ie - 2);
            double right = z(imin + ie);
            iext = ie + 0.5 * (right - left) / (2 * mid - left - right);
          }
        }
      }
      if (iext != 0.0) {
        return (imin - 1 + iext - 1) * dx + 0.5 * dx;
      }
      return 0.5 * (tmin + tmax);
    }

    /** Scratch of {@link #correlations}, grown as needed. */
    private double[] products = new double[64];

    /**
     * The dot products {@code Σ_k x[a+k]·x[b+s+k]}, {@code k < len}, for all {@code s < count}
     * (one window against {@code count} consecutive shifts), in {@code [0, count)} of the returned
     * scratch array. Four shifts at a time share each load of {@code x[a+k]} and run as four
     * independent add chains; each sum is accumulated in plain order over {@code k}.
     */
    private double[] correlations(int a, int b, int len, int count) {
      if (products.length < count) {
        products = new double[Math.max(count, 2 * products.length)];
      }
      final double[] acc = products;
      final double[] xs = x;
      int s = 0;
      for (; s + 3 < count; s += 4) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        final int o = b + s;
        for (int k = 0; k < len; k++) {
          double xa = xs[a + k];
          s0 += xa * xs[o + k];
          s1 += xa * xs[o + k + 1];
          s2 += xa * xs[o + k + 2];
          s3 += xa * xs[o + k + 3];
        }
        acc[s] = s0;
        acc[s + 1] = s1;
        acc[s + 2] = s2;
        acc[s + 3] = s3;
      }
      for (; s < count; s++) {
        double s0 = 0.0;
        final int o = b + s;
        for (int k = 0; k < len; k++) {
          s0 += xs[a + k] * xs[o + k];
        }
        acc[s] = s0;
      }
      return acc;
    }

    /**
     * Best-correlating time in [tmin2, tmax2] for the window around t1; writes {@link #tout}
     * (unchanged when no maximum was found) and {@link #peakOut}; returns the correlation or −1.
     */
    private double findMaximumCorrelation(double t1, double windowLength, double tmin2,
        double tmax2) {
      double maximumCorrelation = -1.0;
      double r1Best = Double.NaN;
      double r3Best = Double.NaN;
      double ir = Double.NaN;
      double r1 = 0.0;
      double r2 = 0.0;
      double r3 = 0.0;
      double half = 0.5 * windowLength;
      int ileft1 = nearestIndex(t1 - half);
      int iright1 = nearestIndex(t1 + half);
      int ileft2min = lowIndex(tmin2 - half);
      int ileft2max = highIndex(tmax2 - half);
      peakOut = 0.0;
      int bestIleft2 = Integer.MIN_VALUE;
      boolean inside = ileft1 >= 1 && iright1 <= nx && ileft2min >= 1
          && ileft2max + (iright1 - ileft1) <= nx;
      double norm1 = 0.0;
      if (inside) {
        for (int i1 = ileft1; i1 <= iright1; i1++) {
          norm1 += x[i1 - 1] * x[i1 - 1];
        }
      }
      double norm2 = 0.0;
      final double[] products = inside && ileft2max >= ileft2min
          ? correlations(ileft1 - 1, ileft2min - 1, iright1 - ileft1 + 1, ileft2max - ileft2min + 1)
          : null;
      for (int ileft2 = ileft2min; ileft2 <= ileft2max; ileft2++) {
        int shift = ileft2 - ileft1;
        double product = 0.0;
        double n1;
        double n2;
        if (inside) {
          // Whole windows lie inside the signal: norm1 is fixed, norm2 slides.
          if (ileft2 == ileft2min) {
            for (int i1 = ileft1; i1 <= iright1; i1++) {
              norm2 += x[i1 + shift - 1] * x[i1 + shift - 1];
            }
          } else {
            double out = x[ileft2 - 2];
            double in = x[iright1 + shift - 1];
            norm2 += in * in - out * out;
          }
          product = products[ileft2 - ileft2min];
          n1 = norm1;
          n2 = norm2;
        } else {
          n1 = 0.0;
          n2 = 0.0;
          int lo = Math.max(Math.max(1, ileft1), 1 - shift);
          int hi = Math.min(Math.min(nx, iright1), nx - shift);
          for (int i1 = lo; i1 <= hi; i1++) {
            double a1 = x[i1 - 1];
            double a2 = x[i1 + shift - 1];
            n1 += a1 * a1;
            n2 += a2 * a2;
            product += a1 * a2;
          }
        }
        r1 = r2;
        r2 = r3;
        r3 = n1 == 0.0 || n2 <= 0.0 ? 0.0 : product / Math.sqrt(n1 * n2);
        if (r2 > maximumCorrelation && r2 >= r1 && r2 >= r3) {
          r1Best = r1;
          maximumCorrelation = r2;
          r3Best = r3;
          ir = ileft2 - 1;
          bestIleft2 = ileft2; // Praat records the peak of the window just computed (r3's)
        }
      }
      if (bestIleft2 != Integer.MIN_VALUE) {
        int shift = bestIleft2 - ileft1;
        int lo = Math.max(Math.max(1, ileft1), 1 - shift);
        int hi = Math.min(Math.min(nx, iright1), nx - shift);
        for (int i1 = lo; i1 <= hi; i1++) {
          peakOut = Math.max(peakOut, Math.abs(x[i1 + shift - 1]));
        }
      }
      if (maximumCorrelation > -1.0) {
        double interpolatedPeak = Double.NaN;
        double d2r = (maximumCorrelation - r1Best) + (maximumCorrelation - r3Best);
        if (d2r != 0.0) {
          double dr = 0.5 * (r3Best - r1Best);
          interpolatedPeak = maximumCorrelation + 0.5 * dr * dr / d2r;
          ir += dr / d2r;
        }
        double peakTime = t1 + (ir - ileft1) * dx;
        if (peakTime >= tmin2 && peakTime <= tmax2) {
          tout = peakTime;
          if (!Double.isNaN(interpolatedPeak)) {
            maximumCorrelation = interpolatedPeak;
          }
        } else {
          double middleDistance = Math.sqrt(Math.max(0.0, (tmin2 - t1) * (tmax2 - t1)));
          tout = tmin2 < t1 ? t1 - middleDistance : t1 + middleDistance;
          if (r3 > maximumCorrelation) {
            maximumCorrelation = r3;
          }
        }
      }
      return maximumCorrelation;
    }
  }
}
