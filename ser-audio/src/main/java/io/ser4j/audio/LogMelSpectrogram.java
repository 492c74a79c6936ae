package io.ser4j.audio;

import io.ser4j.core.AudioFormatException;
import io.ser4j.core.SerException;
import java.util.Arrays;

/**
 * Whisper-compatible log-mel spectrogram: the same numbers as {@code
 * whisper.audio.log_mel_spectrogram} (openai/whisper), computed on the CPU in plain Java.
 *
 * <p>The pipeline, for mono float samples at {@value #SAMPLE_RATE_HZ} Hz:
 *
 * <ol>
 *   <li>STFT as {@code torch.stft(x, n_fft=400, hop_length=160, window=torch.hann_window(400),
 *       center=True, pad_mode='reflect')}: the signal is reflect-padded by {@value #N_FFT_SAMPLES}/2
 *       samples at both ends (without repeating the edge sample) and frame {@code t} is the padded
 *       signal's samples {@code [t*160, t*160 + 400)} times the periodic Hann window {@code 0.5 -
 *       0.5 cos(2 pi i / 400)};
 *   <li>power spectrum {@code |X[k]|^2}, {@code k = 0..200}; the last STFT frame is dropped
 *       ({@code stft[..., :-1]}), leaving {@code nFrames = nSamples / 160} (integer division);
 *   <li>mel power {@code W @ power} with the Slaney filterbank {@link MelFilterbank#slaney
 *       MelFilterbank.slaney(16000, 400, nMels)} (librosa's, as shipped in Whisper's {@code
 *       mel_filters.npz});
 *   <li>{@code log10(max(mel, 1e-10))}, then {@code max(v, globalMax - 8)} (an 80 dB dynamic range
 *       over the whole spectrogram), then {@code (v + 4) / 4}.
 * </ol>
 *
 * <p>The result is {@code float[nMels][nFrames]} (row = mel band, column = frame), Whisper's {@code
 * (n_mels, n_frames)} layout. {@link #computePadded} first pads with zeros or trims the signal to a
 * fixed length, as {@code whisper.audio.pad_or_trim} does; with {@link #WHISPER_WINDOW_SAMPLES}
 * this gives the 3000-frame input of Whisper's encoder.
 *
 * <p>Parity with the PyTorch reference ({@code tools/reference/logmel_reference.py}) is tested to
 * 1e-3 max abs on EmoDB clips (measured: 5e-5). Frames are processed in batches of 128: the real
 * FFT of size 400 (packed as 200 complex points, mixed-radix 4 * 2 * 5 * 5, see {@code
 * FrameBatchFft}) runs point-major over the batch so that the JIT can compile its butterflies to
 * SIMD loops, with the Hann window fused into the first stage, which reads from a reflect-padded copy
 * of the signal; the mel projection touches only each filter's non-zero bins; the logarithm is a
 * table-based float log10 within float32 rounding of {@link Math#log10}. Buffers are allocated once
 * per call, nothing per frame. See docs/benchmarks.md for throughput.
 *
 * <p>Instances are immutable and thread-safe: every call allocates its own scratch buffers.
 */
