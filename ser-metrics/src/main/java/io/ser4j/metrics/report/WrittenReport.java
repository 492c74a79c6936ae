package io.ser4j.metrics.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ReportWriter#write} wrote. Immutable.
 *
 * @param directory the report directory
 * @param files the files written, in the order written ({@code metrics.json} last)
 * @param skipped one plain sentence per file not written and why (e.g. no distributions, so no
 *     {@code reliability.png}); empty when all four were written
 */
public record WrittenReport(Path directory, List<Path> files, List<String> skipped) {
  /** Copies the lists. */
  public WrittenReport {
    files = List.copyOf(files);
    skipped = List.copyOf(skipped);
  }

  /** True when {@code fileName} (e.g. {@code "confusion.png"}) was written. */
  public boolean wrote(String fileName) {
    return files.stream().anyMatch(p -> p.getFileName().toString().equals(fileName));
  }
}
