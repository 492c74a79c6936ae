package io.ser4j.metrics;

import io.ser4j.core.Label;

/**
 * Precision, recall and F1 of one class against the majority label (scikit-learn conventions:
 * 0 where a denominator is 0). Immutable.
 *
 * @param label the class
 * @param precision true positives / predicted as this class, 0 when never predicted
 * @param recall true positives / majority label is this class, 0 when absent from the references
 * @param f1 harmonic mean of precision and recall, 0 when both are 0
 * @param support number of items whose majority label is this class
 */
public record ClassMetrics(Label label, double precision, double recall, double f1, long support) {}
