package io.ser4j.audio.cues;

import io.ser4j.core.AudioFormatException;
import io.ser4j.core.PitchContour;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Spectral-balance cues of the extended Geneva Minimalistic Acoustic Parameter Set (eGeMAPS; Eyben
 * et al., 2016, "The Geneva Minimalistic Acoustic Parameter Set (GeMAPS) for Voice Research and
 * Affective Computing", IEEE Trans. Affective Computing 7(2)): alpha ratio, Hammarberg index and the
 * spectral slopes 0–500 Hz and 500–1500 Hz, each computed per voiced frame and averaged
 * (arithmetic mean) over the voiced frames, as eGeMAPS' voiced-segment means are.
 *
 * <p>Per frame (centred on a pitch frame's time {@code t}):
 *
 * <ol>
 *   <li>{@value #FRAME_S} s of samples ({@code L = round(0.025·fs)}) starting at {@code c − (L−1)/2}
 *       with {@code c = floor(t·fs)} (Praat's nearest-sample rule); a frame that does not fit inside
 *       the clip is skipped.
 *   <li>The frame's plain mean is subtracted (a ser4j choice: a DC offset would otherwise dominate
 *       the 0–500 Hz slope), then a symmetric Hamming window {@code 0.54 − 0.46·cos(2πi/(L−1))} is
 *       applied.
 *   <li>Power spectrum {@code P[k] = |X(f[k])|²} of the windowed frame's discrete-time Fourier
 *       transform {@code X(f) = Σ x[n]·e^(−2πi·f·n/fs)} sampled at {@code f[k] = k·fs/N}, k =
 *       0..N/2, with {@code N = 2^round(log2 L)} (512 at 16 and 22.05 kHz, 1024 at 44.1/48 kHz). It
 *       is computed exactly with one N-point real FFT: the frame is zero-padded when {@code L < N}
 *       and time-aliased (sample n added to n − N) when {@code L > N}, which leaves the DTFT at those
 *       frequencies unchanged.
 *   <li>Alpha ratio = {@code 10·log10(Σ P[50 ≤ f < 1000] / Σ P[1000 ≤ f ≤ 5000])} dB.
 *   <li>Hammarberg index = {@code 10·log10(max P[0 < f < 2000] / max P[2000 ≤ f ≤ 5000])} dB.
 *   <li>Spectral slope = least-squares slope of {@code 10·log10(P[k])} (dB) against {@code f[k]}
 *       (Hz) over {@code 0 < f ≤ 500} and {@code 500 ≤ f ≤ 1500} bins, in dB/Hz.
 * </ol>
 *
 * The DC bin is left out of the 0–2 kHz and 0–500 Hz bands because the mean was removed. Bands are
 * cut at the Nyquist frequency when {@code fs < 10 kHz}. A frame whose band sums are zero (digital
 * silence) is skipped for the cue concerned. A cue with no frame left is NaN, and so are all cues of
 * a clip shorter than one frame. No pre-emphasis is
 * applied. openSMILE's implementation may differ in windowing and band-edge details; this class
 * implements the documented definitions above, checked against an independent numpy reference
 * ({@code tools/reference/spectral_reference.py}).
 *
 * <p>Instances precompute the window, band indices and FFT plan for one sample rate; they are
 * immutable and thread-safe (each call allocates its own one-frame buffer).
 */
public final class SpectralCues {
  /** Frame length (s). */
  public static final double FRAME_S = 0.025;
  /** Alpha ratio low band (Hz), lower edge inclusive. */
  public static final double ALPHA_LOW_FROM_HZ = 50;
  /** Alpha ratio split (Hz): low band below, high band from here. */
  public static final double ALPHA_SPLIT_HZ = 1000;
  /** Upper edge of the alpha-ratio and Hammarberg high bands (Hz), inclusive. */
  public static final double HIGH_BAND_TO_HZ = 5000;
  /** Hammarberg split (Hz). */
  public static final double HAMMARBERG_SPLIT_HZ = 2000;
  /** Spectral slope band edges (Hz). */
  public static final double SLOPE_LOW_TO_HZ = 500;
  /** Spectral slope upper band edge (Hz). */
  public static final double SLOPE_HIGH_TO_HZ = 1500;

  private static final double TINY_POWER = 1e-30;

  private final int sampleRateHz;
  private final int frameLength;
  private final int fftSize;
  private final double[] window;
  private final DoubleFFT_1D fft;
  // inclusive bin ranges
  private final int alphaLoFrom;
  private final int alphaLoTo;
  private final int alphaHiFrom;
  private final int alphaHiTo;
  private final int hamLoFrom;
  private final int hamLoTo;
  private final int hamHiFrom;
  private final int hamHiTo;
  private final Band slopeLow;
  private final Band slopeHigh;

  /** Regression precomputation for one band: centred frequencies and their sum of squares. */
  private record Band(int from, int to, double[] centredHz, double sumSquares) {
    static Band of(int from, int to, double binHz) {
      int n = Math.max(0, to - from + 1);
      double mean = 0;
      for (int k = from; k <= to; k++) {
        mean += k * binHz;
      }
      mean = n == 0 ? 0 : mean / n;
      double[] c = new double[n];
      double ss = 0;
      for (int k = from; k <= to; k++) {
        c[k - from] = k * binHz - mean;
        ss += c[k - from] * c[k - from];
      }
      return new Band(from, to, c, ss);
    }

    boolean usable() {
      return centredHz.length >= 2 && sumSquares > 0;
    }
  }

  private SpectralCues(int sampleRateHz) {
    if (sampleRateHz <= 0) {
      throw new AudioFormatException("<samples>", "sample rate must be positive, got " + sampleRateHz);
    }
    this.sampleRateHz = sampleRateHz;
    this.frameLength = Math.max(2, (int) Math.round(FRAME_S * sampleRateHz));
    this.fftSize = 1 << (int) Math.round(Math.log(frameLength) / Math.log(2));
    this.window = new double[frameLength];
    for (int i = 0; i < frameLength; i++) {
      window[i] = 0.54 - 0.46 * Math.cos(2 * Math.PI * i / (frameLength - 1));
    }
    this.fft = new DoubleFFT_1D(fftSize);
    double binHz = sampleRateHz / (double) fftSize;
    int nyq = fftSize / 2;
    this.alphaLoFrom = firstBinAtOrAbove(ALPHA_LOW_FROM_HZ, binHz);
    this.alphaLoTo = Math.min(nyq, firstBinAtOrAbove(ALPHA_SPLIT_HZ, binHz) - 1);
    this.alphaHiFrom = firstBinAtOrAbove(ALPHA_SPLIT_HZ, binHz);
    this.alphaHiTo = Math.min(nyq, lastBinAtOrBelow(HIGH_BAND_TO_HZ, binHz));
    this.hamLoFrom = 1;
    this.hamLoTo = Math.min(nyq, firstBinAtOrAbove(HAMMARBERG_SPLIT_HZ, binHz) - 1);
    this.hamHiFrom = firstBinAtOrAbove(HAMMARBERG_SPLIT_HZ, binHz);
    this.hamHiTo = Math.min(nyq, lastBinAtOrBelow(HIGH_BAND_TO_HZ, binHz));
    this.slopeLow = Band.of(1, Math.min(nyq, lastBinAtOrBelow(SLOPE_LOW_TO_HZ, binHz)), binHz);
    this.slopeHigh = Band.of(
        firstBinAtOrAbove(SLOPE_LOW_TO_HZ, binHz), Math.min(nyq, lastBinAtOrBelow(SLOPE_HIGH_TO_HZ, binHz)), binHz);
  }

  private static int firstBinAtOrAbove(double hz, double binHz) {
    int k = (int) Math.ceil(hz / binHz - 1e-9);
    return Math.max(0, k);
  }

  private static int lastBinAtOrBelow(double hz, double binHz) {
    return (int) Math.floor(hz / binHz + 1e-9);
  }

  /**
   * An analyser for clips at {@code sampleRateHz}.
   *
   * @throws AudioFormatException if the rate is not positive
   */
  public static SpectralCues create(int sampleRateHz) {
    return new SpectralCues(sampleRateHz);
  }

  /** The sample rate this analyser expects. */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /** Frame length in samples. */
  public int frameLength() {
    return frameLength;
  }

  /** FFT size. */
  public int fftSize() {
    return fftSize;
  }

  /**
   * Cues over the voiced frames of a pitch contour.
   *
   * @param samples mono samples at {@link #sampleRateHz()}
   * @param pitch F0 contour (0 = unvoiced); null or empty means no voiced frames (all cues NaN)
   * @throws AudioFormatException if the samples are null or not finite
   */
  public Result compute(float[] samples, PitchContour pitch) {
    if (pitch == null || pitch.size() == 0) {
      return compute(samples, new double[0], 0.0, 0.01);
    }
    return compute(samples, pitch.f0Hz(), pitch.timeAt(0), pitch.timeStepSeconds());
  }

  /**
   * Cues over the frames with {@code f0PerFrame[i] > 0}, frame {@code i} centred at {@code
   * firstTimeS + i·timeStepS}.
   *
   * @param samples mono samples at {@link #sampleRateHz()}
   * @param f0PerFrame F0 per frame (Hz), 0 or NaN = unvoiced
   * @param firstTimeS centre of frame 0 (s)
   * @param timeStepS hop (s), &gt; 0
   * @throws AudioFormatException if the samples are null or not finite
   * @throws IllegalArgumentException if the array is null or the hop/time is not valid
   */
  public Result compute(float[] samples, double[] f0PerFrame, double firstTimeS, double timeStepS) {
    if (samples == null) {
      throw new AudioFormatException("<samples>", "samples are null");
    }
    if (f0PerFrame == null) {
      throw new IllegalArgumentException("f0PerFrame is null");
    }
    if (!(timeStepS > 0) || !Double.isFinite(firstTimeS) || Double.isInfinite(timeStepS)) {
      throw new IllegalArgumentException(
          "frames need a positive hop and a finite first time, got " + timeStepS + ", " + firstTimeS);
    }
    if (samples.length < frameLength) {
      return new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);
    }
    double[] buf = new double[fftSize];
    double alphaSum = 0;
    double hamSum = 0;
    double slopeLoSum = 0;
    double slopeHiSum = 0;
    int alphaN = 0;
    int hamN = 0;
    int slopeLoN = 0;
    int slopeHiN = 0;
    int voiced = 0;
    int analysed = 0;
    int half = (frameLength - 1) / 2;
    for (int i = 0; i < f0PerFrame.length; i++) {
      if (!(f0PerFrame[i] > 0)) {
        continue;
      }
      voiced++;
      double t = firstTimeS + i * timeStepS;
      int start = (int) Math.floor(t * sampleRateHz) - half;
      if (start < 0 || start + frameLength > samples.length || !fillFrame(samples, start, buf)) {
        continue;
      }
      analysed++;
      fft.realForward(buf);
      powerInPlace(buf);
      double lo = sum(buf, alphaLoFrom, alphaLoTo);
      double hi = sum(buf, alphaHiFrom, alphaHiTo);
      if (lo > TINY_POWER && hi > TINY_POWER) {
        alphaSum += 10 * Math.log10(lo / hi);
        alphaN++;
      }
      double mlo = max(buf, hamLoFrom, hamLoTo);
      double mhi = max(buf, hamHiFrom, hamHiTo);
      if (mlo > TINY_POWER && mhi > TINY_POWER) {
        hamSum += 10 * Math.log10(mlo / mhi);
        hamN++;
      }
      double s = slope(buf, slopeLow);
      if (!Double.isNaN(s)) {
        slopeLoSum += s;
        slopeLoN++;
      }
      s = slope(buf, slopeHigh);
      if (!Double.isNaN(s)) {
        slopeHiSum += s;
        slopeHiN++;
      }
    }
    return new Result(
        alphaN == 0 ? Double.NaN : alphaSum / alphaN,
        hamN == 0 ? Double.NaN : hamSum / hamN,
        slopeLoN == 0 ? Double.NaN : slopeLoSum / slopeLoN,
        slopeHiN == 0 ? Double.NaN : slopeHiSum / slopeHiN,
        voiced,
        analysed);
  }

  /** Copies, de-means and windows one in-range frame into buf (zero-padded); false if all zeros. */
  private boolean fillFrame(float[] samples, int start, double[] buf) {
    double mean = 0;
    boolean any = false;
    for (int j = 0; j < frameLength; j++) {
      float v = samples[start + j];
      if (!Float.isFinite(v)) {
        throw new AudioFormatException(
            "<samples>", "sample " + (start + j) + " is " + v + " (NaN/Inf samples are not audio)");
      }
      any |= v != 0f;
      if (j < fftSize) {
        buf[j] = v;
      }
      mean += v;
    }
    if (!any) {
      return false;
    }
    mean /= frameLength;
    int direct = Math.min(frameLength, fftSize);
    for (int j = 0; j < direct; j++) {
      buf[j] = (buf[j] - mean) * window[j];
    }
    java.util.Arrays.fill(buf, direct, fftSize, 0.0);
    for (int j = fftSize; j < frameLength; j++) { // time-aliasing: same DTFT at k*fs/N
      buf[j - fftSize] += (samples[start + j] - mean) * window[j];
    }
    return true;
  }

  /** Turns JTransforms' packed real-FFT output into P[0..N/2] in place. */
  private void powerInPlace(double[] a) {
    int n = fftSize;
    double re0 = a[0];
    double reN = a[1];
    // P[k] for 1 <= k < N/2 lives at a[2k], a[2k+1]; write P[k] to a[k] (k < 2k, safe ascending)
    a[0] = re0 * re0;
    for (int k = 1; k < n / 2; k++) {
      double re = a[2 * k];
      double im = a[2 * k + 1];
      a[k] = re * re + im * im;
    }
    a[n / 2] = reN * reN;
  }

  private static double sum(double[] p, int from, int to) {
    double s = 0;
    for (int k = from; k <= to; k++) {
      s += p[k];
    }
    return s;
  }

  private static double max(double[] p, int from, int to) {
    double m = 0;
    for (int k = from; k <= to; k++) {
      m = Math.max(m, p[k]);
    }
    return m;
  }

  private static double slope(double[] p, Band b) {
    if (!b.usable()) {
      return Double.NaN;
    }
    double num = 0;
    double[] c = b.centredHz();
    for (int k = b.from(); k <= b.to(); k++) {
      double pk = p[k];
      if (!(pk > TINY_POWER)) {
        return Double.NaN;
      }
      num += c[k - b.from()] * (10 * Math.log10(pk));
    }
    return num / b.sumSquares();
  }

  /**
   * The spectral cues of one clip; NaN where undefined (no voiced frame, or bands with no energy).
   *
   * @param alphaRatioDb {@code alpha_ratio_db}: mean over voiced frames of 10·log10(E(50–1000 Hz) /
   *     E(1–5 kHz))
   * @param hammarbergIndexDb {@code hammarberg_index_db}: mean of 10·log10(max P(0–2 kHz) / max
   *     P(2–5 kHz))
   * @param slope0To500DbPerHz {@code spectral_slope_0_500}: mean regression slope of the dB power
   *     spectrum on frequency, 0–500 Hz (dB/Hz)
   * @param slope500To1500DbPerHz {@code spectral_slope_500_1500}: the same over 500–1500 Hz (dB/Hz)
   * @param voicedFrames number of voiced frames in the input mask
   * @param analysedFrames voiced frames whose window fits in the clip and is not all zeros
   */
  public record Result(
      double alphaRatioDb,
      double hammarbergIndexDb,
      double slope0To500DbPerHz,
      double slope500To1500DbPerHz,
      int voicedFrames,
      int analysedFrames) {}
}