public final class LogMelSpectrogram {
  /** Sample rate the spectrogram expects, in Hz. */
  public static final int SAMPLE_RATE_HZ = 16_000;
  /** FFT and window size in samples (25 ms). */
  public static final int N_FFT_SAMPLES = 400;
  /** Hop between frames in samples (10 ms). */
  public static final int HOP_LENGTH_SAMPLES = 160;
  /** Whisper's chunk length in seconds. */
  public static final int WHISPER_CHUNK_SECONDS = 30;
  /** Whisper's fixed input length in samples ({@code N_SAMPLES}: 30 s at 16 kHz = 480000). */
  public static final int WHISPER_WINDOW_SAMPLES = WHISPER_CHUNK_SECONDS * SAMPLE_RATE_HZ;
  /** Frames in Whisper's fixed input ({@code N_FRAMES} = 3000). */
  public static final int WHISPER_WINDOW_FRAMES = WHISPER_WINDOW_SAMPLES / HOP_LENGTH_SAMPLES;
  /**
   * Fewest samples {@link #compute} accepts: reflect padding by {@code N_FFT_SAMPLES / 2} needs a
   * longer signal (torch.stft refuses shorter ones too).
   */
  public static final int MIN_SAMPLES = N_FFT_SAMPLES / 2 + 1;
  /** Largest input accepted, in samples (about 37 hours at 16 kHz; keeps the output addressable). */
  public static final int MAX_SAMPLES = Integer.MAX_VALUE - N_FFT_SAMPLES;
  /** Floor applied to mel power before the logarithm. */
  public static final float MEL_POWER_FLOOR = 1e-10f;
  /** Dynamic range kept below the spectrogram's maximum, in decades of power (80 dB). */
  public static final float DYNAMIC_RANGE_DECADES = 8.0f;

  /** Frames transformed together; their FFTs run as SIMD loops over the batch. */
  private static final int FRAME_BATCH = 128;
  private static final int PAD = N_FFT_SAMPLES / 2;

  private final int nMels;
  private final MelFilterbank filterbank;
  private final float[] windowEven; // periodic Hann at even sample indices, N_FFT_SAMPLES / 2
  private final float[] windowOdd; // ... at odd indices
  private final FrameBatchFft fft;

  private LogMelSpectrogram(int nMels) {
    this.nMels = nMels;
    this.filterbank = MelFilterbank.slaney(SAMPLE_RATE_HZ, N_FFT_SAMPLES, nMels);
    this.windowEven = new float[N_FFT_SAMPLES / 2];
    this.windowOdd = new float[N_FFT_SAMPLES / 2];
    for (int i = 0; i < N_FFT_SAMPLES; i++) {
      float w = (float) (0.5 - 0.5 * Math.cos(2.0 * Math.PI * i / N_FFT_SAMPLES));
      if (i % 2 == 0) {
        windowEven[i / 2] = w;
      } else {
        windowOdd[i / 2] = w;
      }
    }
    this.fft = new FrameBatchFft(N_FFT_SAMPLES, FRAME_BATCH);
  }

  /**
   * Whisper's log-mel front end with {@code nMels} bands.
   *
   * @param nMels 80 (Whisper up to large-v2) or 128 (large-v3)
   * @throws SerException if {@code nMels} is neither 80 nor 128
   */
  public static LogMelSpectrogram whisper(int nMels) {
    if (nMels != 80 && nMels != 128) {
      throw new SerException("nMels", "Whisper log-mel has 80 or 128 bands, got " + nMels);
    }
    return new LogMelSpectrogram(nMels);
  }

  /** Number of mel bands (rows of the output). */
  public int nMels() {
    return nMels;
  }

  /** The mel filterbank in use. */
  public MelFilterbank filterbank() {
    return filterbank;
  }

  /** Frames produced for {@code nSamples} input samples: {@code nSamples / HOP_LENGTH_SAMPLES}. */
  public static int frameCount(int nSamples) {
    return nSamples / HOP_LENGTH_SAMPLES;
  }

  /**
   * Log-mel spectrogram of a whole signal, without padding to 30 s.
   *
   * @param samples16k mono samples at 16 kHz (not modified)
   * @return {@code float[nMels][samples16k.length / 160]}
   * @throws AudioFormatException if the signal is null, shorter than {@link #MIN_SAMPLES}, longer
   *     than {@link #MAX_SAMPLES} or contains NaN or infinite samples
   */
  public float[][] compute(float[] samples16k) {
    checkSamples(samples16k);
    return computeChecked(samples16k, samples16k.length);
  }

