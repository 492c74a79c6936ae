/**
 * Report directories for an {@link io.ser4j.metrics.Evaluation}: {@code metrics.json}, {@code
 * report.md} (tables with confidence intervals), {@code confusion.png} (row-normalised heat map
 * with counts) and {@code reliability.png} (reliability diagram), written atomically by {@link
 * io.ser4j.metrics.report.ReportWriter}.
 *
 * <p>The PNGs need XChart ({@code org.knowm.xchart:xchart}), an <em>optional</em> dependency of
 * ser-metrics: add it to your build to get them. Without it the writer still writes {@code
 * metrics.json} and {@code report.md} and says in the Markdown that the plots were skipped.
 * Rendering is headless (no display needed; {@code -Djava.awt.headless=true} works). JSON is
 * written by the small {@link io.ser4j.metrics.report.JsonWriter}, so ser-metrics keeps no JSON
 * library in its main scope.
 */
package io.ser4j.metrics.report;
