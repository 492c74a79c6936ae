package io.ser4j.audio.cues;

import io.ser4j.core.AudioFormatException;
import io.ser4j.core.PitchContour;
import java.util.Arrays;

/**
 * Syllable-nucleus detection, speech rate, articulation rate and pause fraction after de Jong &amp;
 * Wempe (2009), "Praat script to detect syllable nuclei and measure speech rate automatically",
 * <i>Behavior Research Methods</i> 41(2):385–390. An independent Java implementation of the
 * published procedure, checked against {@code tools/reference/praat_prosody.praat}.
 *
 * <p>Procedure (constants named below):
 *
 * <ol>
 *   <li>Intensity contour with Praat's {@code To Intensity: 50, 0, "yes"} (minimum pitch {@value
 *       #MIN_PITCH_HZ} Hz, automatic step 0.8/50 = 16 ms, see {@link Intensity}).
 *   <li>Threshold = 0.99 quantile of the frame levels − {@value #SILENCE_BELOW_Q99_DB} dB (never below
 *       the contour's minimum).
 *   <li>Silent pauses as Praat's {@code Intensity: To TextGrid (silences)} at the same threshold:
 *       frames below it are silent, boundaries at the first frame of each run; then sounding
 *       intervals shorter than {@value #MIN_SOUNDING_S} s are merged into their left neighbour,
 *       then silent intervals shorter than {@value #MIN_PAUSE_S} s into theirs.
 *   <li>Candidate peaks: local maxima of the contour ({@code y[i] > y[i−1] && y[i] >= y[i+1]}),
 *       placed at the maximum of the 70-tap windowed-sinc interpolant within one frame (Praat's
 *       {@code To PointProcess (extrema)} with "sinc70"), valued by four-point cubic interpolation
 *       there (Praat's {@code Get value at time ... "cubic"}), kept when above the threshold.
 *   <li>A peak is kept when the lowest frame between it and the next candidate lies more than
 *       {@value #MIN_DIP_DB} dB below it; the last candidate has no following dip and is dropped, as
 *       in the original script.
 *   <li>A kept peak is a nucleus when it lies in a sounding interval and the pitch contour is voiced
 *       at its nearest frame (the rule of Praat's {@code Pitch: Get value at time}).
 * </ol>
 *
 * Speech rate = nuclei / clip duration; articulation rate = nuclei / total sounding time; pause
 * fraction = silent time between the start of the first and the end of the last sounding interval /
 * that span. The voicing input is any F0 contour at a fixed hop with 0 for unvoiced frames (ser4j's
 * pitch tracker: 10 ms, 75–600 Hz).
 *
 * <p>Instances hold a precomputed intensity window for one sample rate; they are immutable and
 * thread-safe.
 */
public final class SyllableNuclei {
  /** Minimum pitch of the intensity analysis (Hz). */
  public static final double MIN_PITCH_HZ = 50.0;
  /** Silence threshold below the 0.99 intensity quantile (dB). */
  public static final double SILENCE_BELOW_Q99_DB = 25.0;
  /** Quantile that stands for the maximum, robust to bursts. */
  public static final double MAX_QUANTILE = 0.99;
  /** Minimum dip after a peak (dB). */
  public static final double MIN_DIP_DB = 2.0;
  /** Minimum silent pause (s). */
  public static final double MIN_PAUSE_S = 0.3;
  /** Minimum sounding interval (s). */
  public static final double MIN_SOUNDING_S = 0.1;

  /** Taps per side of the sinc interpolation used to place peaks (Praat's "sinc70"). */
  static final int SINC_DEPTH = 70;
  /**
   * Local maxima this far below the threshold are not refined, unless the contour has digital
   * silence (whose −300 dB steps can make the interpolant overshoot): a speed-up that does not change
   * the result.
   */
  private static final double PEAK_REFINEMENT_MARGIN_DB = 10.0;

  private final Intensity intensity;

  private SyllableNuclei(int sampleRateHz) {
    this.intensity = Intensity.create(sampleRateHz, MIN_PITCH_HZ, 0.0);
  }

  /**
   * A detector for clips at {@code sampleRateHz}.
   *
   * @throws AudioFormatException if the rate is not positive
   */
  public static SyllableNuclei create(int sampleRateHz) {
    return new SyllableNuclei(sampleRateHz);
  }

  /** The intensity analyser used (50 Hz, 16 ms). */
  public Intensity intensityAnalyser() {
    return intensity;
  }