  /**
   * Log-mel spectrogram after zero-padding or trimming the signal to exactly {@code nSamples}
   * samples ({@code whisper.audio.pad_or_trim}); {@code computePadded(x,
   * WHISPER_WINDOW_SAMPLES)} gives Whisper's {@code (nMels, 3000)} encoder input.
   *
   * @param samples16k mono samples at 16 kHz (not modified; may be shorter than {@link
   *     #MIN_SAMPLES}, even empty)
   * @param nSamples target length in samples, {@code MIN_SAMPLES <= nSamples <= MAX_SAMPLES}
   * @return {@code float[nMels][nSamples / 160]}
   * @throws AudioFormatException if the signal is null or contains NaN or infinite samples
   * @throws SerException if {@code nSamples} is out of range
   */
  public float[][] computePadded(float[] samples16k, int nSamples) {
    if (nSamples < MIN_SAMPLES || nSamples > MAX_SAMPLES) {
      throw new SerException(
          "nSamples", "must be in [" + MIN_SAMPLES + ", " + MAX_SAMPLES + "], got " + nSamples);
    }
    if (samples16k == null) {
      throw new AudioFormatException("samples16k", "is null");
    }
    float[] x =
        samples16k.length == nSamples ? samples16k : Arrays.copyOf(samples16k, nSamples);
    return computeChecked(x, nSamples);
  }

  private static void checkSamples(float[] samples) {
    if (samples == null) {
      throw new AudioFormatException("samples16k", "is null");
    }
    if (samples.length < MIN_SAMPLES) {
      throw new AudioFormatException(
          "samples16k",
          "has " + samples.length + " samples; log-mel needs at least " + MIN_SAMPLES
              + " (use computePadded for shorter clips)");
    }
    if (samples.length > MAX_SAMPLES) {
      throw new AudioFormatException(
          "samples16k", "has " + samples.length + " samples; at most " + MAX_SAMPLES);
    }
  }

  /** Throws if any of {@code x[from..to)} is NaN or infinite. */
  private static void checkFinite(float[] x, int from, int to) {
    for (int j = from; j < to; j++) {
      if (!Float.isFinite(x[j])) {
        throw new AudioFormatException(
            "samples16k", "sample " + j + " is " + x[j] + " (NaN or infinite)");
      }
    }
  }

  private float[][] computeChecked(float[] x, int n) {
    int nFrames = frameCount(n);
    float[][] out = new float[nMels][nFrames];
    FrameBatchFft.Workspace ws = fft.newWorkspace();
    float[][] power = ws.power;
    float[] acc = new float[FRAME_BATCH];
    // torch.stft(center=True): reflect-pad by N_FFT/2 on both sides; frame t starts at t * HOP
    float[] padded = reflectPad(x, n);
    float maxMel = MEL_POWER_FLOOR;
    for (int t0 = 0; t0 < nFrames; t0 += FRAME_BATCH) {
      int count = Math.min(FRAME_BATCH, nFrames - t0);
      // power[k][f] = |X_f[k]|^2 for frames t0 .. t0+count-1
      fft.powerOfFrames(
          padded, t0 * HOP_LENGTH_SAMPLES, HOP_LENGTH_SAMPLES, windowEven, windowOdd, ws, count);
      for (int m = 0; m < nMels; m++) {
        java.util.Arrays.fill(acc, 0, count, 0f);
        float[] w = filterbank.weightsRow(m);
        int first = filterbank.firstBin(m);
        for (int i = 0; i < w.length; i++) {
          float wk = w[i];
          float[] pk = power[first + i];
          for (int f = 0; f < count; f++) {
            acc[f] += wk * pk[f];
          }
        }
        // log10 while the values are hot; the clamp to max - 8 needs the global max: done below
        float[] row = out[m];
        for (int f = 0; f < count; f++) {
          float v = acc[f];
          maxMel = Math.max(maxMel, v); // NaN propagates (checked below)
          row[t0 + f] = log10(Math.max(v, MEL_POWER_FLOOR));
        }
      }
    }
    // A NaN or infinite sample makes its frames' spectra NaN/Inf, hence maxMel; samples after the
    // last kept frame's window are checked directly.
    int covered = Math.min(n, (nFrames - 1) * HOP_LENGTH_SAMPLES + N_FFT_SAMPLES - PAD);
    checkFinite(x, covered, n);
    if (!(maxMel < Float.POSITIVE_INFINITY)) {
      checkFinite(x, 0, n);
      throw new AudioFormatException(
          "samples16k", "sample magnitudes too large: the power spectrum overflows float32");
    }
    // out holds log10(max(mel, 1e-10)): clamp to log10(max) - 8, then (v + 4) / 4
    float floorLog = log10(maxMel) - DYNAMIC_RANGE_DECADES;
    for (int m = 0; m < nMels; m++) {
      float[] row = out[m];
      for (int t = 0; t < nFrames; t++) {
        row[t] = (Math.max(row[t], floorLog) + 4f) * 0.25f;
      }
    }
    return out;
  }

