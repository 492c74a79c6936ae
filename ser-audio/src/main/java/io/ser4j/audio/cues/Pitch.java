package io.ser4j.audio.cues;

import io.ser4j.core.PitchContour;
import java.util.Arrays;
import java.util.Objects;

/**
 * An F0 contour computed with Praat's autocorrelation method (Boersma 1993; "Sound: To Pitch
 * (ac)..."), plus the summary statistics ser4j reports.
 *
 * <p>Algorithm ({@link #track}): frames of {@code periodsPerWindow / floor} seconds (40 ms for 75 Hz)
 * every {@code timeStep}, centred symmetrically in the signal; per frame the local mean is removed,
 * a Hanning window applied, the autocorrelation computed by FFT and divided by the window's own
 * autocorrelation; local maxima above half the voicing threshold become candidates whose lag and
 * strength are refined by sinc interpolation; a Viterbi search with octave cost, octave-jump cost
 * and voiced/unvoiced cost (time-step corrected) picks the path, which handles octave jumps.
 *
 * <p>Implementation: the frames' autocorrelations are computed in batches with a double-precision
 * FFT whose length is the cheapest 2·3·5-smooth one without circular wrap over the lags the
 * candidate search reads (1280 for the 880-sample window at 22.05 kHz; Praat uses the next power of
 * two, the values agree up to rounding), and frames so quiet that the path provably cannot be voiced there (see {@code
 * PeriodicityAnalysis.provablyUnvoicedIntensity}) skip the correlation; the contour is unchanged.
 *
 * <p>Works at any sample rate; the ceiling is clipped to Nyquist. Frame times depend only on the
 * duration, but the analysis runs on the sample grid (the window is {@code floor(0.04·rate)}
 * samples, the correlation is sinc-interpolated between lags), so results depend slightly on the
 * rate: F0 of a clean tone agrees to well under 0.5 Hz between 16 and 22.05 kHz, while voicing
 * decisions near the thresholds can flip. Parity with Praat is measured at the clip's native rate.
 *
 * <p>Immutable (arrays are copied in and out) and thread-safe; {@link #track} allocates its own
 * buffers, so concurrent calls are safe.
 *
 * @param timeStepSeconds hop between frames
 * @param firstFrameTimeSeconds centre time of frame 0
 * @param durationSeconds duration of the analysed signal
 * @param ceilingHz pitch ceiling used (after clipping to Nyquist)
 * @param f0Hz F0 per frame, 0 for unvoiced frames
 * @param strength correlation strength of the chosen candidate per frame (0 for unvoiced)
 */
