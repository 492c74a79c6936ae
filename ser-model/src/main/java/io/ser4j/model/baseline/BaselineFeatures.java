package io.ser4j.model.baseline;

import io.ser4j.audio.Resampler;
import io.ser4j.audio.LogMelSpectrogram;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.audio.cues.Harmonicity;
import io.ser4j.audio.cues.Intensity;
import io.ser4j.audio.cues.Pitch;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The baseline's utterance-level feature vector: eGeMAPS-like functionals of ser-audio's cues plus
 * MFCC and log-mel statistics, all computed on the clip with its leading and trailing silence
 * trimmed (every definition is in {@code docs/baseline.md}).
 *
 * <p>Silence trimming: the clip's Praat intensity contour (10 ms) is scanned for the first and the
 * last frame within {@value #TRIM_BELOW_MAX_DB} dB of its maximum; functionals use only that span.
 * Undefined values (no voiced frame, a span too short) are {@link Double#NaN}; the model imputes
 * them with the training mean after standardisation.
 *
 * <p>Immutable and thread-safe: one instance may be shared by threads.
 */
public final class BaselineFeatures {
  /** Version of the feature definition; a model file records it and must match. */
  public static final int VERSION = 1;
  /**
   * Name of this feature definition in a SpeechLM config's {@code ser4j_cue_feature_set}
   * ({@code "baseline-v" + VERSION}): a model conditioned on these features records it, and a
   * loader refuses a model that names another.
   */
  public static final String FEATURE_SET = "baseline-v" + VERSION;
  /** Frames more than this far below the clip's maximum intensity count as edge silence (dB). */
  public static final double TRIM_BELOW_MAX_DB = 40.0;
  /** Reference of the semitone scale (Hz), as in eGeMAPS. */
  public static final double SEMITONE_REFERENCE_HZ = 27.5;
  /** Number of mel bands of the log-mel spectrogram the MFCCs come from. */
  public static final int MEL_BANDS = 80;
  /** MFCCs kept (c0 to c19). */
  public static final int MFCC_COUNT = 20;
  /** Log-mel bands are pooled into this many groups for band-energy statistics. */
  public static final int MEL_GROUPS = 8;
  /** Half width of the delta regression window (frames). */
  public static final int DELTA_HALF_WIDTH = 2;
  /** Sample rate of the log-mel front end (Hz). */
  public static final int MEL_RATE_HZ = 16_000;

  private static final List<String> NAMES = buildNames();

  private final CueExtractor extractor;
  private final LogMelSpectrogram melSpectrogram;
  private final double[][] dct;
  private final double trimBelowMaxDb;

  private BaselineFeatures(CueExtractor extractor, double trimBelowMaxDb) {
    this.extractor = extractor;
    this.trimBelowMaxDb = trimBelowMaxDb;
    this.melSpectrogram = LogMelSpectrogram.whisper(MEL_BANDS);
    this.dct = dctMatrix(MFCC_COUNT, MEL_BANDS);
  }

  /** A feature extractor on the default {@link CueExtractor}. */
  public static BaselineFeatures create() {
    return new BaselineFeatures(CueExtractor.create(), TRIM_BELOW_MAX_DB);
  }

  /**
   * An extractor with another trimming threshold, for ablations only: models and model files
   * always use {@link #TRIM_BELOW_MAX_DB}.
   *
   * @param trimBelowMaxDb frames more than this many dB below the maximum count as edge silence;
   *     {@link Double#POSITIVE_INFINITY} disables trimming
   * @throws IllegalArgumentException when it is not positive
   */
  public static BaselineFeatures withTrimThreshold(double trimBelowMaxDb) {
    if (!(trimBelowMaxDb > 0)) {
      throw new IllegalArgumentException("trim threshold must be > 0 dB, got " + trimBelowMaxDb);
    }
    return new BaselineFeatures(CueExtractor.create(), trimBelowMaxDb);
  }

  /** The feature names, in vector order (unmodifiable). */
  public static List<String> names() {
    return NAMES;
  }

  /** The feature dimension. */
  public static int dimension() {
    return NAMES.size();
  }

  /** The cue extractor in use. */
  public CueExtractor cueExtractor() {
    return extractor;
  }

  /**
   * Features and cues of one clip (one cue analysis serves both).
   *
   * @param features the vector, in {@link #names()} order; NaN where undefined
   * @param cues the clip's cues, as {@code ser features} reports them (whole clip, untrimmed)
   */
  public record Result(double[] features, Cues cues) {}

  /**
   * Analyses {@code clip} and computes its feature vector.
   *
   * @param clip mono audio at any rate
   * @return the features and the cues
   * @throws io.ser4j.core.AudioFormatException for unusable audio (from the cue extractor)
   */
  public Result extract(AudioClip clip) {
    return extract(clip, false);
  }

  /**
   * Analyses {@code clip} and computes its feature vector, optionally keeping the F0 contour in the
   * returned cues (the features do not depend on it).
   *
   * @param clip mono audio at any rate
   * @param includeContour whether {@link Result#cues()} carries the pitch contour
   * @return the features and the cues
   * @throws io.ser4j.core.AudioFormatException for unusable audio (from the cue extractor)
   */
  public Result extract(AudioClip clip, boolean includeContour) {
    CueExtractor.Analysis a = extractor.analyze(clip, includeContour);
    double[] f = new double[NAMES.size()];
    int k = 0;
    double[] span = trimSpan(a.intensity(), a.analysedClip().durationSeconds(), trimBelowMaxDb);
    double t0 = span[0];
    double t1 = span[1];
    double dur = t1 - t0;

    // Pitch (semitones re 27.5 Hz) on voiced frames inside the span.
    Pitch p = a.pitch();
    List<Double> st = new ArrayList<>();
    List<Double> stTimes = new ArrayList<>();
    int framesInSpan = 0;
    double rise = 0;
    double fall = 0;
    int nRise = 0;
    int nFall = 0;
    double prev = Double.NaN;
    for (int i = 0; i < p.size(); i++) {
      double t = p.timeAt(i);
      if (t < t0 || t > t1) {
        continue;
      }
      framesInSpan++;
      if (p.isVoiced(i)) {
        double s = 12.0 * Math.log(p.f0At(i) / SEMITONE_REFERENCE_HZ) / Math.log(2);
        st.add(s);
        stTimes.add(t);
        if (!Double.isNaN(prev)) {
          double d = (s - prev) / p.timeStepSeconds();
          if (d > 0) {
            rise += d;
            nRise++;
          } else if (d < 0) {
            fall += -d;
            nFall++;
          }
        }
        prev = s;
      } else {
        prev = Double.NaN;
      }
    }
    double[] stArr = st.stream().mapToDouble(Double::doubleValue).toArray();
    double[] stT = stTimes.stream().mapToDouble(Double::doubleValue).toArray();
    f[k++] = mean(stArr);
    f[k++] = sd(stArr);
    f[k++] = quantile(stArr, 0.10);
    f[k++] = quantile(stArr, 0.50);
    f[k++] = quantile(stArr, 0.90);
    f[k++] = quantile(stArr, 0.90) - quantile(stArr, 0.10);
    f[k++] = slope(stT, stArr);
    f[k++] = nRise == 0 ? (stArr.length > 1 ? 0 : Double.NaN) : rise / nRise;
    f[k++] = nFall == 0 ? (stArr.length > 1 ? 0 : Double.NaN) : fall / nFall;
    f[k++] = nRise + nFall == 0 ? Double.NaN : (double) nRise / (nRise + nFall);
    f[k++] = framesInSpan == 0 ? Double.NaN : (double) stArr.length / framesInSpan;

    // Intensity on the span.
    Intensity.Contour ic = a.intensity();
    double[] db = inSpan(ic.db(), ic.firstTimeS(), ic.timeStepS(), t0, t1);
    f[k++] = mean(db);
    f[k++] = sd(db);
    f[k++] = quantile(db, 0.10);
    f[k++] = quantile(db, 0.50);
    f[k++] = quantile(db, 0.90);
    f[k++] = quantile(db, 0.90) - quantile(db, 0.10);
    f[k++] = meanAbsDiff(db) / ic.timeStepS();

    // Voice quality.
    Cues c = a.cues();
    f[k++] = c.get(Cue.JITTER_LOCAL);
    f[k++] = c.get(Cue.SHIMMER_LOCAL);
    f[k++] = c.get(Cue.HNR_DB);
    Harmonicity h = a.harmonicity();
    double[] hnr = voicedHnr(h, t0, t1);
    f[k++] = sd(hnr);

    // Rhythm: nuclei inside the span over the span's duration.
    double[] nuclei = a.nuclei().nucleusTimesS();
    int inside = 0;
    for (double t : nuclei) {
      if (t >= t0 && t <= t1) {
        inside++;
      }
    }
    f[k++] = a.nuclei().isDefined() && dur > 0 ? inside / dur : Double.NaN;
    f[k++] = a.nuclei().articulationRate();
    f[k++] = c.get(Cue.PAUSE_FRACTION);
    f[k++] = dur;

    // Spectral balance.
    f[k++] = c.get(Cue.SPECTRAL_SLOPE_0_500);
    f[k++] = c.get(Cue.SPECTRAL_SLOPE_500_1500);
    f[k++] = c.get(Cue.ALPHA_RATIO_DB);
    f[k++] = c.get(Cue.HAMMARBERG_INDEX_DB);

    // MFCC and log-mel statistics on the trimmed span at 16 kHz.
    k = melStatistics(a.analysedClip(), t0, t1, f, k);
    if (k != f.length) {
      throw new IllegalStateException("feature count " + k + " != " + f.length);
    }
    return new Result(f, c);
  }

  private int melStatistics(AudioClip analysed, double t0, double t1, double[] f, int k) {
    int rate = analysed.sampleRate();
    float[] x = analysed.samples();
    int from = (int) Math.max(0, Math.floor(t0 * rate));
    int to = (int) Math.min(x.length, Math.ceil(t1 * rate));
    float[] seg = Arrays.copyOfRange(x, from, Math.max(from, to));
    if (rate != MEL_RATE_HZ && seg.length > 0) {
      seg = Resampler.create(rate, MEL_RATE_HZ).resample(seg);
    }
    int frames = 0;
    float[][] mel = null;
    if (seg.length >= 400) {
      mel = melSpectrogram.compute(seg);
      frames = mel.length == 0 ? 0 : mel[0].length;
    }
    int n = MFCC_COUNT;
    if (frames < 2) {
      Arrays.fill(f, k, k + 4 * n + 2 * MEL_GROUPS, Double.NaN);
      return k + 4 * n + 2 * MEL_GROUPS;
    }
    // mfcc[c][t] = sum_m dct[c][m] * mel[m][t]
    double[][] mfcc = new double[n][frames];
    for (int c = 0; c < n; c++) {
      double[] row = dct[c];
      double[] out = mfcc[c];
      for (int m = 0; m < MEL_BANDS; m++) {
        float[] band = mel[m];
        double w = row[m];
        for (int t = 0; t < frames; t++) {
          out[t] += w * band[t];
        }
      }
    }
    for (int c = 0; c < n; c++) {
      f[k++] = mean(mfcc[c]);
      f[k++] = sd(mfcc[c]);
    }
    for (int c = 0; c < n; c++) {
      double[] d = delta(mfcc[c]);
      double[] abs = new double[d.length];
      for (int t = 0; t < d.length; t++) {
        abs[t] = Math.abs(d[t]);
      }
      f[k++] = mean(abs);
      f[k++] = sd(d);
    }
    int per = MEL_BANDS / MEL_GROUPS;
    for (int g = 0; g < MEL_GROUPS; g++) {
      double[] e = new double[frames];
      for (int m = g * per; m < (g + 1) * per; m++) {
        for (int t = 0; t < frames; t++) {
          e[t] += mel[m][t] / per;
        }
      }
      f[k++] = mean(e);
      f[k++] = sd(e);
    }
    return k;
  }

  private static List<String> buildNames() {
    List<String> n = new ArrayList<>();
    n.addAll(
        List.of(
            "f0_st_mean", "f0_st_sd", "f0_st_p10", "f0_st_p50", "f0_st_p90", "f0_st_range_p10_p90",
            "f0_st_slope_per_s", "f0_rise_mean_st_per_s", "f0_fall_mean_st_per_s",
            "f0_rising_fraction", "voiced_fraction",
            "intensity_mean_db", "intensity_sd_db", "intensity_p10_db", "intensity_p50_db",
            "intensity_p90_db", "intensity_range_p10_p90_db", "intensity_delta_mean_abs_db_per_s",
            "jitter_local", "shimmer_local", "hnr_mean_db", "hnr_sd_db",
            "speech_rate_syllables_per_s", "articulation_rate_syllables_per_s", "pause_fraction",
            "voiced_span_duration_s",
            "spectral_slope_0_500", "spectral_slope_500_1500", "alpha_ratio_db",
            "hammarberg_index_db"));
    for (int c = 0; c < MFCC_COUNT; c++) {
      n.add("mfcc" + c + "_mean");
      n.add("mfcc" + c + "_sd");
    }
    for (int c = 0; c < MFCC_COUNT; c++) {
      n.add("mfcc" + c + "_delta_mean_abs");
      n.add("mfcc" + c + "_delta_sd");
    }
    for (int g = 0; g < MEL_GROUPS; g++) {
      n.add("logmel_group" + g + "_mean");
      n.add("logmel_group" + g + "_sd");
    }
    return Collections.unmodifiableList(n);
  }

  /** [t0, t1] of the span within {@code belowMaxDb} of the maximum intensity. */
  static double[] trimSpan(Intensity.Contour ic, double duration, double belowMaxDb) {
    double[] db = ic.db();
    double max = Double.NEGATIVE_INFINITY;
    for (double v : db) {
      max = Math.max(max, v);
    }
    if (db.length == 0 || !(max > Intensity.SILENT_FRAME_DB)) {
      return new double[] {0, duration};
    }
    int first = -1;
    int last = -1;
    for (int i = 0; i < db.length; i++) {
      if (db[i] >= max - belowMaxDb) {
        if (first < 0) {
          first = i;
        }
        last = i;
      }
    }
    double half = ic.timeStepS() / 2;
    double t0 = Math.max(0, ic.timeAt(first) - half);
    double t1 = Math.min(duration, ic.timeAt(last) + half);
    return t1 > t0 ? new double[] {t0, t1} : new double[] {0, duration};
  }

  private static double[] inSpan(double[] v, double firstT, double step, double t0, double t1) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      double t = firstT + i * step;
      if (t >= t0 && t <= t1 && v[i] > Intensity.SILENT_FRAME_DB) {
        out.add(v[i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] voicedHnr(Harmonicity h, double t0, double t1) {
    double[] v = h.hnrDb();
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      double t = h.firstFrameTimeSeconds() + i * h.timeStepSeconds();
      if (t >= t0 && t <= t1 && v[i] > Harmonicity.UNVOICED_DB) {
        out.add(v[i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Orthonormal DCT-II matrix {@code [n][m]} (as librosa / scipy {@code norm="ortho"}). */
  static double[][] dctMatrix(int n, int m) {
    double[][] d = new double[n][m];
    for (int k = 0; k < n; k++) {
      double scale = k == 0 ? Math.sqrt(1.0 / m) : Math.sqrt(2.0 / m);
      for (int j = 0; j < m; j++) {
        d[k][j] = scale * Math.cos(Math.PI * k * (2 * j + 1) / (2.0 * m));
      }
    }
    return d;
  }

  /** Regression deltas over ±{@value #DELTA_HALF_WIDTH} frames with edge replication. */
  static double[] delta(double[] x) {
    int n = x.length;
    double[] d = new double[n];
    double denom = 0;
    for (int j = 1; j <= DELTA_HALF_WIDTH; j++) {
      denom += 2.0 * j * j;
    }
    for (int t = 0; t < n; t++) {
      double s = 0;
      for (int j = 1; j <= DELTA_HALF_WIDTH; j++) {
        s += j * (x[Math.min(n - 1, t + j)] - x[Math.max(0, t - j)]);
      }
      d[t] = s / denom;
    }
    return d;
  }

  static double mean(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double sd(double[] v) {
    if (v.length < 2) {
      return Double.NaN;
    }
    double m = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - m) * (x - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  /** Linear-interpolated quantile (numpy's default); NaN for an empty array. */
  static double quantile(double[] v, double q) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  private static double slope(double[] t, double[] y) {
    if (t.length < 2) {
      return Double.NaN;
    }
    double mt = mean(t);
    double my = mean(y);
    double num = 0;
    double den = 0;
    for (int i = 0; i < t.length; i++) {
      num += (t[i] - mt) * (y[i] - my);
      den += (t[i] - mt) * (t[i] - mt);
    }
    return den > 0 ? num / den : Double.NaN;
  }

  private static double meanAbsDiff(double[] v) {
    if (v.length < 2) {
      return Double.NaN;
    }
    double s = 0;
    for (int i = 1; i < v.length; i++) {
      s += Math.abs(v[i] - v[i - 1]);
    }
    return s / (v.length - 1);
  }
}
