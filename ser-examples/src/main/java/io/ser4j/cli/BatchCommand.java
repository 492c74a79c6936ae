package io.ser4j.cli;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.SerException;
import io.ser4j.core.UnknownLabelException;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ser batch}: recognises every utterance of a corpus manifest with one model shared by
 * {@code --threads} workers and appends one JSON line per utterance to {@code --out} as each one
 * completes (so the file is in completion order, not manifest order). Resumable: items whose id is
 * already in the output are skipped, and a last line cut short by a kill is removed first (see
 * {@link PredictionsFile}). A failing item is written as a line with {@code error} set and never
 * stops the batch; the exit code is 3 when any item was bad input, 1 when any failed otherwise.
 *
 * <p>Recognizers are shared between threads: ser4j's baseline and remote recognizers are
 * thread-safe and run in parallel; the local SpeechLM serialises its calls, so with it use {@code
 * --model-instances K} to load K copies (K times the memory) for parallel throughput.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Recognise every item of a corpus manifest and append one JSON line per item to --out,",
      "as items complete. Re-running skips items already in --out (a truncated last line from a",
      "kill is repaired first); failed items are recorded with 'error' and never stop the batch."
    },
    footer = {
      "",
      "Output lines: {\"id\", \"path\", \"model\", \"reference\", \"label\", \"probabilities\",",
      "\"transcript\", \"rationale\", \"error\", \"elapsed_ms\"}; 'error' is null on success.",
      "",
      "Examples:",
      "  ser batch --manifest emodb/manifest.csv --out preds.jsonl --threads 2",
      "  ser batch --manifest m.jsonl --out p.jsonl --threads 8 --model http://h:8000",
      "  ser batch --manifest m.jsonl --out p.jsonl --retry-failed"
    })
