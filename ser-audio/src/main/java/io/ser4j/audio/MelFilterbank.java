package io.ser4j.audio;

import io.ser4j.core.SerException;

/**
 * A triangular mel filterbank on the Slaney (Auditory Toolbox) mel scale with Slaney area
 * normalisation, equal to {@code librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False,
 * norm='slaney', dtype=float32)} and to {@code torchaudio.functional.melscale_fbanks(...,
 * norm='slaney', mel_scale='slaney')} (transposed). Whisper's {@code mel_filters.npz} holds this
 * matrix for {@code sr=16000, n_fft=400} and 80 or 128 mels.
 *
 * <p>Derivation, as in librosa:
 *
 * <ol>
 *   <li>Mel scale (Slaney): linear below 1 kHz, {@code mel = hz / (200/3)}, so 1 kHz is mel 15;
 *       logarithmic above, {@code mel = 15 + ln(hz / 1000) / (ln(6.4) / 27)} (27 mels per factor
 *       6.4). {@link #hzToMel} and {@link #melToHz} are the two directions.
 *   <li>{@code nMels + 2} band edges {@code f[0..nMels+1]}: equally spaced in mel between {@code
 *       hzToMel(fMin)} and {@code hzToMel(fMax)} (numpy {@code linspace}: {@code start + i * step},
 *       the last point exactly {@code stop}), mapped back to Hz.
 *   <li>FFT bin {@code k} has frequency {@code k * sr / nFft}, {@code k = 0..nFft/2}.
 *   <li>Filter {@code m} is the triangle rising from {@code f[m]} to {@code f[m+1]} and falling to
 *       {@code f[m+2]}: {@code max(0, min((fk - f[m]) / (f[m+1] - f[m]), (f[m+2] - fk) / (f[m+2] -
 *       f[m+1])))}, evaluated in double and stored as float32.
 *   <li>Slaney normalisation: filter {@code m} is scaled by {@code 2 / (f[m+2] - f[m])} so that each
 *       triangle has unit area in Hz (constant energy per band); the product is rounded to float32,
 *       as numpy does for {@code weights *= enorm}.
 * </ol>
 *
 * <p>Each filter is non-zero only on a contiguous range of bins; the bank stores that range per
 * filter ({@link #firstBin}, {@link #endBin}) so that {@link #apply} costs about two multiply-adds
 * per FFT bin. Instances are immutable and thread-safe.
 */
public final class MelFilterbank {
  /** Width of one mel in Hz on the linear part of the Slaney scale (below 1 kHz). */
  public static final double LINEAR_HZ_PER_MEL = 200.0 / 3.0;
  /** Frequency where the Slaney scale turns from linear to logarithmic, in Hz. */
  public static final double LOG_REGION_START_HZ = 1000.0;
  /** Mel value at {@link #LOG_REGION_START_HZ} (= 15). */
  public static final double LOG_REGION_START_MEL = LOG_REGION_START_HZ / LINEAR_HZ_PER_MEL;
  /** Natural-log step per mel in the logarithmic region: {@code ln(6.4) / 27}. */
  public static final double LOG_STEP_PER_MEL = Math.log(6.4) / 27.0;

  private final int sampleRateHz;
  private final int nFft;
  private final int nMels;
  private final double fMinHz;
  private final double fMaxHz;
  private final int[] firstBin; // [nMels], inclusive
  private final int[] endBin; // [nMels], exclusive
  private final float[][] weights; // [nMels][endBin - firstBin], the non-zero range only

