package io.ser4j.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.UnknownLabelException;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.MetricsReport;
import io.ser4j.metrics.report.JsonWriter;
import io.ser4j.metrics.report.ReportWriter;
import io.ser4j.metrics.report.WrittenReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ser metrics}: scores predictions against annotations (GUIDE §7). Reads a JSONL item file,
 * builds one {@link Evaluation} and prints one JSON object ({@code --json}) or Markdown tables;
 * {@code --out DIR} also writes a report directory ({@link ReportWriter}).
 *
 * <p>Input lines: {@code {"id", "prediction", "annotations": [labels...]}}, optional {@code
 * "majority"}, {@code "distribution": {label: p}} and {@code "speaker"}; blank lines are skipped,
 * other keys ignored. A malformed line, a duplicate id or a label outside {@code --labels} is bad
 * input (exit 3) and the one-line message names {@code file:line (column key)}.
 */
@Command(
    name = "metrics",
    mixinStandardHelpOptions = true,
    description = {
      "Score predictions against annotations: majority, annotator-aware and soft-label metrics,"
          + " annotator agreement, bootstrap confidence intervals.",
      "",
      "Input (JSONL), one item per line:",
      "  {\"id\": \"1001_DFA_ANG_XX\", \"prediction\": \"anger\","
          + " \"annotations\": [\"anger\", \"anger\", \"fear\"]}",
      "optional keys: \"majority\" (consensus label; default: strict plurality of the"
          + " annotations), \"distribution\" ({label: probability}; enables soft metrics and ECE),"
          + " \"speaker\" (for --by-speaker)."
    },
    footer = {
      "",
      "Examples:",
      "  ser metrics --input items.jsonl",
      "  ser metrics --input items.jsonl --json --bootstrap 1000 --seed 7",
      "  ser metrics --input items.jsonl --labels anger,happiness,neutral,sadness --out report/",
      "",
      "Definitions of every metric: docs/metrics.md"
    })
final class MetricsCommand implements Callable<Integer> {
  /** Most bootstrap replicates accepted (keeps a typo from running for hours). */
  static final int MAX_REPLICATES = 100_000;

  /** How far from 1 a distribution's probabilities may sum (rounded JSON); it is renormalised. */
  static final double DISTRIBUTION_SUM_TOLERANCE = 1e-3;

