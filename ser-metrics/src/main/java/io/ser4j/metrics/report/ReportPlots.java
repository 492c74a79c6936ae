package io.ser4j.metrics.report;

import io.ser4j.metrics.ConfusionMatrix;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.ReliabilityBin;
import java.util.List;

/**
 * PNG plots of an evaluation, drawn with XChart without a display (headless). XChart is an optional
 * dependency of ser-metrics: check {@link #isAvailable()} or add {@code org.knowm.xchart:xchart} to
 * your build. Stateless and thread-safe.
 *
 * <pre>{@code
 * if (ReportPlots.isAvailable()) {
 *   byte[] png = ReportPlots.confusionHeatmapPng(ev.confusionMatrix(), 800, 700);
 * }
 * }</pre>
 */
public final class ReportPlots {
  /** Smallest accepted plot side, in pixels. */
  public static final int MIN_SIDE_PX = 200;

  /** Largest accepted plot side, in pixels. */
  public static final int MAX_SIDE_PX = 8000;

  private static final String XCHART_CLASS = "org.knowm.xchart.HeatMapChart";

  private ReportPlots() {}

  /** True when XChart is on the class path, so the PNG methods work. */
  public static boolean isAvailable() {
    try {
      Class.forName(XCHART_CLASS, false, ReportPlots.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * A heat map of the row-normalised confusion matrix (rows: majority label, columns: predicted;
   * colour: share of the row, white 0 to dark blue 1), every cell annotated with its count and
   * share.
   *
   * @param widthPx image width in pixels, {@value #MIN_SIDE_PX} to {@value #MAX_SIDE_PX}
   * @param heightPx image height in pixels, {@value #MIN_SIDE_PX} to {@value #MAX_SIDE_PX}
   * @return PNG bytes
   * @throws IllegalStateException if XChart is not on the class path
   * @throws IllegalArgumentException if a size is out of range
   */
  public static byte[] confusionHeatmapPng(ConfusionMatrix matrix, int widthPx, int heightPx) {
    check(widthPx, heightPx);
    if (matrix == null) {
      throw new IllegalArgumentException("the confusion matrix is null");
    }
    return XChartPlots.confusion(matrix, widthPx, heightPx);
  }

  /**
   * The reliability diagram of {@code evaluation}: per non-empty bin of the top probability, mean
   * confidence against accuracy, with the diagonal of perfect calibration; the title carries the
   * ECE.
   *
   * @return PNG bytes
   * @throws IllegalStateException if XChart is not on the class path
   * @throws IllegalArgumentException if the evaluation has no distributions or a size is out of
   *     range
   */
  public static byte[] reliabilityDiagramPng(Evaluation evaluation, int widthPx, int heightPx) {
    check(widthPx, heightPx);
    if (evaluation == null || !evaluation.hasDistributions()) {
      throw new IllegalArgumentException(
          "a reliability diagram needs items with prediction distributions");
    }
    List<ReliabilityBin> bins = evaluation.reliabilityTable();
    return XChartPlots.reliability(bins, evaluation.ece(), widthPx, heightPx);
  }

  private static void check(int w, int h) {
    if (w < MIN_SIDE_PX || h < MIN_SIDE_PX || w > MAX_SIDE_PX || h > MAX_SIDE_PX) {
      throw new IllegalArgumentException(
          "plot size " + w + "x" + h + " px is outside " + MIN_SIDE_PX + ".." + MAX_SIDE_PX);
    }
    if (!isAvailable()) {
      throw new IllegalStateException(
          "PNG plots need XChart on the class path: add org.knowm.xchart:xchart (3.8.8) to your"
              + " build (it is an optional dependency of ser-metrics)");
    }
  }
}
