package io.ser4j.rationale.train;

/**
 * Linear warm-up then cosine decay: for optimizer step {@code s} (1-based) of {@code total},
 * {@code lr = peak * s / warmup} while {@code s <= warmup}, then {@code lr = floor + (peak - floor) *
 * 0.5 * (1 + cos(pi * (s - warmup) / (total - warmup)))}. Immutable; thread-safe.
 *
 * @param peak the peak learning rate ({@code > 0})
 * @param warmupSteps warm-up steps ({@code >= 0})
 * @param totalSteps all optimizer steps ({@code >= 1})
 * @param floorFraction the final learning rate as a fraction of the peak, in [0, 1]
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double floorFraction) {
  /** Validates. */
  public LearningRateSchedule {
    if (!(peak > 0) || Double.isInfinite(peak)) {
      throw new IllegalArgumentException("peak learning rate must be positive: " + peak);
    }
    if (warmupSteps < 0 || totalSteps < 1) {
      throw new IllegalArgumentException("need warmupSteps >= 0 and totalSteps >= 1");
    }
    if (!(floorFraction >= 0 && floorFraction <= 1)) {
      throw new IllegalArgumentException("floorFraction must be in [0, 1]: " + floorFraction);
    }
  }

  /** The learning rate of optimizer step {@code step} (1-based; clamped to [1, total]). */
  public double at(int step) {
    int s = Math.max(1, Math.min(step, totalSteps));
    if (s <= warmupSteps) {
      return peak * s / warmupSteps;
    }
    int span = Math.max(1, totalSteps - warmupSteps);
    double progress = (s - warmupSteps) / (double) span;
    double floor = peak * floorFraction;
    return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
