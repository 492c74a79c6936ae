package io.ser4j.audio.cues;

import io.ser4j.core.AudioFormatException;
import java.util.Arrays;

/**
 * Praat-compatible intensity contour: the equivalent of Praat's {@code Sound: To Intensity:
 * minimumPitch, timeStep, "yes"} (Boersma &amp; Weenink, <i>Praat</i>, {@code
 * fon/Sound_to_Intensity.cpp}; this is an independent Java implementation of the documented
 * algorithm).
 *
 * <p>Algorithm: the samples are taken as sound pressure in Pa (Praat's convention, so a full-scale
 * sine reads ≈ 91 dB and a full-scale square wave ≈ 94 dB). Each frame takes the samples within
 * ±3.2/minimumPitch seconds of its centre (a physical window of 6.4/minimumPitch s, whose effective
 * length is 3.2/minimumPitch s), subtracts their plain mean (the "subtract mean pressure" option),
 * and forms the Kaiser-window-weighted mean square {@code Σ w·x² / Σ w} with {@code w =
 * I0((2π²+0.5)·sqrt(1 − (i/h)²))}; the frame value is {@code 10·log10(meanSquare / (2e-5 Pa)²)} dB,
 * or {@value #SILENT_FRAME_DB} dB when that ratio is below 1e-30 (digital silence). Frames are laid
 * out as Praat's {@code Sampled_shortTermAnalysis} does: {@code n = floor((T − window)/step) + 1}
 * frames centred on the clip's midpoint; a clip shorter than the physical window gives an empty
 * contour (Praat refuses it with an error). A time step of 0 means Praat's automatic step {@code
 * 0.8/minimumPitch}.
 *
 * <p>Instances precompute the window for one sample rate and are immutable and thread-safe; {@link
 * #compute} is a one-shot convenience.
 */
public final class Intensity {
  /** Praat's default minimum pitch for intensity analysis (Hz). */
  public static final double DEFAULT_MIN_PITCH_HZ = 100.0;
  /** ser4j's intensity time step (s). */
  public static final double DEFAULT_TIME_STEP_S = 0.01;
  /** Reference pressure for dB SPL (Pa). */
  public static final double HEARING_THRESHOLD_PA = 2.0e-5;
  /** Praat's value for a frame whose mean square is below 1e-30 of the reference. */
  public static final double SILENT_FRAME_DB = -300.0;
  /**
   * Frames below this level (dB re 2e-5 Pa) are digital silence for the summary statistics: 16-bit
   * quantisation noise alone sits near −7 dB on this scale, so nothing audible is excluded.
   */
  public static final double STATISTICS_FLOOR_DB = -30.0;
  /** Periods of the minimum pitch in the effective window (Praat's constant). */
  public static final double PERIODS_PER_WINDOW = 3.2;
  /** Kaiser window shape parameter used by Praat, 2π² + 0.5. */
  public static final double KAISER_BETA = 2.0 * Math.PI * Math.PI + 0.5;

  private static final double MIN_RATIO = 1.0e-30;

  private final int sampleRateHz;
  private final double minPitchHz;
  private final double timeStepS;
  private final double physicalWindowS;
  private final int halfWindowSamples;
  private final double[] window; // [2*half + 1], centre at index half
  private final double windowSum;

  private Intensity(int sampleRateHz, double minPitchHz, double timeStepS) {
    if (sampleRateHz <= 0) {
      throw new AudioFormatException("<samples>", "sample rate must be positive, got " + sampleRateHz);
    }
    if (!(minPitchHz > 0) || Double.isInfinite(minPitchHz)) {
      throw new IllegalArgumentException("minimum pitch must be positive and finite, got " + minPitchHz);
    }
    if (!(timeStepS >= 0) || Double.isInfinite(timeStepS)) {
      throw new IllegalArgumentException("time step must be >= 0 (0 = automatic), got " + timeStepS);
    }
    this.sampleRateHz = sampleRateHz;
    this.minPitchHz = minPitchHz;
    // The same expression order as Praat, so that frame counts agree to the last bit.
    double maximumPeriod = 1.0 / minPitchHz;
    double logicalWindow = PERIODS_PER_WINDOW * maximumPeriod;
    this.timeStepS = timeStepS == 0.0 ? logicalWindow / 4.0 : timeStepS;
    this.physicalWindowS = 2.0 * logicalWindow;
    double dx = 1.0 / sampleRateHz;
    double halfWindow = 0.5 * physicalWindowS;
    this.halfWindowSamples = (int) Math.floor(halfWindow / dx);
    this.window = new double[2 * halfWindowSamples + 1];
    double norm = ProsodyMath.besselI0(KAISER_BETA);
    for (int i = -halfWindowSamples; i <= halfWindowSamples; i++) {
      double x = i * dx / halfWindow;
      double root = Math.sqrt(Math.max(0.0, 1.0 - x * x));
      window[i + halfWindowSamples] = ProsodyMath.besselI0(KAISER_BETA * root) / norm;
    }
    this.windowSum = sum(window, 0, window.length);
  }

