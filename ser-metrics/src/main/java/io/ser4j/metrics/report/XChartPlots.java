package io.ser4j.metrics.report;

import io.ser4j.core.Label;
import io.ser4j.metrics.ConfusionMatrix;
import io.ser4j.metrics.ReliabilityBin;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapSeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.Utils;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The XChart renderings behind {@link ReportPlots}. Only loaded after {@link
 * ReportPlots#isAvailable()} said XChart is on the class path (this class links against it).
 * Stateless and thread-safe (each call builds its own chart).
 */
final class XChartPlots {
  /** Colour scale of the heat map: white (0) to dark blue (1), as in matplotlib's "Blues". */
  private static final Color[] BLUES = {
    new Color(247, 251, 255),
    new Color(198, 219, 239),
    new Color(107, 174, 214),
    new Color(33, 113, 181),
    new Color(8, 48, 107)
  };

  /** Cells whose row share exceeds this get white annotation text, the others black. */
  private static final double DARK_CELL_SHARE = 0.5;

  /** Largest annotation font size, in points. */
  private static final float MAX_ANNOTATION_PT = 16f;

  private static final Color DIAGONAL = new Color(120, 120, 120);
  private static final Color MODEL = new Color(33, 113, 181);

  private XChartPlots() {}

  /** PNG bytes of the row-normalised confusion heat map with counts and shares in every cell. */
  static byte[] confusion(ConfusionMatrix cm, int width, int height) {
    List<Label> labels = cm.labels().labels();
    int c = labels.size();
    long[][] counts = cm.counts();
    double[][] share = cm.rowNormalised();
    List<String> x = new ArrayList<>(c);
    List<String> y = new ArrayList<>(c);
    for (int k = 0; k < c; k++) {
      x.add(labels.get(k).name());
      y.add(
          labels.get(c - 1 - k).name()); // XChart draws y index 0 at the bottom: first label on top
    }
    List<Number[]> heat = new ArrayList<>(c * c);
    for (int r = 0; r < c; r++) {
      for (int p = 0; p < c; p++) {
        heat.add(new Number[] {p, c - 1 - r, share[r][p]});
      }
    }
    AnnotatedHeatMap chart = new AnnotatedHeatMap(width, height, counts, share);
    chart.setTitle("Confusion matrix (rows: share of the majority label; n = " + cm.total() + ")");
    chart.setXAxisTitle("predicted");
    chart.setYAxisTitle("majority (reference)");
    chart
        .getStyler()
        .setRangeColors(BLUES)
        .setMin(0)
        .setMax(1)
        .setShowValue(false)
        .setDrawBorder(true)
        .setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisLabelRotation(c > 6 ? 30 : 0);
    chart.getStyler().setPlotGridLinesVisible(false);
    HeatMapSeries series = chart.addSeries("share", x, y, heat);
    series.setMin(0).setMax(1);
    return png(chart);
  }

  /**
   * PNG bytes of the reliability diagram: mean top probability against accuracy per non-empty bin,
   * with the diagonal of perfect calibration.
   */
  static byte[] reliability(List<ReliabilityBin> bins, double ece, int width, int height) {
    List<Double> conf = new ArrayList<>();
    List<Double> acc = new ArrayList<>();
    long n = 0;
    for (ReliabilityBin b : bins) {
      n += b.count();
      if (b.count() > 0) {
        conf.add(b.meanConfidence());
        acc.add(b.accuracy());
      }
    }
    if (conf.isEmpty()) {
      throw new IllegalArgumentException("the reliability table has no non-empty bin");
    }
    XYChart chart = new XYChart(width, height);
    chart.setTitle(
        String.format(
            Locale.ROOT, "Reliability diagram (ECE = %.4f, %d bins, n = %d)", ece, bins.size(), n));
    chart.setXAxisTitle("mean confidence (top probability)");
    chart.setYAxisTitle("accuracy (top label = majority label)");
    chart
        .getStyler()
        .setXAxisMin(0.0)
        .setXAxisMax(1.0)
        .setYAxisMin(0.0)
        .setYAxisMax(1.0)
        .setXAxisDecimalPattern("0.0")
        .setYAxisDecimalPattern("0.0")
        .setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    XYSeries diagonal =
        chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
    diagonal.setMarker(SeriesMarkers.NONE);
    diagonal.setLineColor(DIAGONAL);
    diagonal.setLineStyle(
        new BasicStroke(
            1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    XYSeries model = chart.addSeries("model", conf, acc);
    model.setMarker(SeriesMarkers.CIRCLE);
    model.setLineColor(MODEL);
    model.setMarkerColor(MODEL);
    return png(chart);
  }

  private static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e); // in-memory: not expected
    }
  }

  /**
   * A heat map that writes each cell's count (and row share) on top of the cell after XChart has
   * painted it. The cell geometry mirrors XChart 3.8's heat-map layout (plot bounds, tick start
   * offset, equal cells); the version is pinned in the root pom.
   */
  private static final class AnnotatedHeatMap extends HeatMapChart {
    private final long[][] counts;
    private final double[][] share;

    AnnotatedHeatMap(int width, int height, long[][] counts, double[][] share) {
      // the theme constructor: HeatMapChart(int, int) leaves the theme (fonts, locale) unset in
      // 3.8.8
      super(width, height, Styler.ChartTheme.XChart);
      this.counts = counts;
      this.share = share;
    }

    @Override
    public void paint(Graphics2D g, int width, int height) {
      super.paint(g, width, height);
      Rectangle2D b = plot.getBounds();
      int c = counts.length;
      double xSpace = getStyler().getPlotContentSize() * b.getWidth();
      double xMargin = Utils.getTickStartOffset((int) b.getWidth(), xSpace);
      double ySpace = getStyler().getPlotContentSize() * b.getHeight();
      double yMargin = Utils.getTickStartOffset((int) b.getHeight(), ySpace);
      double cellW = (b.getWidth() - 2 * xMargin) / c;
      double cellH = (b.getHeight() - 2 * yMargin) / c;
      float pt = (float) Math.min(MAX_ANNOTATION_PT, Math.min(cellH / 3.2, cellW / 5.0));
      if (pt < 6f) {
        return; // too many classes to annotate legibly; the colours still show the shares
      }
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      Font big = getStyler().getAxisTickLabelsFont().deriveFont(Font.BOLD, pt);
      Font small = big.deriveFont(Font.PLAIN, pt * 0.8f);
      for (int r = 0; r < c; r++) {
        for (int p = 0; p < c; p++) {
          double cx = b.getX() + xMargin + cellW * (p + 0.5);
          double cy = b.getY() + yMargin + cellH * (r + 0.5); // row r of the matrix, from the top
          g.setColor(share[r][p] > DARK_CELL_SHARE ? Color.WHITE : Color.BLACK);
          centred(g, big, Long.toString(counts[r][p]), cx, cy - pt * 0.15);
          centred(
              g,
              small,
              String.format(Locale.ROOT, "%.0f%%", 100 * share[r][p]),
              cx,
              cy + pt * 0.95);
        }
      }
    }

    private static void centred(Graphics2D g, Font f, String text, double cx, double baseline) {
      g.setFont(f);
      FontMetrics fm = g.getFontMetrics();
      g.drawString(text, (float) (cx - fm.stringWidth(text) / 2.0), (float) baseline);
    }
  }
}
