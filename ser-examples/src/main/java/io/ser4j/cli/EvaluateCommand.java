package io.ser4j.cli;

import io.ser4j.core.ManifestException;
import io.ser4j.core.corpus.Fold;
import io.ser4j.core.corpus.SpeakerFolds;
import io.ser4j.model.speechlm.SpeechLmOptions;
import io.ser4j.model.speechlm.SpeechLmRecognizer;
import io.ser4j.rationale.RationaleStore;
import io.ser4j.rationale.StoredRationale;
import io.ser4j.rationale.train.ModelShapes;
import io.ser4j.rationale.train.SftConfig;
import io.ser4j.rationale.train.SftDataset;
import io.ser4j.rationale.train.SftExample;
import io.ser4j.rationale.train.SftTrainer;
import java.util.HashSet;
import java.util.Set;
import io.ser4j.audio.AudioLoader;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.SerException;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import io.ser4j.examples.BaselineExperiment;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.MetricsReport;
import io.ser4j.metrics.report.ReportWriter;
import io.ser4j.model.baseline.BaselineCrossValidation;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.model.baseline.BaselineTrainer;
import io.ser4j.model.baseline.FeatureTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ser evaluate}: runs a model over a labelled corpus (or, with {@code --cv speakers:K},
 * trains and scores the baseline, or a SpeechLM with {@code --model speechlm:PRESET}, per
 * speaker-independent fold) and writes {@code
 * predictions.jsonl}, {@code metrics.json}, {@code report.md}, {@code confusion.png} (and {@code
 * reliability.png}) into {@code --out}. Distributions are restricted to the corpus's labels.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Run a model over a corpus and write predictions, metrics and a report.",
    footer = {
      "",
      "Examples:",
      "  ser evaluate --manifest ../shared/data/emodb/manifest.csv --model baseline --out /tmp/eval",
      "  ser evaluate --manifest ../shared/data/emodb/manifest.csv --model baseline --cv speakers:4 --out /tmp/eval",
      "  ser evaluate --manifest ../shared/data/emodb/manifest.csv --model speechlm:compact --rationales emodb.jsonl \\",
      "      --cv speakers:4 --out /tmp/eval-slm        (trains a SpeechLM per fold: slow on a CPU)",
      "",
      "With --cv the speaker-normalised head is the main report (out/); the global head's report",
      "(no speaker normalisation, as in 'ser analyze') is written to out/global/."
    })
