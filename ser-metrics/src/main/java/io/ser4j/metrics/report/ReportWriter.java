package io.ser4j.metrics.report;

import io.ser4j.core.Label;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.MetricsReport;
import io.ser4j.metrics.ReliabilityBin;
import java.awt.AWTError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a report directory for an evaluation:
 *
 * <ul>
 *   <li>{@value #METRICS_JSON}: {@link MetricsReport#toJsonMap()} (the {@code ser metrics} keys),
 *       indented, NaN as {@code null};
 *   <li>{@value #REPORT_MD}: summary, metric table with the bootstrap intervals when the report has
 *       them, per-class table, confusion matrix, reliability table and the plots;
 *   <li>{@value #CONFUSION_PNG}: row-normalised confusion heat map with counts ({@link
 *       ReportPlots#confusionHeatmapPng});
 *   <li>{@value #RELIABILITY_PNG}: reliability diagram ({@link ReportPlots#reliabilityDiagramPng}),
 *       only when items carry distributions; otherwise it is skipped (a stale one from an earlier
 *       report in the same directory is deleted) and {@code report.md} says so.
 * </ul>
 *
 * <p>Without XChart on the class path the two PNGs are skipped and {@code report.md} says why.
 *
 * <p>Crash safety: everything is rendered in memory first; then each file is written to a temporary
 * file in the same directory, forced to disk and renamed over the target (atomically where the file
 * system supports it), so a reader never sees a half-written file. {@value #METRICS_JSON} is
 * written last: when it is present and new, the rest of the report is too.
 *
 * <p>Immutable and thread-safe; two writers targeting the same directory at once leave each file
 * whole, from one of them.
 *
 * <pre>{@code
 * MetricsReport report = ev.report().withBootstrap(Bootstrap.withReplicates(1000).seed(7));
 * WrittenReport out = ReportWriter.defaults().write(report, Path.of("reports/run-1"));
 * }</pre>
 */
public final class ReportWriter {
  /** File name of the JSON metrics. */
  public static final String METRICS_JSON = "metrics.json";

  /** File name of the Markdown report. */
  public static final String REPORT_MD = "report.md";

  /** File name of the confusion heat map. */
  public static final String CONFUSION_PNG = "confusion.png";

  /** File name of the reliability diagram. */
  public static final String RELIABILITY_PNG = "reliability.png";

  /** Default width of both plots, in pixels. */
  public static final int DEFAULT_WIDTH_PX = 800;

  /** Default height of both plots, in pixels. */
  public static final int DEFAULT_HEIGHT_PX = 680;

  private final int widthPx;
  private final int heightPx;

  private ReportWriter(int widthPx, int heightPx) {
    if (widthPx < ReportPlots.MIN_SIDE_PX
        || heightPx < ReportPlots.MIN_SIDE_PX
        || widthPx > ReportPlots.MAX_SIDE_PX
        || heightPx > ReportPlots.MAX_SIDE_PX) {
      throw new IllegalArgumentException(
          "plot size "
              + widthPx
              + "x"
              + heightPx
              + " px is outside "
              + ReportPlots.MIN_SIDE_PX
              + ".."
              + ReportPlots.MAX_SIDE_PX);
    }
    this.widthPx = widthPx;
    this.heightPx = heightPx;
  }

  /** A writer with {@value #DEFAULT_WIDTH_PX} x {@value #DEFAULT_HEIGHT_PX} px plots. */
  public static ReportWriter defaults() {
    return new ReportWriter(DEFAULT_WIDTH_PX, DEFAULT_HEIGHT_PX);
  }

  /**
   * This writer with another plot size.
   *
   * @throws IllegalArgumentException if a side is outside {@value ReportPlots#MIN_SIDE_PX} to
   *     {@value ReportPlots#MAX_SIDE_PX}
   */
  public ReportWriter plotSize(int widthPx, int heightPx) {
    return new ReportWriter(widthPx, heightPx);
  }

  /** Plot width in pixels. */
  public int widthPx() {
    return widthPx;
  }

  /** Plot height in pixels. */
  public int heightPx() {
    return heightPx;
  }

  /**
   * Writes the report of {@code evaluation} without intervals; see {@link #write(MetricsReport,
   * Path)}.
   */
  public WrittenReport write(Evaluation evaluation, Path dir) throws IOException {
    if (evaluation == null) {
      throw new IllegalArgumentException("the evaluation is null");
    }
    return write(evaluation.report(), dir);
  }

  /**
   * Writes the four report files into {@code dir}, creating it if needed and replacing files of an
   * earlier report.
   *
   * @return the files written and those skipped, with the reason
   * @throws IOException if the directory cannot be created or a file cannot be written (no
   *     half-written file is left behind)
   */
  public WrittenReport write(MetricsReport report, Path dir) throws IOException {
    if (report == null || dir == null) {
      throw new IllegalArgumentException("report and directory must not be null");
    }
    Evaluation ev = report.evaluation();
    // 1. render everything in memory: a failure here leaves the directory untouched
    Map<String, byte[]> files = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    boolean deleteStaleReliability = false;
    String plotProblem =
        ReportPlots.isAvailable()
            ? null
            : "XChart (org.knowm.xchart:xchart) is not on the class path";
    if (plotProblem == null) {
      try {
        files.put(
            CONFUSION_PNG,
            ReportPlots.confusionHeatmapPng(ev.confusionMatrix(), widthPx, heightPx));
        if (ev.hasDistributions()) {
          files.put(RELIABILITY_PNG, ReportPlots.reliabilityDiagramPng(ev, widthPx, heightPx));
        }
      } catch (AWTError | UnsatisfiedLinkError e) {
        files.clear(); // no usable graphics environment (e.g. fonts missing): report without plots
        plotProblem = "the graphics environment cannot draw (" + e + ")";
      }
    }
    if (plotProblem != null) {
      skipped.add(CONFUSION_PNG + " was not written: " + plotProblem + ".");
    }
    if (!ev.hasDistributions()) {
      skipped.add(
          RELIABILITY_PNG
              + " was not written: no item carries a prediction distribution, so"
              + " the reliability diagram (and the soft metrics and ECE) are undefined.");
      deleteStaleReliability = true;
    } else if (plotProblem != null) {
      skipped.add(RELIABILITY_PNG + " was not written: " + plotProblem + ".");
    }
    files.put(REPORT_MD, markdown(report, files, skipped).getBytes(StandardCharsets.UTF_8));
    files.put(METRICS_JSON, JsonWriter.pretty(report.toJsonMap()).getBytes(StandardCharsets.UTF_8));

    // 2. write each file atomically; metrics.json last
    Files.createDirectories(dir);
    if (deleteStaleReliability) {
      Files.deleteIfExists(dir.resolve(RELIABILITY_PNG));
    }
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path target = dir.resolve(f.getKey());
      writeAtomically(target, f.getValue());
      written.add(target);
    }
    return new WrittenReport(dir, written, skipped);
  }

  /**
   * Writes {@code bytes} to a temporary sibling of {@code target}, forces it to disk and renames it
   * over {@code target}; the temporary file is removed on failure.
   */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    // a fresh name made with Files.createFile (not Files.createTempFile, whose 0600 mode would make
    // the report unreadable to others; this way the process umask applies as for any file)
    Path tmp;
    while (true) {
      tmp =
          dir.resolve(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toHexString(ThreadLocalRandom.current().nextLong())
                  + ".tmp");
      try {
        Files.createFile(tmp);
        break;
      } catch (FileAlreadyExistsException e) {
        // another writer's temporary file: draw another name
      }
    }
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static String joined(Iterable<Label> labels) {
    List<String> names = new ArrayList<>();
    for (Label l : labels) {
      names.add(l.name());
    }
    return String.join(", ", names);
  }

  private static String markdown(
      MetricsReport report, Map<String, byte[]> plots, List<String> skipped) {
    Evaluation ev = report.evaluation();
    StringBuilder s = new StringBuilder();
    s.append("# Metrics report\n\n");
    s.append(ev.n()).append(" items");
    s.append(", ")
        .append(ev.nNoMajority())
        .append(
            " without a majority label (left out of the"
                + " majority-based and annotator-aware metrics)");
    if (ev.hasDistributions()) {
      s.append(", ").append(ev.nWithDistribution()).append(" with a prediction distribution");
    }
    s.append(".\n\nLabels: ");
    s.append(joined(ev.labels())).append(".");
    if (!ev.allLabels().equals(ev.labels())) {
      s.append(" All labels (soft-label and agreement metrics): ")
          .append(joined(ev.allLabels()))
          .append(".");
    }
    if (!ev.annotatorAwareLabels().equals(ev.labels())) {
      s.append(" Annotator-aware Macro-F1 classes: ")
          .append(joined(ev.annotatorAwareLabels()))
          .append(".");
    }
    s.append("\n\n");
    Map<String, Object> json = report.toJsonMap();
    if (json.get("bootstrap") instanceof Map<?, ?> b) {
      s.append(
          String.format(
              Locale.ROOT,
              "Confidence intervals: percentile bootstrap, %s replicates, seed %s, level %s%s.%n%n",
              b.get("replicates"),
              b.get("seed"),
              b.get("level"),
              Boolean.TRUE.equals(b.get("stratified_by_speaker"))
                  ? ", resampled within speakers"
                  : ""));
    } else {
      s.append("No confidence intervals (no bootstrap was run).\n\n");
    }
    if (!report.provenance().isEmpty()) {
      s.append("Provenance:\n\n");
      report
          .provenance()
          .forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
      s.append('\n');
    }
    s.append(
        "Annotator-aware Macro-F1 credits a prediction that any annotator chose; it is reported"
            + " beside the majority Macro-F1, never instead of it. Definitions:"
            + " docs/metrics.md.\n\n");
    s.append("## Metrics\n\n").append(report.toMarkdown()).append('\n');
    if (ev.hasDistributions()) {
      s.append(
          "## Calibration\n\n| bin | count | mean confidence | accuracy |\n|---|---|---|---|\n");
      for (ReliabilityBin bin : ev.reliabilityTable()) {
        s.append(
            String.format(
                Locale.ROOT,
                "| (%.3f, %.3f] | %d | %s | %s |%n",
                bin.lower(),
                bin.upper(),
                bin.count(),
                fmt(bin.meanConfidence()),
                fmt(bin.accuracy())));
      }
      s.append('\n');
    }
    s.append("## Plots\n\n");
    if (plots.containsKey(CONFUSION_PNG)) {
      s.append("![Confusion matrix, row-normalised, with counts](")
          .append(CONFUSION_PNG)
          .append(")\n\n");
    }
    if (plots.containsKey(RELIABILITY_PNG)) {
      s.append("![Reliability diagram](").append(RELIABILITY_PNG).append(")\n\n");
    }
    for (String note : skipped) {
      s.append("- ").append(note).append('\n');
    }
    return s.toString();
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  @Override
  public String toString() {
    return "ReportWriter[" + widthPx + "x" + heightPx + " px]";
  }
}
