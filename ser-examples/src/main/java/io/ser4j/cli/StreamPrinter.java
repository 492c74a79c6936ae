package io.ser4j.cli;

import io.ser4j.core.LabelDistribution;
import io.ser4j.core.Recognition;
import io.ser4j.core.Ser;
import io.ser4j.core.stream.SpeechSegment;
import io.ser4j.core.stream.StreamListener;
import io.ser4j.core.stream.StreamOptions;
import io.ser4j.core.stream.StreamSummary;
import io.ser4j.core.stream.WindowResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ser analyze --stream}: prints per-window results, utterances and a summary of one file as
 * the stream is analysed (lines appear while a long recording is still being read). With {@code
 * --json}, one object per line, {@code "type"} being {@code window}, {@code utterance} or {@code
 * summary}. Not thread-safe (one command).
 */
final class StreamPrinter implements StreamListener {
  private final PrintWriter out;
  private final boolean json;
  private final String file;

  private StreamPrinter(PrintWriter out, boolean json, String file) {
    this.out = out;
    this.json = json;
    this.file = file;
  }

  /** Analyses {@code file} as a stream with {@code ser} and prints as it goes. */
  static void run(Ser ser, Path file, StreamOptions options, PrintWriter out, boolean json) {
    StreamPrinter p = new StreamPrinter(out, json, file.toString());
    if (!json) {
      out.printf(Locale.ROOT, "%s (stream: window %.2f s, hop %.2f s, model %s)%n", file,
          options.windowSeconds(), options.hopSeconds(), ser.modelName());
    }
    StreamSummary s = ser.analyzeStream(file, options, p);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", file.toString());
      m.put("type", "summary");
      m.put("model", ser.modelName());
      m.put("duration_s", s.durationSeconds());
      m.put("windows", s.windows());
      m.put("speech_windows", s.speechWindows());
      m.put("utterances", s.segments().size());
      m.put("smoothed", probabilities(s.smoothed()));
      out.println(Json.line(m));
    } else {
      out.printf(Locale.ROOT, "  %.2f s, %d windows (%d with speech), %d utterances; running: %s%n",
          s.durationSeconds(), s.windows(), s.speechWindows(), s.segments().size(), top(s.smoothed()));
    }
    out.flush();
  }

  @Override
  public void onWindow(WindowResult w) {
    Recognition r = w.recognition();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", file);
      m.put("type", "window");
      m.put("index", w.index());
      m.put("start_s", w.startSeconds());
      m.put("end_s", w.endSeconds());
      m.put("speech_fraction", w.speechFraction());
      m.put("label", r == null || r.label() == null ? null : r.label().name());
      m.put("probabilities", r == null ? null : probabilities(r.probabilities()));
      m.put("smoothed", probabilities(w.smoothed()));
      out.println(Json.line(m));
    } else if (r == null) {
      out.printf(Locale.ROOT, "  [%8.2f - %8.2f]  (silence, speech %.2f)%n", w.startSeconds(), w.endSeconds(),
          w.speechFraction());
    } else {
      out.printf(Locale.ROOT, "  [%8.2f - %8.2f]  %-22s speech %.2f | running %s%n", w.startSeconds(),
          w.endSeconds(), top(r.probabilities()), w.speechFraction(), top(w.smoothed()));
    }
    out.flush();
  }

  @Override
  public void onSegment(SpeechSegment s) {
    Recognition r = s.recognition();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", file);
      m.put("type", "utterance");
      m.put("index", s.index());
      m.put("start_s", s.startSeconds());
      m.put("end_s", s.endSeconds());
      m.put("label", r == null || r.label() == null ? null : r.label().name());
      m.put("probabilities", r == null ? null : probabilities(r.probabilities()));
      out.println(Json.line(m));
    } else {
      out.printf(Locale.ROOT, "  utterance %d [%.2f - %.2f]: %s%n", s.index() + 1, s.startSeconds(),
          s.endSeconds(), r == null ? "" : top(r.probabilities()));
    }
    out.flush();
  }

  private static Map<String, Object> probabilities(LabelDistribution d) {
    if (d == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    d.asMap().forEach((k, v) -> m.put(k.name(), v));
    return m;
  }

  private static String top(LabelDistribution d) {
    if (d == null) {
      return "-";
    }
    return String.format(Locale.ROOT, "%s %.2f", d.argmax().name(), d.probability(d.argmax()));
  }
}