  /** Sums within this of 1 are taken as they are (LabelDistribution's own tolerance). */
  private static final double EXACT_SUM_TOLERANCE = 1e-6;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "ITEMS.jsonl",
      description = "Items to score, one JSON object per line.")
  Path input;

  @Option(
      names = "--bootstrap",
      paramLabel = "N",
      description =
          "Add 95%% percentile bootstrap intervals (ci95) from N replicates (1.."
              + MAX_REPLICATES
              + ").")
  Integer bootstrap;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "42",
      description =
          "Seed of the bootstrap (default: ${DEFAULT-VALUE}); the same seed gives the"
              + " same intervals.")
  long seed;

  @Option(
      names = "--by-speaker",
      description =
          "Resample within speakers (items need \"speaker\"; those without form one" + " group).")
  boolean bySpeaker;

  @Option(
      names = "--labels",
      paramLabel = "a,b,...",
      description =
          "The label set of every metric, in this order. Default: the majority-based"
              + " metrics use the union of the majority labels and predictions of the items"
              + " with a majority (as scikit-learn without labels=), the soft and agreement"
              + " metrics every label in the input; both sorted. A label outside --labels is"
              + " bad input.")
  String labels;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Also write metrics.json, report.md, confusion.png and reliability.png"
              + " (when there are distributions) into DIR.")
  Path out;

  /** One parsed item and where it came from. */
  private record Line(EvaluationItem item, long number) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LabelSet given = parseLabels();
    if (bootstrap != null && (bootstrap < 1 || bootstrap > MAX_REPLICATES)) {
      throw new ParameterException(
          spec.commandLine(),
          "--bootstrap must be between 1 and " + MAX_REPLICATES + ", got " + bootstrap);
    }
    List<Line> lines = read(input);
    LabelSet labelSet = given != null ? given : union(lines);
    checkLabels(lines, labelSet, given != null);
    List<EvaluationItem> items = new ArrayList<>(lines.size());
    for (Line l : lines) {
      items.add(l.item());
    }
    // without --labels the library picks the label sets (GUIDE §7): the majority-based metrics
    // over the majority labels and predictions of the items with a majority, the soft and
    // agreement metrics over every label (labelSet above is that full set, for the line check)
    Evaluation ev = given != null ? Evaluation.of(items, given) : Evaluation.of(items);
    MetricsReport report = ev.report();
    if (bootstrap != null) {
      report =
          report.withBootstrap(
              Bootstrap.withReplicates(bootstrap).seed(seed).stratifiedBySpeaker(bySpeaker));
    }
    report = report.withProvenance("input", input.toString());
    String version = SerCli.class.getPackage().getImplementationVersion();
    report = report.withProvenance("ser4j", version == null ? "development build" : version);

    if (common.json) {
      stdout.println(JsonWriter.compact(report.toJsonMap()));
    } else {
      stdout.println(
          input
              + ": "
              + ev.n()
              + " items, "
              + ev.nNoMajority()
              + " without a majority label, "
              + ev.nWithDistribution()
              + " with a distribution");
      stdout.println();
      stdout.print(report.toMarkdown());
    }
    stdout.flush();
    if (out != null) {
      WrittenReport w = ReportWriter.defaults().write(report, out);
      err.println("ser: wrote " + w.files().size() + " report files to " + out);
      for (String note : w.skipped()) {
        err.println("ser: note: " + note);
      }
      err.flush();
    }
    return SerCli.EXIT_OK;
  }

  private LabelSet parseLabels() {
    if (labels == null) {
      return null;
    }
    try {
      return LabelSet.parse(labels);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "--labels " + labels + ": " + e.getMessage());
    }
  }

  /**
   * Parses the JSONL file.
   *
   * @throws ManifestException naming file:line (column key) for a malformed line, a duplicate id,
   *     an unreadable file or a file without items
   */
  static List<Line> read(Path file) {
    String name = file.toString();
    List<Line> lines = new ArrayList<>();
    Map<String, Long> firstLine = new HashMap<>();
    long number = 0;
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Files.newInputStream(file),
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
      while (true) {
        String text;
        try {
          text = r.readLine();
        } catch (CharacterCodingException e) {
          throw ManifestException.at(name, number + 1, null, "not valid UTF-8 text");
        }
        if (text == null) {
          break;
        }
        number++;
        if (text.isBlank()) {
          continue;
        }
        EvaluationItem item = parse(text, name, number);
        Long earlier = firstLine.putIfAbsent(item.id(), number);
        if (earlier != null) {
          throw ManifestException.at(
              name,
              number,
              "id",
              "duplicate id '" + item.id() + "' (first on line " + earlier + ")");
        }
        lines.add(new Line(item, number));
      }
    } catch (NoSuchFileException e) {
      throw new ManifestException(name, "no such file");
    } catch (IOException e) {
      throw new ManifestException(name, "cannot read the file (" + e.getMessage() + ")", e);
    }
    if (lines.isEmpty()) {
      throw new ManifestException(name, "no items (the file has no non-blank line)");
    }
    return lines;
  }

  /** One item from one line of JSON. */
  private static EvaluationItem parse(String text, String file, long line) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      int col = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
      String msg = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
      throw ManifestException.at(
          file, line, col > 0 ? Integer.toString(col) : null, "not valid JSON: " + msg);
    }
    if (node == null || !node.isObject()) {
      throw ManifestException.at(
          file,
          line,
          null,
          "expected a JSON object {\"id\", \"prediction\", \"annotations\"}, got "
              + (node == null
                  ? "nothing"
                  : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    String id = text(node, "id", true, file, line);
    Label prediction = label(node, "prediction", true, file, line);
    JsonNode ann = node.get("annotations");
    if (ann == null || ann.isNull()) {
      throw ManifestException.at(file, line, "annotations", "missing (a list of annotator labels)");
    }
    if (!ann.isArray() || ann.isEmpty()) {
      throw ManifestException.at(
          file, line, "annotations", "must be a non-empty list of labels, got " + brief(ann));
    }
    List<Label> annotations = new ArrayList<>(ann.size());
    for (JsonNode a : ann) {
      if (!a.isTextual() || a.asText().isBlank()) {
        throw ManifestException.at(
            file,
            line,
            "annotations",
            "every annotation must be a non-blank label string, got " + brief(a));
      }
      annotations.add(Label.of(a.asText()));
    }
    EvaluationItem item = EvaluationItem.of(id, prediction, annotations);
    Label majority = label(node, "majority", false, file, line);
    if (majority != null) {
      item = item.withMajority(majority);
    }
    String speaker = text(node, "speaker", false, file, line);
    if (speaker != null) {
      item = item.withSpeaker(speaker);
    }
    JsonNode dist = node.get("distribution");
    if (dist != null && !dist.isNull()) {
      item = item.withDistribution(distribution(dist, file, line));
    }
    return item;
  }

  private static LabelDistribution distribution(JsonNode dist, String file, long line) {
    if (!dist.isObject() || dist.isEmpty()) {
      throw ManifestException.at(
          file,
          line,
          "distribution",
          "must be a non-empty object {label: probability}, got " + brief(dist));
    }
    List<Label> names = new ArrayList<>(dist.size());
    double[] p = new double[dist.size()];
    double sum = 0;
    Iterator<Map.Entry<String, JsonNode>> it = dist.fields();
    for (int k = 0; it.hasNext(); k++) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isBlank()) {
        throw ManifestException.at(file, line, "distribution", "has a blank label");
      }
      JsonNode v = e.getValue();
      if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
        throw ManifestException.at(
            file,
            line,
            "distribution",
            "the probability of '" + e.getKey() + "' must be a number >= 0, got " + brief(v));
      }
      Label l = Label.of(e.getKey());
      if (names.contains(l)) {
        throw ManifestException.at(
            file,
            line,
            "distribution",
            "label '" + l + "' appears twice (labels are compared trimmed and in lower case)");
      }
      names.add(l);
      p[k] = v.asDouble();
      sum += p[k];
    }
    if (Math.abs(sum - 1) > DISTRIBUTION_SUM_TOLERANCE) {
      throw ManifestException.at(
          file,
          line,
          "distribution",
          "probabilities sum to " + sum + ", not 1 (tolerance " + DISTRIBUTION_SUM_TOLERANCE + ")");
    }
    // exact when the sum is 1 to LabelDistribution's tolerance: renormalising would move values
    // by an ulp and could flip threshold tests such as the all-inclusive p > 1/C
    return Math.abs(sum - 1) <= EXACT_SUM_TOLERANCE
        ? LabelDistribution.of(LabelSet.of(names), p)
        : LabelDistribution.normalise(LabelSet.of(names), p);
  }

  /** A string field (a number is accepted for ids and speakers and turned into text). */
  private static String text(JsonNode node, String key, boolean required, String file, long line) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw ManifestException.at(file, line, key, "missing");
      }
      return null;
    }
    if (!(v.isTextual() || v.isIntegralNumber()) || v.asText().isBlank()) {
      throw ManifestException.at(file, line, key, "must be a non-blank string, got " + brief(v));
    }
    return v.asText();
  }

  private static Label label(JsonNode node, String key, boolean required, String file, long line) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw ManifestException.at(file, line, key, "missing");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw ManifestException.at(
          file, line, key, "must be a non-blank label string, got " + brief(v));
    }
    return Label.of(v.asText());
  }

  private static String brief(JsonNode v) {
    String s = v.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /**
   * The union of predictions, annotations and given majorities, sorted (as {@link
   * Evaluation#allLabels()} without --labels).
   */
  private static LabelSet union(List<Line> lines) {
    TreeSet<Label> all = new TreeSet<>();
    for (Line l : lines) {
      EvaluationItem it = l.item();
      all.add(it.prediction());
      all.addAll(it.annotations());
      it.givenMajority().ifPresent(all::add);
    }
    return LabelSet.of(all);
  }

  /**
   * Checks every label against the label set, so the error names the line rather than only the item
   * id.
   *
   * @throws UnknownLabelException naming file:line (column key) and the label
   */
  private void checkLabels(List<Line> lines, LabelSet set, boolean fromOption) {
    String name = input.toString();
    String where = fromOption ? "--labels " + String.join(",", names(set)) : "the label set " + set;
    for (Line l : lines) {
      EvaluationItem it = l.item();
      check(set, it.prediction(), name, l.number(), "prediction", where);
      for (Label a : it.annotations()) {
        check(set, a, name, l.number(), "annotations", where);
      }
      if (it.majority() != null) {
        check(set, it.majority(), name, l.number(), "majority", where);
      }
      if (it.distribution() != null) {
        LabelDistribution d = it.distribution();
        for (Label dl : d.labels()) {
          if (d.probability(dl) > 0 && !set.contains(dl)) {
            throw new UnknownLabelException(
                name + ":" + l.number() + " (column distribution)",
                "label '"
                    + dl
                    + "' has probability "
                    + d.probability(dl)
                    + " but is not in "
                    + where);
          }
        }
      }
    }
  }

  private static void check(
      LabelSet set, Label l, String file, long line, String key, String where) {
    if (!set.contains(l)) {
      throw new UnknownLabelException(
          file + ":" + line + " (column " + key + ")", "label '" + l + "' is not in " + where);
    }
  }

  private static List<String> names(LabelSet set) {
    List<String> n = new ArrayList<>();
    for (Label l : set) {
      n.add(l.name());
    }
    return n;
  }
}