  /**
   * An analyser for one sample rate.
   *
   * @param sampleRateHz sample rate of the clips to analyse, &gt; 0
   * @param minPitchHz minimum pitch (Hz) that sets the window, e.g. {@link #DEFAULT_MIN_PITCH_HZ}
   * @param timeStepS hop between frames (s), or 0 for Praat's automatic {@code 0.8/minPitchHz}
   * @throws AudioFormatException if the sample rate is not positive
   * @throws IllegalArgumentException if the pitch or step is not positive/finite
   */
  public static Intensity create(int sampleRateHz, double minPitchHz, double timeStepS) {
    return new Intensity(sampleRateHz, minPitchHz, timeStepS);
  }

  /**
   * One-shot {@code Sound: To Intensity: minPitchHz, timeStepS, "yes"}.
   *
   * @param samples mono samples taken as Pa
   * @param sampleRateHz their sample rate, &gt; 0
   * @param minPitchHz minimum pitch (Hz)
   * @param timeStepS hop (s), 0 = automatic
   * @return the contour (empty when the clip is shorter than the window)
   * @throws AudioFormatException if the rate is not positive or the samples are null or not finite
   * @see #create(int, double, double)
   * @see #contour(float[])
   */
  public static Contour compute(float[] samples, int sampleRateHz, double minPitchHz, double timeStepS) {
    return create(sampleRateHz, minPitchHz, timeStepS).contour(samples);
  }

  /** The sample rate this analyser expects. */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /** The minimum pitch (Hz). */
  public double minPitchHz() {
    return minPitchHz;
  }

  /** The hop between frames (s), after resolving 0 to Praat's automatic step. */
  public double timeStepS() {
    return timeStepS;
  }

  /** The physical window length (s), 6.4 / minimum pitch. */
  public double physicalWindowS() {
    return physicalWindowS;
  }

  /**
   * The intensity contour of {@code samples} (mono, at {@link #sampleRateHz()}, taken as Pa).
   *
   * @return the contour; empty (zero frames) when the clip is shorter than the physical window
   * @throws AudioFormatException if {@code samples} is null or holds NaN/infinite values
   */
  public Contour contour(float[] samples) {
    if (samples == null) {
      throw new AudioFormatException("<samples>", "samples are null");
    }
    int nx = samples.length;
    double dx = 1.0 / sampleRateHz;
    double x1 = 0.5 * dx;
    double duration = nx * dx;
    if (physicalWindowS > duration || nx == 0) {
      checkFinite(samples);
      return new Contour(Double.NaN, timeStepS, new double[0]);
    }
    int numberOfFrames = (int) Math.floor((duration - physicalWindowS) / timeStepS) + 1;
    double midTime = x1 - 0.5 * dx + 0.5 * duration;
    double t1 = midTime - 0.5 * numberOfFrames * timeStepS + 0.5 * timeStepS;

    // prefix sums give each frame's plain mean in O(1); also detects NaN/Inf in one pass
    double[] prefix = new double[nx + 1];
    double acc = 0;
    for (int i = 0; i < nx; i++) {
      acc += samples[i];
      prefix[i + 1] = acc;
    }
    if (!Double.isFinite(acc)) {
      checkFinite(samples);
    }

    double[] db = new double[numberOfFrames];
    int h = halfWindowSamples;
    double[] w = window;
    double[] terms = new double[w.length];
    for (int f = 0; f < numberOfFrames; f++) {
      double midT = t1 + f * timeStepS;
      int centre = (int) Math.floor((midT - x1) / dx + 0.5); // 0-based nearest sample
      int left = Math.max(0, centre - h);
      int right = Math.min(nx - 1, centre + h);
      if (right < left) {
        db[f] = SILENT_FRAME_DB;
        continue;
      }
      int count = right - left + 1;
      double mean = (prefix[right + 1] - prefix[left]) / count;
      int wOff = left - centre + h;
      double sumW = count == w.length ? windowSum : sum(w, wOff, count);
      double meanSquare = weightedSquares(samples, left, w, wOff, count, mean, terms) / sumW;
      double ratio = meanSquare / (HEARING_THRESHOLD_PA * HEARING_THRESHOLD_PA);
      db[f] = ratio < MIN_RATIO ? SILENT_FRAME_DB : 10.0 * Math.log10(ratio);
    }
    return new Contour(t1, timeStepS, db);
  }

