package io.ser4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.audio.AudioLoader;
import io.ser4j.cli.SerCli;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Fold;
import io.ser4j.core.corpus.SpeakerFolds;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.ConfidenceInterval;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.Metric;
import io.ser4j.metrics.PairedTestResult;
import io.ser4j.model.baseline.BaselineCrossValidation;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.model.baseline.BaselineTrainer;
import io.ser4j.model.baseline.FeatureTable;
import io.ser4j.model.speechlm.SpeechLmOptions;
import io.ser4j.model.speechlm.SpeechLmRecognizer;
import io.ser4j.rationale.CueNorms;
import io.ser4j.rationale.FaithfulnessChecker;
import io.ser4j.rationale.FaithfulnessReport;
import io.ser4j.rationale.train.WordErrorRate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rationale-supervision experiment of {@code docs/results.md}: for each chosen fold {@code k}
 * the held-out speakers are EmoDB fold {@code k} of 4 (2 speakers; {@code k < 4}) and RAVDESS fold
 * {@code k} of 5 (4 actors), the folds of the baseline experiment ({@code SpeakerFolds.kFolds},
 * seed 1). Two SpeechLMs are trained with {@code ser train} on all other speakers of both corpora:
 * (b) label-only and (c) rationale SFT; both are scored on the held-out clips with the corpus's
 * labels as candidates, next to (a) the acoustic baseline's global head trained per corpus on the
 * other speakers (the baseline experiment's protocol). Per corpus: Macro-F1 and UAR with 95%
 * bootstrap intervals (1000 speaker-stratified replicates, seed 42), the paired bootstrap p-value
 * of (c) vs (b) and of (c) vs (a) on Macro-F1, transcript WER ({@link WordErrorRate}), the
 * faithfulness rate of the generated rationales ({@link FaithfulnessChecker} against the clip's cues
 * and the norms the teacher used: the store's {@code .norms.json}, speaker or corpus scope) and
 * training time.
 *
 * <p>Resumable: a fold model whose directory holds {@code model.safetensors} is not retrained, and
 * predictions already written ({@code predictions.jsonl} in the model directory) are reused.
 *
 * <p>Run: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.SftExperiment DATA WORK
 * EMODB_STORE RAVDESS_STORE [folds=0,1,2,3,4] [epochs=3] [systems=label-only,rationale] [cue-prefix=K]
 * [baseline=off]}
 * (stores written by {@code ser teach}; their {@code .norms.json} siblings are used for
 * faithfulness). {@code cue-prefix=K} (K &gt; 0) trains the models with {@code ser train --cue-prefix K}
 * (the decoder conditioned on the baseline feature vector, see {@code docs/speechlm.md}) into fold
 * directories suffixed {@code -cueK}, so they never mix with models trained without it. Prints a
 * Markdown table. {@code baseline=off} leaves out (a) (e.g. when scoring folds in parallel
 * processes before one final run over all folds, which reuses their predictions).
 */
public final class SftExperiment {
  /** Bootstrap replicates. */
  public static final int REPLICATES = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SftExperiment() {}

  /** Entry point (see the class comment). */
  public static void main(String[] args) throws IOException {
    Path data = Path.of(args[0]);
    Path work = Path.of(args[1]);
    Path emodbStore = Path.of(args[2]);
    Path ravdessStore = Path.of(args[3]);
    List<Integer> folds = new ArrayList<>();
    int epochs = 3;
    int cuePrefix = 0;
    List<String> systems = List.of("label-only", "rationale");
    boolean withBaseline = true;
    for (int i = 4; i < args.length; i++) {
      if (args[i].equals("baseline=off")) {
        withBaseline = false;
      }
      if (args[i].startsWith("systems=")) {
        systems = List.of(args[i].substring(8).split(","));
      }
      if (args[i].startsWith("folds=")) {
        for (String f : args[i].substring(6).split(",")) {
          folds.add(Integer.parseInt(f.trim()));
        }
      } else if (args[i].startsWith("epochs=")) {
        epochs = Integer.parseInt(args[i].substring(7));
      } else if (args[i].startsWith("cue-prefix=")) {
        cuePrefix = Integer.parseInt(args[i].substring(11));
        if (cuePrefix < 0) {
          throw new IllegalArgumentException("cue-prefix must be >= 0: " + args[i]);
        }
      }
    }
    if (folds.isEmpty()) {
      folds = List.of(0, 1, 2, 3, 4);
    }
    Files.createDirectories(work);
    Corpus emodb = BaselineExperiment.labelled(data.resolve("emodb/manifest.csv"));
    Corpus ravdess = BaselineExperiment.labelled(data.resolve("ravdess/manifest.csv"));
    Map<String, Corpus> corpora = Map.of("emodb", emodb, "ravdess", ravdess);
    Map<String, CueNorms> norms = Map.of(
        "emodb", readNorms(emodbStore), "ravdess", readNorms(ravdessStore));
    List<Fold> ef = SpeakerFolds.kFolds(emodb, 4, 1);
    List<Fold> rf = SpeakerFolds.kFolds(ravdess, 5, 1);

    Map<String, List<Row>> rows = new LinkedHashMap<>(); // system -> rows
    Map<String, Double> trainSeconds = new LinkedHashMap<>();
    Set<String> heldOut = new TreeSet<>();
    for (int k : folds) {
      List<String> exclude = new ArrayList<>();
      List<Utterance> test = new ArrayList<>();
      if (k < ef.size()) {
        ef.get(k).testSpeakers().forEach(s -> exclude.add("emodb/" + s));
        test.addAll(ef.get(k).test());
      }
      rf.get(k).testSpeakers().forEach(s -> exclude.add("ravdess/" + s));
      test.addAll(rf.get(k).test());
      heldOut.addAll(exclude);
      for (String system : systems) {
        Path dir = work.resolve("fold" + k + "-" + system + (cuePrefix > 0 ? "-cue" + cuePrefix : ""));
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
          List<String> a = new ArrayList<>(List.of("train",
              "--manifest", data.resolve("emodb/manifest.csv").toString(),
              "--manifest", data.resolve("ravdess/manifest.csv").toString(),
              "--rationales", emodbStore.toString(), "--rationales", ravdessStore.toString(),
              "--config", "compact", "--out", dir.toString(), "--epochs", Integer.toString(epochs),
              "--batch-size", "16", "--lr", "2e-3", "--checkpoint-every", "20", "--seed", "1",
              "--exclude-speakers", String.join(",", exclude)));
          if (system.equals("label-only")) {
            a.add("--label-only");
          }
          if (cuePrefix > 0) {
            a.add("--cue-prefix");
            a.add(Integer.toString(cuePrefix));
          }
          if (Files.isDirectory(dir.resolve(".train"))) {
            a.add("--resume");
          }
          int rc = SerCli.run(a.toArray(String[]::new));
          if (rc != 0) {
            throw new IllegalStateException("ser train failed for " + dir + " (exit " + rc + ")");
          }
        }
        trainSeconds.merge(system, trainSeconds(dir), Double::sum);
        rows.computeIfAbsent(system, s -> new ArrayList<>()).addAll(predict(dir, test, corpora, norms));
      }
    }
    // (a) the acoustic baseline, global head, on the same held-out clips
    List<Row> base = new ArrayList<>();
    for (String name : withBaseline ? List.of("emodb", "ravdess") : List.<String>of()) {
      Corpus c = corpora.get(name);
      FeatureTable table = BaselineTrainer.extract(c.utterances(), BaselineFeatures.create(), 2, null);
      for (BaselineCrossValidation.Prediction p : BaselineCrossValidation.run(c, table, name.equals("emodb") ? 4 : 5,
          1, BaselineTrainer.Options.defaults(), null)) {
        if (heldOut.contains(name + "/" + p.speaker())) {
          base.add(new Row(name + "/" + p.id(), name, name + "/" + p.speaker(), p.reference(), p.global().argmax(),
              p.global(), "", "", "", 0, 0, 0));
        }
      }
    }
    if (withBaseline) {
      rows.put("baseline", base);
    }

    StringBuilder md = new StringBuilder();
    md.append("| corpus | system | n | Macro-F1 [95% CI] | UAR [95% CI] | p (c vs b, Macro-F1) | p (c vs a, Macro-F1) | WER |"
        + " faithfulness (consistent / decided claims) | training time |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (String name : List.of("emodb", "ravdess")) {
      LabelSet labels = corpora.get(name).labels();
      Map<String, Evaluation> evs = new LinkedHashMap<>();
      for (String system : List.of("baseline", "label-only", "rationale")) {
        if (!rows.containsKey(system)) {
          continue;
        }
        List<Row> rs = rows.get(system).stream().filter(r -> r.corpus.equals(name))
            .sorted(Comparator.comparing(r -> r.key)).toList();
        if (rs.isEmpty()) {
          continue;
        }
        List<EvaluationItem> items = new ArrayList<>();
        for (Row r : rs) {
          items.add(EvaluationItem.of(r.key, r.predicted, List.of(r.reference)).withDistribution(r.distribution)
              .withSpeaker(r.speaker));
        }
        evs.put(system, Evaluation.of(items, labels));
      }
      PairedTestResult paired = null;
      if (evs.containsKey("label-only") && evs.containsKey("rationale")) {
        paired = Bootstrap.withReplicates(REPLICATES).seed(Bootstrap.DEFAULT_SEED).stratifiedBySpeaker(true)
            .pairedTest(evs.get("rationale"), evs.get("label-only"), Metric.MACRO_F1_MAJORITY);
      }
      PairedTestResult pairedBaseline = null;
      if (evs.containsKey("baseline") && evs.containsKey("rationale")) {
        pairedBaseline = Bootstrap.withReplicates(REPLICATES).seed(Bootstrap.DEFAULT_SEED).stratifiedBySpeaker(true)
            .pairedTest(evs.get("rationale"), evs.get("baseline"), Metric.MACRO_F1_MAJORITY);
      }
      for (Map.Entry<String, Evaluation> e : evs.entrySet()) {
        String system = e.getKey();
        Map<Metric, ConfidenceInterval> ci = Bootstrap.withReplicates(REPLICATES).seed(Bootstrap.DEFAULT_SEED)
            .stratifiedBySpeaker(true).confidenceIntervals(e.getValue(), List.of(Metric.MACRO_F1_MAJORITY, Metric.UAR));
        List<Row> rs = rows.get(system).stream().filter(r -> r.corpus.equals(name)).toList();
        String wer = "";
        String faith = "";
        String time = "";
        if (!system.equals("baseline")) {
          wer = String.format(Locale.ROOT, "%.3f", WordErrorRate.corpus(
              rs.stream().map(r -> r.referenceTranscript).toList(), rs.stream().map(r -> r.transcript).toList()));
          int cons = rs.stream().mapToInt(r -> r.consistent).sum();
          int contra = rs.stream().mapToInt(r -> r.contradicted).sum();
          int unver = rs.stream().mapToInt(r -> r.unverifiable).sum();
          faith = system.equals("label-only") ? "n/a (no rationale)" : String.format(Locale.ROOT,
              "%.3f (%d / %d; %d unverifiable)", cons + contra == 0 ? Double.NaN : cons / (double) (cons + contra),
              cons, cons + contra, unver);
          time = String.format(Locale.ROOT, "%.0f s (both corpora, %d fold%s)", trainSeconds.get(system),
              folds.size(), folds.size() == 1 ? "" : "s");
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |%n", name,
            system.equals("baseline") ? "(a) acoustic baseline, global" : system.equals("label-only")
                ? "(b) label-only SFT" : "(c) rationale SFT",
            e.getValue().n(), fmt(ci.get(Metric.MACRO_F1_MAJORITY)), fmt(ci.get(Metric.UAR)),
            system.equals("rationale") && paired != null ? String.format(Locale.ROOT, "%.3f (Δ %+.3f)",
                paired.pValue(), paired.difference()) : "",
            system.equals("rationale") && pairedBaseline != null ? String.format(Locale.ROOT, "%.3f (Δ %+.3f)",
                pairedBaseline.pValue(), pairedBaseline.difference()) : "", wer, faith, time));
      }
    }
    Files.writeString(work.resolve("results-" + String.join("-", systems) + ".md"), md.toString(), StandardCharsets.UTF_8);
    System.out.print(md);
  }

  private static String fmt(ConfidenceInterval c) {
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", c.estimate(), c.lower(), c.upper());
  }

  private static CueNorms readNorms(Path store) throws IOException {
    Path f = store.resolveSibling(store.getFileName() + ".norms.json");
    return CueNorms.fromJson(Files.readString(f, StandardCharsets.UTF_8), f.toString());
  }

  /** Training seconds: {@code training.json}'s {@code train_seconds}, else the CLI log line. */
  private static double trainSeconds(Path dir) throws IOException {
    Path summary = dir.resolve("training.json");
    if (Files.isRegularFile(summary)) {
      JsonNode n = JSON.readTree(summary.toFile());
      if (n.has("train_seconds")) {
        return n.get("train_seconds").asDouble();
      }
    }
    Path log = dir.resolveSibling(dir.getFileName() + ".log");
    if (Files.isRegularFile(log)) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile(" in ([0-9.]+) s -> ").matcher(Files.readString(log));
      if (m.find()) {
        return Double.parseDouble(m.group(1));
      }
    }
    return Double.NaN;
  }

  /** One held-out clip's result. */
  record Row(String key, String corpus, String speaker, Label reference, Label predicted,
      LabelDistribution distribution, String transcript, String referenceTranscript, String rationale,
      int consistent, int contradicted, int unverifiable) {}

  private static List<Row> predict(Path dir, List<Utterance> test, Map<String, Corpus> corpora,
      Map<String, CueNorms> norms) throws IOException {
    Path file = dir.resolve("predictions.jsonl");
    Map<String, Row> done = new LinkedHashMap<>();
    if (Files.isRegularFile(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        Map<Label, Double> p = new LinkedHashMap<>();
        n.get("probabilities").fields().forEachRemaining(e -> p.put(new Label(e.getKey()), e.getValue().asDouble()));
        done.put(n.get("key").asText(), new Row(n.get("key").asText(), n.get("corpus").asText(),
            n.get("speaker").asText(), new Label(n.get("reference").asText()), new Label(n.get("label").asText()),
            LabelDistribution.of(LabelSet.of(p.keySet()), p.values().stream().mapToDouble(Double::doubleValue).toArray()),
            n.get("transcript").asText(), n.get("reference_transcript").asText(),
            n.get("rationale").asText(), n.get("consistent").asInt(), n.get("contradicted").asInt(),
            n.get("unverifiable").asInt()));
      }
    }
    FaithfulnessChecker checker = FaithfulnessChecker.create();
    List<Row> out = new ArrayList<>();
    SpeechLmRecognizer rec = null;
    try {
      int i = 0;
      for (Utterance u : test) {
        String corpus = u.corpus().toLowerCase(Locale.ROOT);
        String key = corpus + "/" + u.id();
        Row r = done.get(key);
        if (r == null) {
          if (rec == null) {
            rec = SpeechLmRecognizer.open(dir, SpeechLmOptions.defaults());
          }
          SpeechLmRecognizer.Result res = rec.analyze(AudioLoader.load(u.audio()), corpora.get(corpus).labels());
          Recognition g = res.recognition();
          FaithfulnessReport f = checker.check(g.rationale(), g.cues(), norms.get(corpus), u.speaker());
          r = new Row(key, corpus, corpus + "/" + u.speaker(), u.majority(), g.label(), g.probabilities(),
              g.transcript(), u.transcript(), g.rationale(), f.consistent(), f.contradicted(), f.unverifiable());
          ObjectNode o = JSON.createObjectNode();
          o.put("key", key).put("corpus", corpus).put("speaker", r.speaker).put("reference", u.majority().name())
              .put("label", g.label().name()).put("transcript", g.transcript())
              .put("reference_transcript", u.transcript()).put("rationale", g.rationale())
              .put("consistent", f.consistent()).put("contradicted", f.contradicted())
              .put("unverifiable", f.unverifiable()).put("answer", res.answer());
          ObjectNode probs = o.putObject("probabilities");
          g.probabilities().asMap().forEach((k2, v) -> probs.put(k2.name(), v));
          Files.writeString(file, o.toString() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
        out.add(r);
        if (++i % 50 == 0) {
          System.err.println(dir.getFileName() + ": " + i + "/" + test.size());
        }
      }
    } finally {
      if (rec != null) {
        rec.close();
      }
    }
    return out;
  }
}
