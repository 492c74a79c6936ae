package io.ser4j.core;

import java.util.Objects;

/**
 * A fundamental-frequency contour sampled at a fixed hop.
 *
 * @param timeStepSeconds hop between frames (0.01 for ser4j's tracker)
 * @param timesSeconds frame centre times
 * @param f0Hz F0 per frame, 0 for unvoiced frames
 */
public record PitchContour(double timeStepSeconds, double[] timesSeconds, double[] f0Hz) {
  /** Validates lengths and copies the arrays. */
  public PitchContour {
    Objects.requireNonNull(timesSeconds, "timesSeconds");
    Objects.requireNonNull(f0Hz, "f0Hz");
    if (timesSeconds.length != f0Hz.length) {
      throw new IllegalArgumentException(
          "times and f0 differ in length: " + timesSeconds.length + " vs " + f0Hz.length);
    }
    timesSeconds = timesSeconds.clone();
    f0Hz = f0Hz.clone();
  }

  /** Number of frames. */
  public int size() {
    return f0Hz.length;
  }

  /** A copy of the frame times. */
  @Override
  public double[] timesSeconds() {
    return timesSeconds.clone();
  }

  /** A copy of the F0 values (0 = unvoiced). */
  @Override
  public double[] f0Hz() {
    return f0Hz.clone();
  }

  /** F0 of frame {@code i}, 0 when unvoiced. */
  public double f0At(int i) {
    return f0Hz[i];
  }

  /** Time of frame {@code i}. */
  public double timeAt(int i) {
    return timesSeconds[i];
  }
}
