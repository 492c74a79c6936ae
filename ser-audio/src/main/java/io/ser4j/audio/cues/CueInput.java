package io.ser4j.audio.cues;

import io.ser4j.core.AudioFormatException;

/** Validation and conversion of the sample arrays handed to the voice analyses. Stateless. */
final class CueInput {
  private CueInput() {}

  /**
   * Checks the arguments and widens the samples to double.
   *
   * @throws AudioFormatException when {@code samples} is null, the rate is not positive, or a
   *     sample is NaN or infinite
   */
  static double[] toDouble(float[] samples, int sampleRate, String analysis) {
    if (samples == null) {
      throw new AudioFormatException(analysis, "samples are null");
    }
    if (sampleRate <= 0) {
      throw new AudioFormatException(analysis, "sample rate must be positive, got " + sampleRate);
    }
    double[] x = new double[samples.length];
    // Branch-free widening and check (both loops vectorise): v·0 is NaN exactly when v is NaN or
    // infinite, so the sum is NaN iff some sample is not finite; only then is the first one sought.
    double check = 0.0;
    for (int i = 0; i < samples.length; i++) {
      x[i] = samples[i];
    }
    for (int i = 0; i < samples.length; i++) {
      check += x[i] * 0.0;
    }
    if (check != 0.0) {
      for (int i = 0; i < samples.length; i++) {
        float v = samples[i];
        if (!Float.isFinite(v)) {
          throw new AudioFormatException(analysis, "sample " + i + " is not finite (" + v + ")");
        }
      }
    }
    return x;
  }
}
