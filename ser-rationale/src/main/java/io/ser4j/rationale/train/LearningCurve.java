package io.ser4j.rationale.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The learning curve of a run: one {@link Point} per optimizer step (dev loss on the steps where the
 * dev fold was scored), written as CSV and, when XChart is on the class path, as a PNG (training
 * loss per step, its running mean, dev loss).
 *
 * <p>Not thread-safe (the trainer appends from its one thread).
 */
public final class LearningCurve {
  /** CSV header. */
  public static final String CSV_HEADER = "step,epoch,learning_rate,train_loss,grad_norm,dev_loss";

  /**
   * One optimizer step.
   *
   * @param step 1-based optimizer step
   * @param epoch 0-based epoch
   * @param learningRate learning rate used by the step
   * @param trainLoss mean training loss of the step's micro-batches
   * @param gradNorm global gradient norm before clipping
   * @param devLoss dev loss after the step, or NaN when not scored
   */
  public record Point(int step, int epoch, double learningRate, double trainLoss, double gradNorm, double devLoss) {}

  private final List<Point> points = new ArrayList<>();

  /** Appends a point. */
  public void add(Point p) {
    points.add(p);
  }

  /** The points so far (a copy). */
  public List<Point> points() {
    return List.copyOf(points);
  }

  /** The curve as CSV text (header + one line per point, {@code .} decimals, empty dev loss when not scored). */
  public String toCsv() {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Point p : points) {
      sb.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6f,%.6f,%s%n", p.step(), p.epoch(), p.learningRate(),
          p.trainLoss(), p.gradNorm(), Double.isNaN(p.devLoss()) ? "" : String.format(Locale.ROOT, "%.6f", p.devLoss())));
    }
    return sb.toString();
  }

  /**
   * Reads a curve written by {@link #toCsv}.
   *
   * @throws IllegalArgumentException on a malformed line
   */
  public static LearningCurve fromCsv(String csv) {
    LearningCurve c = new LearningCurve();
    String[] lines = csv.split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] f = lines[i].split(",", -1);
      if (f.length != 6) {
        throw new IllegalArgumentException("learning curve line " + (i + 1) + " has " + f.length + " fields");
      }
      c.add(new Point(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
          Double.parseDouble(f[3]), Double.parseDouble(f[4]), f[5].isEmpty() ? Double.NaN : Double.parseDouble(f[5])));
    }
    return c;
  }

  /**
   * Writes {@code learning_curve.csv} and (if XChart is available) {@code learning_curve.png} into a
   * directory.
   *
   * @return true when the PNG was written
   * @throws IOException on a write error
   */
  public boolean write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("learning_curve.csv"), toCsv(), StandardCharsets.UTF_8);
    if (points.isEmpty() || !xchartAvailable()) {
      return false;
    }
    Files.write(dir.resolve("learning_curve.png"), CurvePlot.png(points));
    return true;
  }

  private static boolean xchartAvailable() {
    try {
      Class.forName("org.knowm.xchart.XYChart", false, LearningCurve.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The XChart part, loaded only when XChart is present. */
  private static final class CurvePlot {
    static byte[] png(List<Point> points) throws IOException {
      System.setProperty("java.awt.headless", "true");
      org.knowm.xchart.XYChart chart = new org.knowm.xchart.XYChart(900, 500);
      chart.setTitle("Fine-tuning loss");
      chart.setXAxisTitle("optimizer step");
      chart.setYAxisTitle("masked cross-entropy (nats/token)");
      chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
      chart.getStyler().setPlotBackgroundColor(java.awt.Color.WHITE);
      chart.getStyler().setMarkerSize(3);
      double[] x = new double[points.size()];
      double[] y = new double[points.size()];
      double[] smooth = new double[points.size()];
      int window = Math.max(1, points.size() / 50);
      double sum = 0;
      for (int i = 0; i < points.size(); i++) {
        x[i] = points.get(i).step();
        y[i] = points.get(i).trainLoss();
        sum += y[i];
        if (i >= window) {
          sum -= y[i - window];
        }
        smooth[i] = sum / Math.min(i + 1, window);
      }
      org.knowm.xchart.XYSeries raw = chart.addSeries("train (per step)", x, y);
      raw.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
      raw.setLineColor(new java.awt.Color(170, 190, 230));
      org.knowm.xchart.XYSeries mean = chart.addSeries("train (running mean of " + window + ")", x, smooth);
      mean.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
      mean.setLineColor(new java.awt.Color(30, 70, 160));
      List<Double> dx = new ArrayList<>();
      List<Double> dy = new ArrayList<>();
      for (Point p : points) {
        if (!Double.isNaN(p.devLoss())) {
          dx.add((double) p.step());
          dy.add(p.devLoss());
        }
      }
      if (!dx.isEmpty()) {
        org.knowm.xchart.XYSeries dev = chart.addSeries("dev", dx, dy);
        dev.setLineColor(new java.awt.Color(200, 60, 40));
        dev.setMarkerColor(new java.awt.Color(200, 60, 40));
      }
      return org.knowm.xchart.BitmapEncoder.getBitmapBytes(chart, org.knowm.xchart.BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