  private MelFilterbank(int sampleRateHz, int nFft, int nMels, double fMinHz, double fMaxHz) {
    this.sampleRateHz = sampleRateHz;
    this.nFft = nFft;
    this.nMels = nMels;
    this.fMinHz = fMinHz;
    this.fMaxHz = fMaxHz;
    int nFreqs = nFft / 2 + 1;
    double[] edgesHz = melBandEdgesHz(nMels + 2, fMinHz, fMaxHz);
    this.firstBin = new int[nMels];
    this.endBin = new int[nMels];
    this.weights = new float[nMels][];
    float[] row = new float[nFreqs];
    for (int m = 0; m < nMels; m++) {
      double lowerDiff = edgesHz[m + 1] - edgesHz[m];
      double upperDiff = edgesHz[m + 2] - edgesHz[m + 1];
      double enorm = 2.0 / (edgesHz[m + 2] - edgesHz[m]);
      int first = -1;
      int end = 0;
      for (int k = 0; k < nFreqs; k++) {
        double fk = binFrequencyHz(k);
        double lower = (fk - edgesHz[m]) / lowerDiff;
        double upper = (edgesHz[m + 2] - fk) / upperDiff;
        float tri = (float) Math.max(0.0, Math.min(lower, upper));
        row[k] = (float) (tri * enorm);
        if (row[k] != 0f) {
          if (first < 0) {
            first = k;
          }
          end = k + 1;
        }
      }
      if (first < 0) { // an empty filter (too many mels for the FFT resolution): keep it empty
        first = 0;
        end = 0;
      }
      firstBin[m] = first;
      endBin[m] = end;
      weights[m] = java.util.Arrays.copyOfRange(row, first, end);
    }
  }

  /**
   * The librosa/Whisper filterbank covering {@code 0 .. sampleRateHz / 2}.
   *
   * @param sampleRateHz audio sample rate in Hz (positive)
   * @param nFft FFT size in samples (at least 2)
   * @param nMels number of mel bands (positive)
   * @throws SerException if a parameter is out of range
   */
  public static MelFilterbank slaney(int sampleRateHz, int nFft, int nMels) {
    return slaney(sampleRateHz, nFft, nMels, 0.0, sampleRateHz / 2.0);
  }

  /**
   * A Slaney-normalised filterbank between {@code fMinHz} and {@code fMaxHz}.
   *
   * @param sampleRateHz audio sample rate in Hz (positive)
   * @param nFft FFT size in samples (at least 2)
   * @param nMels number of mel bands (positive, at most 10000)
   * @param fMinHz lowest band edge in Hz ({@code >= 0})
   * @param fMaxHz highest band edge in Hz ({@code > fMinHz}, at most {@code sampleRateHz / 2})
   * @throws SerException if a parameter is out of range
   */
  public static MelFilterbank slaney(
      int sampleRateHz, int nFft, int nMels, double fMinHz, double fMaxHz) {
    if (sampleRateHz <= 0) {
      throw new SerException("sampleRateHz", "must be positive, got " + sampleRateHz);
    }
    if (nFft < 2 || nFft > (1 << 24)) {
      throw new SerException("nFft", "must be in [2, 2^24], got " + nFft);
    }
    if (nMels <= 0 || nMels > 10_000) {
      throw new SerException("nMels", "must be in [1, 10000], got " + nMels);
    }
    if (!(fMinHz >= 0) || !(fMaxHz > fMinHz) || fMaxHz > sampleRateHz / 2.0) {
      throw new SerException(
          "fMinHz/fMaxHz",
          "need 0 <= fMinHz < fMaxHz <= sampleRateHz/2, got " + fMinHz + ", " + fMaxHz);
    }
    return new MelFilterbank(sampleRateHz, nFft, nMels, fMinHz, fMaxHz);
  }

  /** Hz to mel on the Slaney scale (librosa {@code hz_to_mel(htk=False)}). */
  public static double hzToMel(double hz) {
    if (hz >= LOG_REGION_START_HZ) {
      return LOG_REGION_START_MEL + Math.log(hz / LOG_REGION_START_HZ) / LOG_STEP_PER_MEL;
    }
    return hz / LINEAR_HZ_PER_MEL;
  }

  /** Mel to Hz on the Slaney scale (librosa {@code mel_to_hz(htk=False)}). */
  public static double melToHz(double mel) {
    if (mel >= LOG_REGION_START_MEL) {
      return LOG_REGION_START_HZ * Math.exp(LOG_STEP_PER_MEL * (mel - LOG_REGION_START_MEL));
    }
    return LINEAR_HZ_PER_MEL * mel;
  }

