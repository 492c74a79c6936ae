package io.ser4j.examples.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.audio.AudioLoader;
import io.ser4j.core.Recognition;
import io.ser4j.core.SerException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Batch a folder: every {@code .wav} under a folder, recognised by one recognizer shared by a
 * thread pool, results written as JSONL in file-name order; a file that cannot be read becomes a
 * line with an {@code error} and never stops the batch. For resumable runs over a manifest use
 * {@code ser batch}; this example shows the few lines of code behind such a tool.
 *
 * <p>Run: {@code mvn -q -pl ser-examples -am compile exec:java@batch
 * -Dexec.args="../shared/data/emodb/wav /tmp/emodb.jsonl 2"} (arguments: {@code FOLDER OUT.jsonl
 * [THREADS [MODEL]]}).
 */
public final class BatchFolderExample {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchFolderExample() {}

  /**
   * One file's outcome.
   *
   * @param file the audio file
   * @param recognition the result, or {@code null} when {@code error} is set
   * @param error why the file failed, or {@code null}
   */
  public record Result(Path file, Recognition recognition, String error) {}

  /**
   * Entry point.
   *
   * @param args {@code FOLDER OUT.jsonl [THREADS [MODEL]]}
   * @throws Exception when the folder cannot be listed or the output cannot be written
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: BatchFolderExample FOLDER OUT.jsonl [THREADS [MODEL]]");
      return;
    }
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String model = args.length > 3 ? args[3] : "default";
    run(Path.of(args[0]), Path.of(args[1]), threads, model, System.out);
  }

  /**
   * Recognises every {@code .wav} under {@code folder} (sorted by path) and writes {@code out}.
   *
   * @param folder where to look (recursively)
   * @param out the JSONL file to write: {@code file}, {@code label}, {@code probabilities}, {@code
   *     error}
   * @param threads worker threads sharing the recognizer
   * @param model a model specification ({@link RecognizerProvider#open})
   * @param log where to print the summary
   * @return the results in file order
   * @throws IOException when the folder cannot be listed or {@code out} cannot be written
   * @throws InterruptedException when interrupted while waiting for the workers
   */
  public static List<Result> run(Path folder, Path out, int threads, String model, PrintStream log)
      throws IOException, InterruptedException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(folder)) {
      files = s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".wav")).sorted().toList();
    }
    List<Result> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    // ser4j's baseline and remote recognizers are thread-safe: one instance serves every worker
    try (Recognizer recognizer = RecognizerProvider.open(model)) {
      List<Future<Result>> futures = new ArrayList<>();
      for (Path f : files) {
        futures.add(pool.submit(() -> recognize(recognizer, f)));
      }
      for (Future<Result> fu : futures) {
        results.add(fu.get()); // input order, whatever order the workers finish in
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a worker failed unexpectedly", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    write(out, results);
    Map<String, Integer> counts = new TreeMap<>();
    int failed = 0;
    for (Result r : results) {
      if (r.error() != null) {
        failed++;
      } else {
        counts.merge(r.recognition().labelIfAny().map(l -> l.name()).orElse("?"), 1, Integer::sum);
      }
    }
    log.printf(Locale.ROOT, "%d files, %d failed -> %s%n", files.size(), failed, out);
    counts.forEach((label, n) -> log.printf(Locale.ROOT, "  %-10s %d%n", label, n));
    return results;
  }

  private static Result recognize(Recognizer recognizer, Path file) {
    try {
      return new Result(file, recognizer.recognize(AudioLoader.load(file), null), null);
    } catch (SerException e) { // bad audio: record it and go on
      return new Result(file, null, e.getMessage());
    }
  }

  private static void write(Path out, List<Result> results) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (Result r : results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file().toString());
        Recognition rec = r.recognition();
        m.put("label", rec == null ? null : rec.labelIfAny().map(l -> l.name()).orElse(null));
        Map<String, Double> probs = new LinkedHashMap<>();
        if (rec != null && rec.probabilities() != null) {
          rec.probabilities().asMap().forEach((k, v) -> probs.put(k.name(), v));
        }
        m.put("probabilities", probs);
        m.put("error", r.error());
        try {
          w.write(JSON.writeValueAsString(m));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new UncheckedIOException(e);
        }
        w.newLine();
      }
    }
  }
}