  private static final int LOG_TABLE_BITS = 7;
  private static final float[] LOG_TABLE_LN_CENTRE = new float[1 << LOG_TABLE_BITS];
  private static final float[] LOG_TABLE_INV_CENTRE = new float[1 << LOG_TABLE_BITS];
  private static final float LN2 = (float) Math.log(2.0);
  private static final float INV_LN10 = (float) (1.0 / Math.log(10.0));

  static {
    for (int i = 0; i < LOG_TABLE_LN_CENTRE.length; i++) {
      double centre = 1.0 + (i + 0.5) / LOG_TABLE_LN_CENTRE.length;
      LOG_TABLE_LN_CENTRE[i] = (float) Math.log(centre);
      LOG_TABLE_INV_CENTRE[i] = (float) (1.0 / centre);
    }
  }

  /**
   * log10 of a positive normal float, several times faster than {@link Math#log10}; it differs
   * from it by at most 3e-6 for |log10 v| < 20 and 6e-6 over the whole float range, i.e. by the
   * float32 rounding of the result and of {@code e * ln 2}.
   *
   * <p>Write {@code v = 2^e * m} with {@code m} in {@code [1, 2)}; the top 7 mantissa bits pick a
   * table centre {@code c} with {@code |m / c - 1| < 2^-8}; then {@code ln m = ln c + ln(1 + r)},
   * {@code r = m / c - 1}, with {@code ln(1 + r) ~ r - r^2/2} (truncation error {@code r^3/3 <
   * 2e-8}). No division, no branch.
   */
  static float log10(float v) {
    int bits = Float.floatToRawIntBits(v);
    int e = (bits >>> 23) - 127;
    int i = (bits >>> (23 - LOG_TABLE_BITS)) & ((1 << LOG_TABLE_BITS) - 1);
    float m = Float.intBitsToFloat((bits & 0x007fffff) | 0x3f800000);
    float r = m * LOG_TABLE_INV_CENTRE[i] - 1f;
    float ln1p = r - 0.5f * r * r;
    return (e * LN2 + (LOG_TABLE_LN_CENTRE[i] + ln1p)) * INV_LN10;
  }

  /** {@code x[0..n)} with {@code PAD} reflected samples on each side (no edge repeat). */
  private static float[] reflectPad(float[] x, int n) {
    float[] padded = new float[n + 2 * PAD];
    System.arraycopy(x, 0, padded, PAD, n);
    for (int i = 0; i < PAD; i++) {
      padded[i] = x[reflect(i - PAD, n)];
      padded[PAD + n + i] = x[reflect(n + i, n)];
    }
    return padded;
  }

  /** Index into a signal of length {@code n} of padded position {@code i} (reflect, no edge repeat). */
  private static int reflect(int i, int n) {
    if (i < 0) {
      return -i;
    }
    if (i >= n) {
      return 2 * (n - 1) - i;
    }
    return i;
  }
}
