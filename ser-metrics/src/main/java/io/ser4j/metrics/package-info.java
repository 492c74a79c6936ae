/**
 * Evaluation of emotion predictions against several annotators: majority-label metrics
 * (accuracy, Macro-F1, weighted F1, UAR, per-class scores, confusion matrix), annotator-aware
 * Macro-F1, soft-label metrics against the annotators' vote shares, agreement (Fleiss' κ,
 * Krippendorff's α) and seeded bootstrap confidence intervals and paired tests.
 *
 * <p>Start with {@link io.ser4j.metrics.EvaluationItem} and {@link io.ser4j.metrics.Evaluation};
 * metrics are data ({@link io.ser4j.metrics.Metric}), resampled by
 * {@link io.ser4j.metrics.Bootstrap} and rendered by {@link io.ser4j.metrics.MetricsReport}. Every
 * type is immutable or stateless and thread-safe; nothing keeps global state. Definitions and
 * formulas: {@code docs/metrics.md}.
 */
package io.ser4j.metrics;