  /**
   * Detects nuclei using a pitch contour for voicing.
   *
   * @param samples mono samples at the detector's rate
   * @param pitch F0 contour (0 = unvoiced); an empty contour means nothing is voiced
   * @throws AudioFormatException if the samples are null or not finite
   */
  public Result detect(float[] samples, PitchContour pitch) {
    if (pitch == null || pitch.size() == 0) {
      return detect(samples, new double[0], 0.0, 0.01);
    }
    return detect(samples, pitch.f0Hz(), pitch.timeAt(0), pitch.timeStepSeconds());
  }

  /**
   * Detects nuclei.
   *
   * @param samples mono samples at the detector's rate
   * @param f0PerFrame F0 per pitch frame (Hz), 0 (or NaN) = unvoiced
   * @param f0FirstTimeS centre time of pitch frame 0 (s)
   * @param f0TimeStepS hop between pitch frames (s), &gt; 0
   * @throws AudioFormatException if the samples are null or not finite
   * @throws IllegalArgumentException if the pitch hop is not positive or the array is null
   */
  public Result detect(float[] samples, double[] f0PerFrame, double f0FirstTimeS, double f0TimeStepS) {
    if (f0PerFrame == null) {
      throw new IllegalArgumentException("f0PerFrame is null");
    }
    if (!(f0TimeStepS > 0) || !Double.isFinite(f0FirstTimeS)) {
      throw new IllegalArgumentException(
          "pitch frames need a positive hop and a finite first time, got " + f0TimeStepS + ", " + f0FirstTimeS);
    }
    Intensity.Contour contour = intensity.contour(samples);
    double duration = samples.length / (double) intensity.sampleRateHz();
    double[] y = contour.dbView();
    int n = y.length;
    boolean audible = false;
    boolean hasDigitalSilence = false; // -300 dB steps make sinc interpolation ring: refine every peak
    for (double v : y) {
      if (v >= Intensity.STATISTICS_FLOOR_DB) {
        audible = true;
      } else {
        hasDigitalSilence = true;
      }
    }
    if (n < 3 || !audible) {
      return Result.undefined(duration);
    }
    double t1 = contour.firstTimeS();
    double dt = contour.timeStepS();

    // 2. thresholds
    double[] sorted = y.clone();
    Arrays.sort(sorted);
    double q99 = ProsodyMath.praatQuantile(sorted, n, MAX_QUANTILE);
    double maxInt = extremum(y, true);
    double minInt = extremum(y, false);
    double threshold = Math.max(q99 - SILENCE_BELOW_Q99_DB, minInt);

    // 3. silences (Praat's To TextGrid (silences) with threshold relative to the maximum)
    double relThreshold = -SILENCE_BELOW_Q99_DB - (maxInt - q99);
    double absThreshold = maxInt - Math.abs(relThreshold);
    Tier tier = new Tier(n + 1, duration);
    if (!(MIN_PAUSE_S > duration || absThreshold < minInt)) {
      boolean inSilence = y[0] < absThreshold;
      for (int i = 1; i < n; i++) {
        boolean silent = y[i] < absThreshold;
        if (silent != inSilence) {
          tier.split(t1 + i * dt, silent); // the run that ends here was sounding iff this frame is silent
          inSilence = silent;
        }
      }
      tier.labelLast(!inSilence);
      tier.cutShort(true, MIN_SOUNDING_S);
      tier.mergeSame(false);
      tier.cutShort(false, MIN_PAUSE_S);
      tier.mergeSame(true);
    }

    // 4. candidate peaks above the threshold
    double[] peakT = new double[n];
    double[] peakV = new double[n];
    int peaks = 0;
    for (int i = 1; i < n - 1; i++) {
      if (y[i] > y[i - 1] && y[i] >= y[i + 1]) {
        if (!hasDigitalSilence && y[i] < threshold - PEAK_REFINEMENT_MARGIN_DB) {
          continue; // interpolation between frames of a smooth contour cannot lift it that far
        }
        double xi = ProsodyMath.sincPeakIndex(y, i, SINC_DEPTH);
        double v = ProsodyMath.cubicAt(y, xi);
        if (v > threshold) {
          peakT[peaks] = t1 + xi * dt;
          peakV[peaks] = v;
          peaks++;
        }
      }
    }

    // 5.-6. dips, then sounding and voiced
    double[] times = new double[peaks];
    int nuclei = 0;
    for (int p = 0; p + 1 < peaks; p++) {
      double dip = minimumBetween(y, t1, dt, peakT[p], peakT[p + 1], Math.min(peakV[p], peakV[p + 1]));
      if (Math.abs(peakV[p] - dip) > MIN_DIP_DB
          && tier.soundingAt(peakT[p])
          && voicedAt(f0PerFrame, f0FirstTimeS, f0TimeStepS, peakT[p])) {
        times[nuclei++] = peakT[p];
      }
    }
    return new Result(
        nuclei,
        Arrays.copyOf(times, nuclei),
        duration,
        tier.soundingTime(),
        tier.firstSoundingStart(),
        tier.lastSoundingEnd(),
        tier.silenceInside(),
        threshold);
  }

