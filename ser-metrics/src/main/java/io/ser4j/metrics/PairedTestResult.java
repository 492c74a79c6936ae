package io.ser4j.metrics;

/**
 * Result of a paired bootstrap test between two systems scored on the same items. Immutable.
 *
 * @param metric the metric compared
 * @param estimateA the metric of system A on all items
 * @param estimateB the metric of system B on all items
 * @param difference {@code estimateA - estimateB}
 * @param pValue two-sided p-value: {@code (1 + #{b : |δ*_b − δ| ≥ |δ|}) / (B + 1)}, where δ*_b is
 *     the difference on replicate b (both systems on the same resampled items)
 * @param replicates replicates with a defined difference
 * @param seed the seed of the resampling
 */
public record PairedTestResult(
    Metric metric,
    double estimateA,
    double estimateB,
    double difference,
    double pValue,
    int replicates,
    long seed) {}