  /** {@code count} band edges in Hz, equally spaced in mel (numpy linspace semantics). */
  private static double[] melBandEdgesHz(int count, double fMinHz, double fMaxHz) {
    double minMel = hzToMel(fMinHz);
    double maxMel = hzToMel(fMaxHz);
    double step = (maxMel - minMel) / (count - 1);
    double[] hz = new double[count];
    for (int i = 0; i < count; i++) {
      double mel = i == count - 1 ? maxMel : minMel + i * step;
      hz[i] = melToHz(mel);
    }
    return hz;
  }

  /**
   * Centre frequency of FFT bin {@code k} in Hz, {@code k * sampleRateHz / nFft}, rounded as
   * numpy's {@code rfftfreq(nFft, 1 / sampleRateHz)} rounds it.
   */
  public double binFrequencyHz(int k) {
    return k * (1.0 / (nFft * (1.0 / sampleRateHz)));
  }

  /** Sample rate in Hz. */
  public int sampleRateHz() {
    return sampleRateHz;
  }

  /** FFT size in samples. */
  public int nFft() {
    return nFft;
  }

  /** Number of FFT bins the filters apply to: {@code nFft / 2 + 1}. */
  public int nFreqs() {
    return nFft / 2 + 1;
  }

  /** Number of mel bands. */
  public int nMels() {
    return nMels;
  }

  /** Lowest band edge in Hz. */
  public double fMinHz() {
    return fMinHz;
  }

  /** Highest band edge in Hz. */
  public double fMaxHz() {
    return fMaxHz;
  }

  /** First FFT bin (inclusive) where filter {@code mel} is non-zero. */
  public int firstBin(int mel) {
    return firstBin[checkMel(mel)];
  }

  /** One past the last FFT bin where filter {@code mel} is non-zero ({@code == firstBin} if empty). */
  public int endBin(int mel) {
    return endBin[checkMel(mel)];
  }

  /** Weight of FFT bin {@code bin} in filter {@code mel} (0 outside its range). */
  public float weight(int mel, int bin) {
    checkMel(mel);
    if (bin < 0 || bin >= nFreqs()) {
      throw new SerException("bin", "must be in [0, " + nFreqs() + "), got " + bin);
    }
    int i = bin - firstBin[mel];
    return i >= 0 && i < weights[mel].length ? weights[mel][i] : 0f;
  }

  /** The dense matrix, a fresh copy of shape {@code (nMels, nFreqs)}. */
  public float[][] toDense() {
    float[][] dense = new float[nMels][nFreqs()];
    for (int m = 0; m < nMels; m++) {
      System.arraycopy(weights[m], 0, dense[m], firstBin[m], weights[m].length);
    }
    return dense;
  }

  /**
   * Applies the bank to one power spectrum: {@code out[m] = sum_k W[m][k] * power[k]}.
   *
   * @param power {@code nFreqs} spectrum values
   * @param out receives {@code nMels} band values
   * @throws SerException if an array is shorter than required
   */
  public void apply(float[] power, float[] out) {
    if (power.length < nFreqs() || out.length < nMels) {
      throw new SerException(
          "power/out",
          "need lengths >= " + nFreqs() + " and " + nMels + ", got " + power.length + " and "
              + out.length);
    }
    for (int m = 0; m < nMels; m++) {
      out[m] = dot(m, power, 0);
    }
  }

  /** Weighted sum of filter {@code m} over {@code spectrum[offset + firstBin .. offset + endBin)}. */
  float dot(int m, float[] spectrum, int offset) {
    float[] w = weights[m];
    int base = offset + firstBin[m];
    float acc = 0f;
    for (int i = 0; i < w.length; i++) {
      acc += w[i] * spectrum[base + i];
    }
    return acc;
  }

  /** The non-zero weights of filter {@code m} (internal array: callers must not modify it). */
  float[] weightsRow(int m) {
    return weights[m];
  }

  private int checkMel(int mel) {
    if (mel < 0 || mel >= nMels) {
      throw new SerException("mel", "must be in [0, " + nMels + "), got " + mel);
    }
    return mel;
  }
}