public record Pitch(double timeStepSeconds, double firstFrameTimeSeconds, double durationSeconds,
    double ceilingHz, double[] f0Hz, double[] strength) {

  private static final double SEMITONES_PER_OCTAVE = 12.0;

  /** Validates and copies the arrays. */
  public Pitch {
    Objects.requireNonNull(f0Hz, "f0Hz");
    Objects.requireNonNull(strength, "strength");
    if (f0Hz.length != strength.length) {
      throw new IllegalArgumentException("f0Hz and strength differ in length");
    }
    f0Hz = f0Hz.clone();
    strength = strength.clone();
  }

  /**
   * Tracks F0 with Praat's ac method.
   *
   * @param samples mono samples (any scale; Praat's are in [-1, 1])
   * @param sampleRate samples per second
   * @param settings analysis parameters ({@link PitchSettings#PRAAT_DEFAULT} for Praat's defaults)
   * @return the contour; empty (no frames) when the signal is shorter than one analysis window;
   *     all unvoiced for silence
   * @throws io.ser4j.core.AudioFormatException for null samples, a non-positive rate, NaN/Inf
   */
  public static Pitch track(float[] samples, int sampleRate, PitchSettings settings) {
    Objects.requireNonNull(settings, "settings");
    double[] x = CueInput.toDouble(samples, sampleRate, "pitch analysis");
    return analyze(x, sampleRate, settings);
  }

  static Pitch analyze(double[] x, int sampleRate, PitchSettings s) {
    double duration = (double) x.length / sampleRate;
    double ceiling = Math.min(s.pitchCeilingHz(), 0.5 * sampleRate);
    PeriodicityAnalysis.Candidates c = PeriodicityAnalysis.analyze(x, sampleRate,
        s.timeStepSeconds(), s.pitchFloorHz(), s.periodsPerWindow(), s.maxCandidates(), false,
        s.veryAccurate(), s.voicingThreshold(), s.octaveCost(), ceiling, Integer.MAX_VALUE,
        PeriodicityAnalysis.provablyUnvoicedIntensity(s.silenceThreshold(), s.voicingThreshold(),
            s.octaveCost(), s.octaveJumpCost(), s.voicedUnvoicedCost() * 0.01 / s.timeStepSeconds()));
    if (c == null) {
      return new Pitch(s.timeStepSeconds(), 0.5 * duration, duration, ceiling, new double[0],
          new double[0]);
    }
    int[] path = PeriodicityAnalysis.choosePath(c, s.silenceThreshold(), s.voicingThreshold(),
        s.octaveCost(), s.octaveJumpCost(), s.voicedUnvoicedCost(), ceiling);
    double[] f0 = new double[c.numberOfFrames];
    double[] str = new double[c.numberOfFrames];
    for (int i = 0; i < f0.length; i++) {
      double f = c.frequency[i][path[i]];
      if (f > 0 && f < ceiling) {
        f0[i] = f;
        str[i] = c.strength[i][path[i]];
      }
    }
    return new Pitch(s.timeStepSeconds(), c.firstTime, duration, ceiling, f0, str);
  }

  /** Number of frames. */
  public int size() {
    return f0Hz.length;
  }

  /** Centre time of frame {@code i}. */
  public double timeAt(int i) {
    return firstFrameTimeSeconds + i * timeStepSeconds;
  }

  /** F0 of frame {@code i} in Hz, 0 when unvoiced. */
  public double f0At(int i) {
    return f0Hz[i];
  }

  /** Whether frame {@code i} is voiced. */
  public boolean isVoiced(int i) {
    return f0Hz[i] > 0;
  }

  /** A copy of the F0 values (0 = unvoiced). */
  @Override
  public double[] f0Hz() {
    return f0Hz.clone();
  }

  /** A copy of the strengths. */
  @Override
  public double[] strength() {
    return strength.clone();
  }

  /** The contour as ser-core's value type. */
  public PitchContour toContour() {
    double[] times = new double[size()];
    for (int i = 0; i < times.length; i++) {
      times[i] = timeAt(i);
    }
    return new PitchContour(timeStepSeconds, times, f0Hz);
  }

  /**
   * F0 at time {@code t} by linear interpolation between the two nearest frames, as Praat's
   * "Get value at time" (linear): NaN when the nearest frame is unvoiced or {@code t} is outside
   * the frames; the nearest frame's value when the other one is unvoiced or absent.
   */
  public double valueAt(double t) {
    if (f0Hz.length == 0) {
      return Double.NaN;
    }
    double real = (t - firstFrameTimeSeconds) / timeStepSeconds;
    int left = (int) Math.floor(real);
    double phase = real - left;
    int near;
    int far;
    if (phase < 0.5) {
      near = left;
      far = left + 1;
    } else {
      near = left + 1;
      far = left;
      phase = 1.0 - phase;
    }
    if (near < 0 || near >= f0Hz.length || f0Hz[near] <= 0) {
      return Double.NaN;
    }
    double fNear = f0Hz[near];
    if (far < 0 || far >= f0Hz.length || f0Hz[far] <= 0) {
      return fNear;
    }
    return fNear + phase * (f0Hz[far] - fNear);
  }

  /** Fraction of frames that are voiced; NaN when there are no frames. */
  public double voicedFraction() {
    if (f0Hz.length == 0) {
      return Double.NaN;
    }
    return (double) voiced().length / f0Hz.length;
  }

  /** Mean F0 of voiced frames in Hz; NaN when none are voiced. */
  public double meanHz() {
    double[] v = voiced();
    return v.length == 0 ? Double.NaN : Arrays.stream(v).sum() / v.length;
  }

  /** Median F0 of voiced frames in Hz; NaN when none are voiced. */
  public double medianHz() {
    double[] v = voiced();
    if (v.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : 0.5 * (v[m - 1] + v[m]);
  }

  /** Minimum F0 of voiced frames in Hz; NaN when none are voiced. */
  public double minHz() {
    return Arrays.stream(voiced()).min().orElse(Double.NaN);
  }

  /** Maximum F0 of voiced frames in Hz; NaN when none are voiced. */
  public double maxHz() {
    return Arrays.stream(voiced()).max().orElse(Double.NaN);
  }

  /** Sample standard deviation of {@code 12·log2(F0)} over voiced frames; NaN with fewer than 2. */
  public double sdSemitones() {
    double[] v = voiced();
    if (v.length < 2) {
      return Double.NaN;
    }
    double mean = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = SEMITONES_PER_OCTAVE * PeriodicityAnalysis.log2(v[i]);
      mean += v[i];
    }
    mean /= v.length;
    double ss = 0;
    for (double s : v) {
      ss += (s - mean) * (s - mean);
    }
    return Math.sqrt(ss / (v.length - 1));
  }

  /**
   * Least-squares slope of {@code 12·log2(F0)} against time over voiced frames, in semitones per
   * second; NaN with fewer than 2 voiced frames.
   */
  public double slopeSemitonesPerSecond() {
    int n = 0;
    double st = 0;
    double sy = 0;
    for (int i = 0; i < f0Hz.length; i++) {
      if (f0Hz[i] > 0) {
        n++;
        st += timeAt(i);
        sy += SEMITONES_PER_OCTAVE * PeriodicityAnalysis.log2(f0Hz[i]);
      }
    }
    if (n < 2) {
      return Double.NaN;
    }
    double mt = st / n;
    double my = sy / n;
    double num = 0;
    double den = 0;
    for (int i = 0; i < f0Hz.length; i++) {
      if (f0Hz[i] > 0) {
        double dt = timeAt(i) - mt;
        num += dt * (SEMITONES_PER_OCTAVE * PeriodicityAnalysis.log2(f0Hz[i]) - my);
        den += dt * dt;
      }
    }
    return den == 0 ? Double.NaN : num / den;
  }

  private double[] voiced() {
    return Arrays.stream(f0Hz).filter(f -> f > 0).toArray();
  }
}