  /**
   * {@code Σ w[wOff+j]·(x[xOff+j] − mean)²} for j &lt; count, four accumulators to hide latency.
   * The terms are formed first in {@code terms} (a loop C2 vectorises), then summed in the same
   * order as a fused loop would, so the result does not depend on the split.
   */
  private static double weightedSquares(float[] x, int xOff, double[] w, int wOff, int count,
      double mean, double[] terms) {
    for (int j = 0; j < count; j++) {
      double d = x[xOff + j] - mean;
      terms[j] = d * d * w[wOff + j];
    }
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int j = 0;
    for (; j + 3 < count; j += 4) {
      a0 += terms[j];
      a1 += terms[j + 1];
      a2 += terms[j + 2];
      a3 += terms[j + 3];
    }
    for (; j < count; j++) {
      a0 += terms[j];
    }
    return (a0 + a1) + (a2 + a3);
  }

  private static double sum(double[] w, int off, int count) {
    double s = 0;
    for (int j = 0; j < count; j++) {
      s += w[off + j];
    }
    return s;
  }

  private static void checkFinite(float[] samples) {
    for (int i = 0; i < samples.length; i++) {
      if (!Float.isFinite(samples[i])) {
        throw new AudioFormatException(
            "<samples>", "sample " + i + " is " + samples[i] + " (NaN/Inf samples are not audio)");
      }
    }
  }

  /**
   * An intensity contour: frame {@code i} is centred at {@code firstTimeS + i·timeStepS} and has
   * level {@code db[i]} in dB re 2e-5 Pa ({@value #SILENT_FRAME_DB} for digital silence). Immutable
   * and thread-safe (arrays are copied in and out).
   *
   * @param firstTimeS centre of the first frame (s); NaN when the contour is empty
   * @param timeStepS hop between frames (s)
   * @param db level per frame (dB)
   */
  public record Contour(double firstTimeS, double timeStepS, double[] db) {
    /** Copies the array. */
    public Contour {
      db = db.clone();
    }

    /** A copy of the levels (dB). */
    @Override
    public double[] db() {
      return db.clone();
    }

    /** The levels without copying; package-internal, never modified. */
    double[] dbView() {
      return db;
    }

    /** Number of frames. */
    public int size() {
      return db.length;
    }

    /** True when the clip was too short for one frame. */
    public boolean isEmpty() {
      return db.length == 0;
    }

    /** Level of frame {@code i} (dB). */
    public double dbAt(int i) {
      return db[i];
    }

    /** Centre time of frame {@code i} (s). */
    public double timeAt(int i) {
      return firstTimeS + i * timeStepS;
    }

    /** Frame centre times (s). */
    public double[] timesS() {
      double[] t = new double[db.length];
      for (int i = 0; i < t.length; i++) {
        t[i] = timeAt(i);
      }
      return t;
    }

    /**
     * The {@code intensity_mean_db} cue: the arithmetic mean of the frame levels in dB (Praat's
     * "Get mean" with averaging method "dB") over frames at or above {@link #STATISTICS_FLOOR_DB}.
     *
     * @return the mean, or NaN when no frame is above the floor (silence, DC only, too short)
     */
    public double meanDb() {
      double sum = 0;
      int n = 0;
      for (double v : db) {
        if (v >= STATISTICS_FLOOR_DB) {
          sum += v;
          n++;
        }
      }
      return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * A quantile of the frame levels at or above {@link #STATISTICS_FLOOR_DB}, with Praat's rule
     * ({@code NUMquantile}: linear interpolation at place {@code q·n + 0.5}).
     *
     * @param q quantile in [0, 1]
     * @return the quantile (dB), or NaN when no frame is above the floor
     */
    public double quantileDb(double q) {
      double[] kept = new double[db.length];
      int n = 0;
      for (double v : db) {
        if (v >= STATISTICS_FLOOR_DB) {
          kept[n++] = v;
        }
      }
      Arrays.sort(kept, 0, n);
      return ProsodyMath.praatQuantile(kept, n, q);
    }

    /**
     * The {@code intensity_range_db} cue: 95th minus 5th percentile of the frame levels (see
     * {@link #quantileDb(double)}).
     *
     * @return the range (dB), or NaN when no frame is above the floor
     */
    public double rangeDb() {
      double[] kept = new double[db.length];
      int n = 0;
      for (double v : db) {
        if (v >= STATISTICS_FLOOR_DB) {
          kept[n++] = v;
        }
      }
      Arrays.sort(kept, 0, n);
      return ProsodyMath.praatQuantile(kept, n, 0.95) - ProsodyMath.praatQuantile(kept, n, 0.05);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Contour c
          && Double.compare(c.firstTimeS, firstTimeS) == 0
          && Double.compare(c.timeStepS, timeStepS) == 0
          && Arrays.equals(c.db, db);
    }

    @Override
    public int hashCode() {
      return 31 * Double.hashCode(firstTimeS) + 17 * Double.hashCode(timeStepS) + Arrays.hashCode(db);
    }

    @Override
    public String toString() {
      return "Intensity.Contour[" + db.length + " frames, t1=" + firstTimeS + " s, dt=" + timeStepS + " s]";
    }
  }
}