  /** Praat's Vector_getMaximumAndX / getMinimumAndX with parabolic interpolation, whole contour. */
  private static double extremum(double[] y, boolean max) {
    int n = y.length;
    double best = max ? Math.max(y[0], y[n - 1]) : Math.min(y[0], y[n - 1]);
    for (int i = 1; i < n - 1; i++) {
      boolean local = max ? y[i] > y[i - 1] && y[i] >= y[i + 1] : y[i] < y[i - 1] && y[i] <= y[i + 1];
      if (local) {
        double d = ProsodyMath.parabolicOffset(y[i - 1], y[i], y[i + 1]);
        double v = ProsodyMath.parabolicValue(y[i - 1], y[i], y[i + 1], d);
        best = max ? Math.max(best, v) : Math.min(best, v);
      }
    }
    return best;
  }

  /** Lowest frame whose centre lies in [ta, tb]; {@code fallback} when there is none. */
  private static double minimumBetween(double[] y, double t1, double dt, double ta, double tb, double fallback) {
    int lo = Math.max(0, (int) Math.ceil((ta - t1) / dt));
    int hi = Math.min(y.length - 1, (int) Math.floor((tb - t1) / dt));
    if (hi < lo) {
      return fallback;
    }
    double m = Double.POSITIVE_INFINITY;
    for (int i = lo; i <= hi; i++) {
      m = Math.min(m, y[i]);
    }
    return m;
  }

  /** Voiced when the nearest pitch frame (ties to the later one) has a positive F0. */
  private static boolean voicedAt(double[] f0, double first, double step, double t) {
    int k = (int) Math.floor((t - first) / step + 0.5);
    return k >= 0 && k < f0.length && f0[k] > 0;
  }

