package io.ser4j.metrics;

/**
 * A percentile bootstrap confidence interval. Immutable.
 *
 * @param metric the metric
 * @param estimate the point estimate on all items
 * @param lower the lower percentile ({@code (1 - level) / 2}) of the replicate values
 * @param upper the upper percentile ({@code (1 + level) / 2})
 * @param level the confidence level, e.g. 0.95
 * @param replicates replicates with a defined value (replicates where the metric was undefined,
 *     e.g. no item with a majority label, are dropped)
 * @param seed the seed of the resampling
 */
public record ConfidenceInterval(
    Metric metric,
    double estimate,
    double lower,
    double upper,
    double level,
    int replicates,
    long seed) {
  /** True when {@code lower <= x <= upper}. */
  public boolean contains(double x) {
    return lower <= x && x <= upper;
  }

  /** {@code upper - lower}. */
  public double width() {
    return upper - lower;
  }
}