final class EvaluateCommand implements Callable<Integer> {
  private static final Pattern CV = Pattern.compile("speakers:(\\d+)");
  /** Model prefix of a SpeechLM trained per fold with {@code --cv}: {@code speechlm:PRESET}. */
  static final String SPEECHLM_PREFIX = "speechlm:";

  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "Corpus manifest.")
  Path manifest;

  @Option(names = "--model", defaultValue = "baseline",
      description = "default | baseline | MODEL.json | checkpoint DIR | URL (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--cv", paramLabel = "speakers:K",
      description = "Speaker-independent K-fold cross-validation: train and score the baseline per fold.")
  String cv;

  @Option(names = "--labels", paramLabel = "a,b,...",
      description = "Candidate labels (default: the corpus's labels the model knows).")
  String labels;

  @Option(names = "--seed", defaultValue = "1", description = "Fold seed for --cv (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--bootstrap", defaultValue = "1000", paramLabel = "N",
      description = "Bootstrap replicates for ci95, speaker-stratified (default: ${DEFAULT-VALUE}; 0 = none).")
  int bootstrap;

  @Option(names = "--threads", defaultValue = "2", description = "Feature threads for --cv (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  @Option(names = "--rationales", paramLabel = "FILE",
      description = "With --cv and --model speechlm:PRESET: rationale store(s) from 'ser teach'.")
  List<Path> rationales = new ArrayList<>();

  @Option(names = "--label-only", description = "With --model speechlm:PRESET: label-only targets (the ablation).")
  boolean labelOnly;

  @Option(names = "--epochs", defaultValue = "3",
      description = "With --model speechlm:PRESET: training epochs per fold (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--cue-prefix", defaultValue = "0", paramLabel = "K",
      description = "With --model speechlm:PRESET: condition the decoder on the clip's baseline acoustic feature"
          + " vector as K extra input rows (as 'ser train --cue-prefix'); 0: none (default: ${DEFAULT-VALUE}).")
  int cuePrefix;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (bootstrap < 0 || bootstrap > 100_000) {
      throw new ParameterException(spec.commandLine(), "--bootstrap must be 0..100000, got " + bootstrap);
    }
    Integer folds = parseCv();
    Corpus corpus = TrainBaselineCommand.loadLabelled(manifest);
    long t0 = System.nanoTime();
    int exit = SerCli.EXIT_OK;
    List<EvaluationItem> items;
    List<EvaluationItem> globalItems = null;
    String modelName;
    LabelSet labelSet;
    Map<String, List<Object>> extras = new LinkedHashMap<>();
    if (folds != null && model.startsWith(SPEECHLM_PREFIX)) {
      if (corpus.speakers().size() < folds) {
        throw new ParameterException(spec.commandLine(), "--cv speakers:" + folds + " needs at least " + folds
            + " speakers; " + manifest + " has " + corpus.speakers().size());
      }
      labelSet = labels == null ? corpus.labels() : LabelSet.parse(labels);
      items = speechLmCv(corpus, folds, labelSet, extras, err);
      modelName = model + " (cv speakers:" + folds + ", seed " + seed + (labelOnly ? ", label-only" : "")
          + (cuePrefix > 0 ? ", cue prefix " + cuePrefix : "") + ")";
    } else if (folds != null) {
      if (!model.equals("baseline")) {
        throw new ParameterException(spec.commandLine(), "--cv trains a model per fold; --model must be baseline"
            + " or speechlm:PRESET (e.g. speechlm:compact), got " + model);
      }
      if (corpus.speakers().size() < folds) {
        throw new ParameterException(
            spec.commandLine(), "--cv speakers:" + folds + " needs at least " + folds + " speakers; "
                + manifest + " has " + corpus.speakers().size());
      }
      labelSet = labels == null ? corpus.labels() : LabelSet.parse(labels);
      for (Label l : labelSet) {
        corpus.labels().require(l.name()); // each fold's model knows exactly the corpus's labels
      }
      CliProgress progress = new CliProgress(err, quiet);
      FeatureTable table =
          BaselineTrainer.extract(corpus.utterances(), BaselineFeatures.create(), threads, progress);
      List<BaselineCrossValidation.Prediction> preds =
          BaselineCrossValidation.run(corpus, table, folds, seed, BaselineTrainer.Options.defaults(), progress);
      items = restrict(BaselineExperiment.items(preds, true), labelSet);
      globalItems = restrict(BaselineExperiment.items(preds, false), labelSet);
      List<Object> fs = new ArrayList<>();
      for (BaselineCrossValidation.Prediction p : preds) {
        fs.add(p.fold());
      }
      extras.put("fold", fs);
      modelName = "baseline (cv speakers:" + folds + ", seed " + seed + ")";
    } else {
      try (Recognizer r = RecognizerProvider.open(model)) {
        modelName = r.name();
        labelSet = labels != null ? LabelSet.parse(labels) : known(corpus.labels(), r.labels(), err);
        for (Label l : labelSet) {
          r.labels().require(l.name()); // an unknown candidate is bad input once, not per clip
        }
        items = new ArrayList<>();
        CliProgress progress = new CliProgress(err, quiet);
        progress.onStart("evaluate", corpus.size());
        int done = 0;
        for (Utterance u : corpus.utterances()) {
          try {
            Recognition rec = r.recognize(AudioLoader.load(u.audio()), labelSet);
            items.add(item(u, rec.probabilities()));
          } catch (SerException e) {
            err.println("ser: " + e.getMessage());
            exit = SerCli.EXIT_BAD_INPUT;
          }
          progress.onProgress(++done, corpus.size(), u.id());
        }
        progress.onFinish();
      }
    }
    Files.createDirectories(out);
    writePredictions(out.resolve("predictions.jsonl"), items, extras);
    Evaluation ev = Evaluation.of(items, labelSet);
    report(ev, out, modelName, folds == null ? "none" : "speaker_normalised");
    if (globalItems != null) {
      Path g = out.resolve("global");
      Files.createDirectories(g);
      writePredictions(g.resolve("predictions.jsonl"), globalItems, extras);
      Evaluation gev = Evaluation.of(globalItems, labelSet);
      report(gev, g, modelName, "global");
      summary(stdout, "global", gev, g);
    }
    summary(stdout, folds == null ? "" : "speaker-normalised", ev, out);
    err.printf(Locale.ROOT, "ser: evaluate took %.1f s%n", (System.nanoTime() - t0) / 1e9);
    err.flush();
    return exit;
  }

  /**
   * Speaker-independent CV of a SpeechLM: per fold, {@code ser train}'s trainer on the other speakers
   * (resumable in {@code <out>/folds/fold<i>}), then the fold's checkpoint scores the held-out clips.
   */
  private List<EvaluationItem> speechLmCv(Corpus corpus, int folds, LabelSet labelSet,
      Map<String, List<Object>> extras, PrintWriter err) {
    String preset = model.substring(SPEECHLM_PREFIX.length());
    if (!ModelShapes.PRESETS.contains(preset)) {
      throw new ParameterException(spec.commandLine(), "--model speechlm:PRESET needs one of " + ModelShapes.PRESETS
          + ", got " + preset);
    }
    if (!labelOnly && rationales.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--model " + model + " needs --rationales (or --label-only)");
    }
    List<StoredRationale> records = new ArrayList<>();
    for (Path r : rationales) {
      if (!Files.isRegularFile(r)) {
        throw new ManifestException(r.toString(), "no such rationale store; write it with 'ser teach'");
      }
      try (RationaleStore store = RationaleStore.open(r)) {
        records.addAll(store.records());
      }
    }
    SftDataset data = SftDataset.build(List.of(corpus), records, null, labelOnly);
    SftConfig cfg;
    try {
      cfg = SftConfig.builder().epochs(epochs).batchSize(16).learningRate(2e-3).labelOnly(labelOnly)
          .seed(seed).checkpointEvery(20).cuePrefixTokens(cuePrefix).build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    List<EvaluationItem> result = new ArrayList<>();
    List<Object> fs = new ArrayList<>();
    CliProgress progress = new CliProgress(err, quiet);
    for (Fold f : SpeakerFolds.kFolds(corpus, folds, seed)) {
      String corpusName = corpus.name().toLowerCase(Locale.ROOT);
      Set<String> test = new HashSet<>();
      f.testSpeakers().forEach(sp -> test.add(corpusName + "/" + sp));
      List<SftExample> train = data.examples().stream().filter(e -> !test.contains(e.speaker())).toList();
      Path dir = out.resolve("folds").resolve("fold" + f.index());
      new SftTrainer(progress).train(new SftTrainer.Request(cfg, train, List.of(), dir, null,
          ModelShapes.preset(preset), out.resolve("folds").resolve(".clip-cache"), true));
      try (SpeechLmRecognizer r = SpeechLmRecognizer.open(dir, SpeechLmOptions.defaults())) {
        progress.onStart("evaluate fold " + f.index(), f.test().size());
        int done = 0;
        for (Utterance u : f.test()) {
          Recognition rec = r.recognize(AudioLoader.load(u.audio()), labelSet);
          result.add(item(u, rec.probabilities()));
          fs.add(f.index());
          progress.onProgress(++done, f.test().size(), u.id());
        }
        progress.onFinish();
      }
    }
    extras.put("fold", fs);
    return result;
  }

  private Integer parseCv() {
    if (cv == null) {
      return null;
    }
    Matcher m = CV.matcher(cv.trim());
    if (!m.matches() || Integer.parseInt(m.group(1)) < 2) {
      throw new ParameterException(spec.commandLine(), "--cv must be speakers:K with K >= 2, got " + cv);
    }
    return Integer.parseInt(m.group(1));
  }

  /** The corpus labels the model can output; labels it cannot are reported and dropped. */
  private static LabelSet known(LabelSet corpusLabels, LabelSet modelLabels, PrintWriter err) {
    List<Label> keep = new ArrayList<>();
    for (Label l : corpusLabels) {
      if (modelLabels.contains(l)) {
        keep.add(l);
      } else {
        err.println("ser: the model cannot output '" + l.name() + "'; those clips count as errors");
      }
    }
    if (keep.isEmpty()) {
      throw new io.ser4j.core.UnknownLabelException(
          corpusLabels.toString(), "the model knows none of the corpus's labels; it knows " + modelLabels);
    }
    return LabelSet.of(keep);
  }

  private static EvaluationItem item(Utterance u, LabelDistribution d) {
    return EvaluationItem.of(u.id(), d.argmax(), List.of(u.majority()))
        .withDistribution(d)
        .withSpeaker(u.speaker());
  }

  private static List<EvaluationItem> restrict(List<EvaluationItem> items, LabelSet labels) {
    List<EvaluationItem> out = new ArrayList<>();
    for (EvaluationItem it : items) {
      LabelDistribution d = it.distribution().restrictTo(labels);
      out.add(
          EvaluationItem.of(it.id(), d.argmax(), it.annotations())
              .withDistribution(d)
              .withSpeaker(it.speaker()));
    }
    return out;
  }

  private void report(Evaluation ev, Path dir, String modelName, String normalisation) throws IOException {
    MetricsReport r = ev.report();
    if (bootstrap > 0) {
      r = r.withBootstrap(Bootstrap.withReplicates(bootstrap).seed(Bootstrap.DEFAULT_SEED).stratifiedBySpeaker(true));
    }
    r = r.withProvenance("manifest", manifest.toString())
        .withProvenance("model", modelName)
        .withProvenance("normalisation", normalisation);
    if (cv != null) {
      r = r.withProvenance("cv", cv).withProvenance("seed", Long.toString(seed));
    }
    ReportWriter.defaults().write(r, dir);
  }

  private void summary(PrintWriter stdout, String head, Evaluation ev, Path dir) {
    if (common.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("out", dir.toString());
      m.put("head", head);
      m.put("n", ev.n());
      m.put("macro_f1_majority", ev.macroF1());
      m.put("uar", ev.uar());
      m.put("accuracy_majority", ev.accuracy());
      stdout.println(Json.line(m));
    } else {
      stdout.printf(
          Locale.ROOT,
          "%s%sn=%d macro_f1=%.3f uar=%.3f accuracy=%.3f -> %s%n",
          head, head.isEmpty() ? "" : ": ", ev.n(), ev.macroF1(), ev.uar(), ev.accuracy(), dir);
    }
    stdout.flush();
  }

  private static void writePredictions(Path file, List<EvaluationItem> items, Map<String, List<Object>> extras)
      throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < items.size(); i++) {
        EvaluationItem it = items.get(i);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", it.id());
        m.put("speaker", it.speaker());
        m.put("prediction", it.prediction().name());
        m.put("annotations", it.annotations().stream().map(Label::name).toList());
        Map<String, Object> d = new LinkedHashMap<>();
        it.distribution().asMap().forEach((k, v) -> d.put(k.name(), v));
        m.put("distribution", d);
        for (Map.Entry<String, List<Object>> e : extras.entrySet()) {
          m.put(e.getKey(), e.getValue().get(i));
        }
        w.write(Json.line(m));
        w.newLine();
      }
    }
  }
}
