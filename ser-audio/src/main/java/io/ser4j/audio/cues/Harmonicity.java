package io.ser4j.audio.cues;

import io.ser4j.core.SerException;
import java.util.Objects;

/**
 * Harmonics-to-noise ratio per frame after Boersma (1993), as Praat's "Sound: To Harmonicity
 * (cc)...": a forward cross-correlation periodicity analysis (window of {@code periodsPerWindow}
 * periods of the floor, no octave, voicing or transition costs, ceiling at Nyquist) gives per frame
 * the strongest normalised correlation peak {@code r}; {@code HNR = 10·log10(r / (1 − r))} dB.
 * Frames whose local peak falls below the silence threshold, or without any positive correlation
 * peak, are unvoiced and carry {@link #UNVOICED_DB} (−200 dB), which {@link #meanDb()} skips as
 * Praat's "Get mean" does.
 *
 * <p>Speed: Praat registers and refines (700-point sinc) every positive correlation peak of the
 * frame, up to {@code Nyquist/floor} of them; since with zero costs the winner is simply the
 * strongest candidate, only the {@link #KEPT_CANDIDATES} peaks with the largest parabolically
 * interpolated heights are kept, which changes the result only when a weaker-looking peak would
 * have overtaken them after sinc refinement. Frames whose local peak is below the silence threshold
 * are unvoiced whatever their correlation (their unvoiced score exceeds 1, every strength is at most
 * 1, and with zero costs frames are independent), so their correlation is not computed at all; this
 * changes nothing (see {@code PeriodicityAnalysis.provablyUnvoicedIntensity}).
 *
 * <p>Immutable and thread-safe; {@link #track} allocates its own buffers. Like {@link Pitch}, the
 * analysis runs on the sample grid, so values differ slightly between sample rates.
 *
 * @param timeStepSeconds hop between frames
 * @param firstFrameTimeSeconds centre of frame 0
 * @param hnrDb HNR per frame in dB, {@link #UNVOICED_DB} for unvoiced frames
 */
public record Harmonicity(double timeStepSeconds, double firstFrameTimeSeconds, double[] hnrDb) {
  /** Value of unvoiced frames, as in Praat. */
  public static final double UNVOICED_DB = -200.0;
  /** Praat's default time step for harmonicity (s). */
  public static final double DEFAULT_TIME_STEP_SECONDS = 0.01;
  /** Praat's default minimum pitch for harmonicity (Hz). */
  public static final double DEFAULT_MINIMUM_PITCH_HZ = 75.0;
  /** Praat's default silence threshold for harmonicity. */
  public static final double DEFAULT_SILENCE_THRESHOLD = 0.1;
  /** Praat's default periods per window for harmonicity (cc). */
  public static final double DEFAULT_PERIODS_PER_WINDOW = 1.0;
  /** Number of strongest correlation peaks per frame kept as candidates. */
  public static final int KEPT_CANDIDATES = 2;
  private static final double MAX_DB = 150.0;
  private static final double MIN_R = 1e-15;

  /** Copies the array. */
  public Harmonicity {
    Objects.requireNonNull(hnrDb, "hnrDb");
    hnrDb = hnrDb.clone();
  }

  /** Praat's "To Harmonicity (cc): 0.01, 75, 0.1, 1.0". */
  public static Harmonicity track(float[] samples, int sampleRate) {
    return track(samples, sampleRate, DEFAULT_TIME_STEP_SECONDS, DEFAULT_MINIMUM_PITCH_HZ,
        DEFAULT_SILENCE_THRESHOLD, DEFAULT_PERIODS_PER_WINDOW);
  }

  /**
   * Computes the harmonicity contour.
   *
   * @param samples mono samples
   * @param sampleRate samples per second
   * @param timeStepSeconds hop (>= {@link PitchSettings#MIN_TIME_STEP_SECONDS})
   * @param minimumPitchHz floor (> 0)
   * @param silenceThreshold fraction of the global peak below which frames tend to unvoiced (>= 0)
   * @param periodsPerWindow window length in periods of the floor (> 0)
   * @return the contour; no frames when the signal is shorter than one analysis window
   * @throws io.ser4j.core.AudioFormatException for null samples, a non-positive rate, NaN/Inf
   * @throws SerException for invalid parameters
   */
  public static Harmonicity track(float[] samples, int sampleRate, double timeStepSeconds,
      double minimumPitchHz, double silenceThreshold, double periodsPerWindow) {
    if (!(timeStepSeconds >= PitchSettings.MIN_TIME_STEP_SECONDS) || !(minimumPitchHz > 0) || !(silenceThreshold >= 0)
        || !(periodsPerWindow > 0) || !Double.isFinite(timeStepSeconds + minimumPitchHz
            + silenceThreshold + periodsPerWindow)) {
      throw new SerException("harmonicity analysis", "time step must be >= "
          + PitchSettings.MIN_TIME_STEP_SECONDS + " s, minimum pitch and periods per window "
          + "positive and finite, silence threshold >= 0");
    }
    double[] x = CueInput.toDouble(samples, sampleRate, "harmonicity analysis");
    return analyze(x, sampleRate, timeStepSeconds, minimumPitchHz, silenceThreshold,
        periodsPerWindow);
  }

  static Harmonicity analyze(double[] x, int sampleRate, double timeStep, double minimumPitch,
      double silenceThreshold, double periodsPerWindow) {
    double ceiling = 0.5 * sampleRate;
    PeriodicityAnalysis.Candidates c = PeriodicityAnalysis.analyze(x, sampleRate, timeStep,
        minimumPitch, periodsPerWindow, 15, true, true, 0.0, 0.0, ceiling, KEPT_CANDIDATES,
        PeriodicityAnalysis.provablyUnvoicedIntensity(silenceThreshold, 0.0, 0.0, 0.0, 0.0));
    if (c == null) {
      return new Harmonicity(timeStep, 0.5 * x.length / sampleRate, new double[0]);
    }
    int[] path = PeriodicityAnalysis.choosePath(c, silenceThreshold, 0.0, 0.0, 0.0, 0.0, ceiling);
    double[] hnr = new double[c.numberOfFrames];
    for (int i = 0; i < hnr.length; i++) {
      if (c.frequency[i][path[i]] == 0.0) {
        hnr[i] = UNVOICED_DB;
      } else {
        double r = c.strength[i][path[i]];
        hnr[i] = r <= MIN_R ? -MAX_DB : r > 1.0 - MIN_R ? MAX_DB : 10.0 * Math.log10(r / (1.0 - r));
      }
    }
    return new Harmonicity(timeStep, c.firstTime, hnr);
  }

  /** A copy of the per-frame HNR values. */
  @Override
  public double[] hnrDb() {
    return hnrDb.clone();
  }

  /** Number of frames. */
  public int size() {
    return hnrDb.length;
  }

  /** Mean HNR over voiced frames (those not at {@link #UNVOICED_DB}); NaN when there are none. */
  public double meanDb() {
    double sum = 0;
    int n = 0;
    for (double v : hnrDb) {
      if (v != UNVOICED_DB) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