final class BatchCommand implements Callable<Integer> {
  /** Most worker threads accepted. */
  static final int MAX_THREADS = 256;

  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = "--manifest",
      required = true,
      paramLabel = "M",
      description = "Corpus manifest: JSONL, EmoDB/RAVDESS manifest.csv or folder, CREMA-D, MSP-Podcast.")
  Path manifest;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Predictions JSONL (appended).")
  Path out;

  @Option(
      names = "--threads",
      defaultValue = "1",
      paramLabel = "N",
      description = "Worker threads sharing the model (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--model",
      defaultValue = "default",
      description = "default | baseline | MODEL.json | checkpoint DIR | http(s):// URL (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--model-instances",
      defaultValue = "1",
      paramLabel = "K",
      description = "Load K copies of the model, used round-robin by the threads (default: ${DEFAULT-VALUE}).")
  int modelInstances;

  @Option(
      names = "--labels",
      paramLabel = "a,b,...",
      description = "Candidate labels; the distributions are over these only (default: all the model's).")
  String labels;

  @Option(
      names = "--retry-failed",
      description = "Also redo items recorded with an error (their old lines are removed first).")
  boolean retryFailed;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (threads < 1 || threads > MAX_THREADS) {
      throw new ParameterException(spec.commandLine(), "--threads must be 1.." + MAX_THREADS + ", got " + threads);
    }
    if (modelInstances < 1 || modelInstances > threads) {
      throw new ParameterException(
          spec.commandLine(), "--model-instances must be 1..--threads (" + threads + "), got " + modelInstances);
    }
    LabelSet candidates = labels == null ? null : LabelSet.parse(labels);
    Corpus corpus = Corpora.autodetect(manifest);
    PredictionsFile.State state = PredictionsFile.open(out, retryFailed);
    if (state.repairedBytes() > 0) {
      err.println("ser: " + out + ": removed a truncated last line (" + state.repairedBytes() + " bytes) left by an interrupted run");
    }
    List<Utterance> pending = new ArrayList<>();
    for (Utterance u : corpus.utterances()) {
      if (!state.done().contains(u.id())) {
        pending.add(u);
      }
    }
    int skipped = corpus.size() - pending.size();
    if (!quiet && skipped > 0) {
      err.println("ser: " + out + ": " + skipped + " of " + corpus.size() + " items already done, skipping them");
    }
    if (!retryFailed && !state.failed().isEmpty()) {
      err.println("ser: " + out + ": " + state.failed().size()
          + " recorded with an error (re-run with --retry-failed to redo them)");
    }
    int unknown = (int) state.done().stream().filter(id -> corpus.find(id).isEmpty()).count();
    if (unknown > 0) {
      err.println("ser: " + out + ": " + unknown + " line(s) have ids that are not in " + manifest + " (kept)");
    }
    err.flush();
    Counts counts = new Counts();
    long t0 = System.nanoTime();
    if (!pending.isEmpty()) {
      run(pending, candidates, counts, err);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    summary(stdout, err, corpus.size(), skipped, counts, seconds);
    if (counts.bad.get() > 0) {
      return SerCli.EXIT_BAD_INPUT;
    }
    return counts.failed.get() > 0 ? SerCli.EXIT_ERROR : SerCli.EXIT_OK;
  }

  private void run(List<Utterance> pending, LabelSet candidates, Counts counts, PrintWriter err)
      throws IOException, InterruptedException {
    List<Recognizer> recognizers = new ArrayList<>();
    try (PredictionsFile.Appender appender = PredictionsFile.appender(out)) {
      for (int i = 0; i < modelInstances; i++) {
        recognizers.add(RecognizerProvider.open(model));
      }
      if (candidates != null) {
        Recognizer r = recognizers.get(0);
        for (Label l : candidates) {
          if (!r.labels().contains(l)) {
            throw new UnknownLabelException(
                l.name(), "not a label of model " + r.name() + "; it knows " + r.labels());
          }
        }
      }
      CliProgress progress = new CliProgress(err, quiet);
      int total = pending.size();
      progress.onStart("batch", total);
      AtomicInteger next = new AtomicInteger();
      AtomicLong done = new AtomicLong();
      long t0 = System.nanoTime();
      List<Thread> workers = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        Recognizer recognizer = recognizers.get(w % recognizers.size());
        Thread t =
            new Thread(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < total && !Thread.currentThread().isInterrupted()) {
                    Utterance u = pending.get(i);
                    String line = recognizeOne(recognizer, u, candidates, counts, err);
                    try {
                      appender.append(line);
                    } catch (IOException e) {
                      counts.writeError(e);
                      return;
                    }
                    long d = done.incrementAndGet();
                    progress.onProgress(d, total, rate(d, total, t0));
                  }
                },
                "ser-batch-" + w);
        workers.add(t);
        t.start();
      }
      try {
        for (Thread t : workers) {
          t.join();
        }
      } catch (InterruptedException e) {
        workers.forEach(Thread::interrupt);
        throw e;
      } finally {
        progress.onFinish();
      }
      IOException writeError = counts.writeError.get();
      if (writeError != null) {
        throw writeError;
      }
    } finally {
      for (Recognizer r : recognizers) {
        r.close();
      }
    }
  }

  private String recognizeOne(
      Recognizer recognizer, Utterance u, LabelSet candidates, Counts counts, PrintWriter err) {
    long t0 = System.nanoTime();
    Recognition r = null;
    String error = null;
    try {
      r = recognizer.recognize(AudioLoader.load(u.audio()), candidates);
      counts.ok.incrementAndGet();
    } catch (SerException e) {
      error = withPath(u, e.getMessage());
      counts.bad.incrementAndGet();
      log(err, u, error, e);
    } catch (OutOfMemoryError | RuntimeException e) {
      error = withPath(u, "unexpected error: " + e);
      counts.failed.incrementAndGet();
      log(err, u, error, e);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return Json.line(line(u, recognizer.name(), r, error, ms));
  }

  /** The JSON object written for one utterance ({@code r} null when {@code error} is set). */
  static Map<String, Object> line(Utterance u, String modelName, Recognition r, String error, long elapsedMs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", u.id());
    m.put("path", u.audio().toString());
    m.put("model", r == null ? modelName : r.model());
    m.put("reference", u.majority() == null ? null : u.majority().name());
    m.put("label", r == null || r.label() == null ? null : r.label().name());
    Map<String, Object> probs = null;
    if (r != null && r.probabilities() != null) {
      Map<String, Object> p = new LinkedHashMap<>();
      r.probabilities().asMap().forEach((k, v) -> p.put(k.name(), v));
      probs = p;
    }
    m.put("probabilities", probs);
    m.put("transcript", r == null ? null : r.transcript());
    m.put("rationale", r == null ? null : r.rationale());
    m.put("error", error);
    m.put("elapsed_ms", elapsedMs);
    return m;
  }

  /** The message, prefixed with the audio path unless it already names it. */
  private static String withPath(Utterance u, String message) {
    String path = u.audio().toString();
    return message != null && message.contains(path) ? message : path + ": " + message;
  }

  private void log(PrintWriter err, Utterance u, String message, Throwable e) {
    synchronized (err) {
      err.println("ser: " + u.id() + ": " + message);
      if (common.debug) {
        e.printStackTrace(err);
      }
      err.flush();
    }
  }

  /** Throughput and ETA for the progress line, e.g. {@code "3.1 items/s, ETA 0:42"}. */
  static String rate(long done, long total, long startNanos) {
    double s = (System.nanoTime() - startNanos) / 1e9;
    if (done <= 0 || s <= 0) {
      return "";
    }
    double perS = done / s;
    long eta = Math.round((total - done) / perS);
    return String.format(Locale.ROOT, "%.2f items/s, ETA %d:%02d:%02d", perS, eta / 3600, eta / 60 % 60, eta % 60);
  }

  private void summary(PrintWriter stdout, PrintWriter err, int total, int skipped, Counts c, double seconds) {
    if (common.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("out", out.toString());
      m.put("items", total);
      m.put("skipped", skipped);
      m.put("ok", c.ok.get());
      m.put("bad_input", c.bad.get());
      m.put("failed", c.failed.get());
      m.put("seconds", Math.round(seconds * 1000) / 1000.0);
      stdout.println(Json.line(m));
      stdout.flush();
    } else if (!quiet) {
      err.printf(
          Locale.ROOT,
          "ser: batch: %d items, %d skipped, %d ok, %d bad input, %d failed in %.1f s -> %s%n",
          total, skipped, c.ok.get(), c.bad.get(), c.failed.get(), seconds, out);
      err.flush();
    }
  }

  /** Outcome counters shared by the workers. */
  private static final class Counts {
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger bad = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicReference<IOException> writeError =
        new java.util.concurrent.atomic.AtomicReference<>();

    void writeError(IOException e) {
      writeError.compareAndSet(null, e);
    }
  }
}
