package io.ser4j.rationale.train;

import java.util.SplittableRandom;

/**
 * Seeded audio augmentation for fine-tuning: speed perturbation (linear-interpolation resampling
 * of the waveform by a factor drawn from {@code [1 - speed, 1 + speed]}, which changes tempo and
 * pitch together, as Kaldi-style speed perturbation does), additive white noise at a signal-to-noise
 * ratio drawn from {@code [minSnrDb, maxSnrDb]}, and SpecAugment-style masking of the log-mel
 * spectrogram ({@code timeMasks} masks of up to {@code maxTimeMaskFrames} frames and {@code
 * freqMasks} masks of up to {@code maxFreqMaskBins} mel bins, filled with the spectrogram's mean).
 *
 * <p>Every draw comes from the {@link SplittableRandom} passed in, so a given seed gives the same
 * augmentation on every run (this is what makes resumed training bit-identical). Immutable; thread-safe.
 *
 * @param probability probability that a clip is augmented at all, in [0, 1]
 * @param speed maximum relative speed change, in [0, 0.5)
 * @param noiseProbability probability of adding noise to an augmented clip
 * @param minSnrDb lowest signal-to-noise ratio in dB
 * @param maxSnrDb highest signal-to-noise ratio in dB
 * @param timeMasks number of time masks
 * @param maxTimeMaskFrames longest time mask in frames
 * @param freqMasks number of frequency masks
 * @param maxFreqMaskBins widest frequency mask in mel bins
 */
public record Augmenter(
    double probability,
    double speed,
    double noiseProbability,
    double minSnrDb,
    double maxSnrDb,
    int timeMasks,
    int maxTimeMaskFrames,
    int freqMasks,
    int maxFreqMaskBins) {
  /** No augmentation. */
  public static final Augmenter NONE = new Augmenter(0, 0, 0, 20, 20, 0, 0, 0, 0);

  /** The defaults of {@code ser train --augment}: p 0.8, speed ±10%, noise p 0.5 at 15–40 dB, 2×20 frames, 2×8 bins. */
  public static final Augmenter DEFAULT = new Augmenter(0.8, 0.1, 0.5, 15, 40, 2, 20, 2, 8);

  /** Validates. */
  public Augmenter {
    if (!(probability >= 0 && probability <= 1) || !(noiseProbability >= 0 && noiseProbability <= 1)) {
      throw new IllegalArgumentException("augmentation probabilities must be in [0, 1]");
    }
    if (!(speed >= 0 && speed < 0.5)) {
      throw new IllegalArgumentException("speed perturbation must be in [0, 0.5): " + speed);
    }
    if (!(minSnrDb <= maxSnrDb) || !Double.isFinite(minSnrDb) || !Double.isFinite(maxSnrDb)) {
      throw new IllegalArgumentException("SNR range must be finite with min <= max");
    }
    if (timeMasks < 0 || maxTimeMaskFrames < 0 || freqMasks < 0 || maxFreqMaskBins < 0) {
      throw new IllegalArgumentException("mask counts and sizes must be >= 0");
    }
  }

  /** True when this augmenter never changes anything. */
  public boolean isNone() {
    return probability == 0;
  }

  /** Whether to augment this clip (one draw). */
  public boolean draw(SplittableRandom rng) {
    return probability > 0 && rng.nextDouble() < probability;
  }

  /** Speed perturbation and noise on a 16 kHz waveform; returns a new array. */
  public float[] waveform(float[] x, SplittableRandom rng) {
    float[] y = x;
    if (speed > 0) {
      double factor = 1 + (rng.nextDouble() * 2 - 1) * speed;
      int n = Math.max(2, (int) Math.floor((x.length - 1) / factor) + 1);
      y = new float[n];
      for (int i = 0; i < n; i++) {
        double pos = i * factor;
        int j = (int) pos;
        double f = pos - j;
        float a = x[Math.min(j, x.length - 1)];
        float b = x[Math.min(j + 1, x.length - 1)];
        y[i] = (float) (a + (b - a) * f);
      }
    } else {
      y = x.clone();
    }
    if (noiseProbability > 0 && rng.nextDouble() < noiseProbability) {
      double power = 0;
      for (float v : y) {
        power += v * (double) v;
      }
      power /= y.length;
      double snr = minSnrDb + rng.nextDouble() * (maxSnrDb - minSnrDb);
      double sd = Math.sqrt(power / Math.pow(10, snr / 10));
      for (int i = 0; i < y.length; i++) {
        y[i] = (float) Math.max(-1, Math.min(1, y[i] + sd * gaussian(rng)));
      }
    }
    return y;
  }

  /** SpecAugment masks on a log-mel spectrogram {@code (M, L)}, in place. */
  public void masks(float[][] mel, SplittableRandom rng) {
    int m = mel.length;
    int l = mel[0].length;
    double sum = 0;
    for (float[] row : mel) {
      for (float v : row) {
        sum += v;
      }
    }
    float mean = (float) (sum / ((double) m * l));
    for (int k = 0; k < timeMasks && maxTimeMaskFrames > 0; k++) {
      int w = rng.nextInt(maxTimeMaskFrames + 1);
      int start = rng.nextInt(Math.max(1, l - w));
      for (float[] row : mel) {
        for (int t = start; t < Math.min(l, start + w); t++) {
          row[t] = mean;
        }
      }
    }
    for (int k = 0; k < freqMasks && maxFreqMaskBins > 0; k++) {
      int w = rng.nextInt(maxFreqMaskBins + 1);
      int start = rng.nextInt(Math.max(1, m - w));
      for (int f = start; f < Math.min(m, start + w); f++) {
        java.util.Arrays.fill(mel[f], mean);
      }
    }
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller from two uniforms of the given generator (deterministic per seed)
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
