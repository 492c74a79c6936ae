package io.ser4j.metrics;

/**
 * One bin of the reliability table behind the expected calibration error: items whose top
 * probability lies in {@code (lower, upper]} (the first bin also holds 0). Immutable.
 *
 * @param lower lower edge (exclusive, except for the first bin)
 * @param upper upper edge (inclusive)
 * @param count items in the bin
 * @param meanConfidence mean top probability in the bin, NaN when empty
 * @param accuracy fraction whose top label equals the majority label, NaN when empty
 */
public record ReliabilityBin(
    double lower, double upper, long count, double meanConfidence, double accuracy) {}