  /**
   * The outcome for one clip. Times in seconds from the clip start.
   *
   * @param nucleusCount number of syllable nuclei
   * @param nucleusTimesS time of each nucleus (s)
   * @param durationS clip duration (s)
   * @param soundingS total duration of sounding intervals (phonation time, s); NaN when undefined
   * @param firstSoundingS start of the first sounding interval (s); NaN when there is none
   * @param lastSoundingS end of the last sounding interval (s); NaN when there is none
   * @param pauseInsideS total silent time between first and last sounding (s); NaN when undefined
   * @param thresholdDb the intensity threshold used (dB); NaN when undefined
   */
  public record Result(
      int nucleusCount,
      double[] nucleusTimesS,
      double durationS,
      double soundingS,
      double firstSoundingS,
      double lastSoundingS,
      double pauseInsideS,
      double thresholdDb) {
    /** Copies the array. */
    public Result {
      nucleusTimesS = nucleusTimesS.clone();
    }

    static Result undefined(double durationS) {
      return new Result(0, new double[0], durationS, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /** A copy of the nucleus times. */
    @Override
    public double[] nucleusTimesS() {
      return nucleusTimesS.clone();
    }

    /** False for silence, DC, or a clip shorter than the 128 ms intensity window. */
    public boolean isDefined() {
      return !Double.isNaN(soundingS);
    }

    /** {@code speech_rate_syllables_per_s}: nuclei / clip duration; NaN when undefined. */
    public double speechRate() {
      return isDefined() && durationS > 0 ? nucleusCount / durationS : Double.NaN;
    }

    /** Articulation rate: nuclei / sounding time (1/s); NaN when undefined or nothing sounds. */
    public double articulationRate() {
      return isDefined() && soundingS > 0 ? nucleusCount / soundingS : Double.NaN;
    }

    /**
     * {@code pause_fraction}: silent-pause time / (end of last − start of first sounding interval);
     * NaN when undefined or nothing sounds.
     */
    public double pauseFraction() {
      double span = lastSoundingS - firstSoundingS;
      return isDefined() && span > 0 ? pauseInsideS / span : Double.NaN;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r
          && r.nucleusCount == nucleusCount
          && Arrays.equals(r.nucleusTimesS, nucleusTimesS)
          && Double.compare(r.durationS, durationS) == 0
          && Double.compare(r.soundingS, soundingS) == 0
          && Double.compare(r.firstSoundingS, firstSoundingS) == 0
          && Double.compare(r.lastSoundingS, lastSoundingS) == 0
          && Double.compare(r.pauseInsideS, pauseInsideS) == 0
          && Double.compare(r.thresholdDb, thresholdDb) == 0;
    }

    @Override
    public int hashCode() {
      return 31 * nucleusCount + Arrays.hashCode(nucleusTimesS) + Double.hashCode(soundingS);
    }

    @Override
    public String toString() {
      return "SyllableNuclei.Result[nuclei=" + nucleusCount + ", duration=" + durationS + " s, sounding="
          + soundingS + " s, pauseFraction=" + pauseFraction() + "]";
    }
  }

  /**
   * A single-tier sequence of sounding/silent intervals covering [0, duration], with the editing
   * rules of Praat's IntervalTier cut/merge operations. Single-threaded scratch object.
   */
  private static final class Tier {
    private final double[] start;
    private final double[] end;
    private final boolean[] sounding;
    private int size;

    Tier(int capacity, double duration) {
      start = new double[capacity];
      end = new double[capacity];
      sounding = new boolean[capacity];
      start[0] = 0;
      end[0] = duration;
      sounding[0] = true;
      size = 1;
    }

    /** Splits the last interval at {@code t}; the left part gets {@code leftSounding}. */
    void split(double t, boolean leftSounding) {
      int last = size - 1;
      if (!(t > start[last] && t < end[last])) {
        return;
      }
      start[size] = t;
      end[size] = end[last];
      end[last] = t;
      sounding[last] = leftSounding;
      size++;
    }

    void labelLast(boolean isSounding) {
      sounding[size - 1] = isSounding;
    }

    /**
     * Praat's {@code IntervalTier_cutIntervals_minimumDuration} in one linear pass: an interval with
     * the label shorter than {@code minimum} is removed, its time going to the previous interval (to
     * the next one when it is the first); one interval always remains.
     */
    void cutShort(boolean label, double minimum) {
      int out = 0;
      double pendingStart = Double.NaN;
      for (int i = 0; i < size; i++) {
        double s0 = Double.isNaN(pendingStart) ? start[i] : pendingStart;
        int remainingAfter = size - i - 1;
        boolean removable = sounding[i] == label && end[i] - s0 < minimum && out + remainingAfter >= 1;
        if (removable) {
          if (out == 0) {
            pendingStart = s0;
          } else {
            end[out - 1] = end[i];
          }
          continue;
        }
        start[out] = s0;
        end[out] = end[i];
        sounding[out] = sounding[i];
        out++;
        pendingStart = Double.NaN;
      }
      size = out;
    }

    /** Joins neighbouring intervals that both carry the label (linear pass). */
    void mergeSame(boolean label) {
      int out = 0;
      for (int i = 0; i < size; i++) {
        if (out > 0 && sounding[i] == label && sounding[out - 1] == label) {
          end[out - 1] = end[i];
          continue;
        }
        start[out] = start[i];
        end[out] = end[i];
        sounding[out] = sounding[i];
        out++;
      }
      size = out;
    }

    /** Label of the interval holding {@code t} (xmin ≤ t &lt; xmax; the last one includes its end). */
    boolean soundingAt(double t) {
      int lo = 0;
      int hi = size - 1;
      while (lo < hi) { // first interval whose end is > t
        int mid = (lo + hi) >>> 1;
        if (end[mid] > t) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return t >= start[lo] && sounding[lo];
    }

    double soundingTime() {
      double s = 0;
      for (int i = 0; i < size; i++) {
        if (sounding[i]) {
          s += end[i] - start[i];
        }
      }
      return s;
    }

    double firstSoundingStart() {
      for (int i = 0; i < size; i++) {
        if (sounding[i]) {
          return start[i];
        }
      }
      return Double.NaN;
    }

    double lastSoundingEnd() {
      for (int i = size - 1; i >= 0; i--) {
        if (sounding[i]) {
          return end[i];
        }
      }
      return Double.NaN;
    }

    double silenceInside() {
      double first = firstSoundingStart();
      if (Double.isNaN(first)) {
        return Double.NaN;
      }
      double last = lastSoundingEnd();
      double s = 0;
      for (int i = 0; i < size; i++) {
        if (!sounding[i] && start[i] >= first && end[i] <= last) {
          s += end[i] - start[i];
        }
      }
      return s;
    }
  }
}
