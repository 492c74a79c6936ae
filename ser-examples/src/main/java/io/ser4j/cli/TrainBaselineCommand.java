package io.ser4j.cli;

import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.model.baseline.BaselineModel;
import io.ser4j.model.baseline.BaselineTrainer;
import io.ser4j.model.baseline.FeatureTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ser train-baseline}: trains the acoustic baseline on one or more labelled corpora and writes
 * the model JSON (see {@code docs/baseline.md}).
 */
@Command(
    name = "train-baseline",
    mixinStandardHelpOptions = true,
    description = "Train the acoustic baseline (cue functionals + MFCC statistics, logistic regression).",
    footer = {
      "",
      "Examples:",
      "  ser train-baseline --manifest corpus.jsonl --out model.json",
      "  ser analyze --model model.json clip.wav",
      "",
      "The bundled model was trained with:",
      "  ser train-baseline --manifest ../shared/data/emodb/manifest.csv \\",
      "      --manifest ../shared/data/ravdess/manifest.csv \\",
      "      --out ser-model/src/main/resources/io/ser4j/model/baseline/baseline-v1.json"
    })
final class TrainBaselineCommand implements Callable<Integer> {
  /** Licence notes of the corpora ser4j knows, recorded in the model's provenance. */
  static final Map<String, String> LICENCES =
      Map.of(
          "emodb", "EmoDB (TU Berlin): research corpus",
          "ravdess", "RAVDESS: CC BY-NC-SA 4.0 (models trained on it are non-commercial)");

  @Spec CommandSpec spec;

  @Option(names = "--manifest", required = true, paramLabel = "FILE",
      description = "Corpus manifest (EmoDB/RAVDESS manifest.csv, JSONL, ...); repeat for several.")
  List<Path> manifests;

  @Option(names = "--out", required = true, paramLabel = "MODEL.json", description = "Where to write the model.")
  Path out;

  @Option(names = "--threads", defaultValue = "2", description = "Feature-extraction threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the inner lambda search (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  @Option(names = "--debug", description = "Print stack traces for errors.")
  boolean debug;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    List<Corpus> parts = new ArrayList<>();
    for (Path m : manifests) {
      parts.add(loadLabelled(m));
    }
    Corpus all = Corpus.concat("training", parts);
    LabelSet labels = unifiedOrder(all.labels());
    FeatureTable table =
        BaselineTrainer.extract(all.utterances(), BaselineFeatures.create(), threads, new CliProgress(err, quiet));
    Map<String, String> prov = new LinkedHashMap<>();
    prov.put("command", "ser train-baseline " + String.join(" ", commandArgs()));
    prov.put("trained_at", Instant.now().toString());
    prov.put("clips", Integer.toString(all.size()));
    prov.put("speakers", Integer.toString(table.indicesBySpeaker().size()));
    List<String> corpora = new ArrayList<>();
    List<String> licences = new ArrayList<>();
    for (Corpus c : parts) {
      corpora.add(c.name() + " (" + c.size() + " clips, " + c.speakers().size() + " speakers)");
      licences.add(LICENCES.getOrDefault(c.name().toLowerCase(Locale.ROOT), c.name() + ": see its licence"));
    }
    prov.put("corpora", String.join("; ", corpora));
    prov.put("data_licences", String.join("; ", licences));
    if (parts.stream().anyMatch(c -> c.name().equalsIgnoreCase("ravdess"))) {
      prov.put("licence", "NON-COMMERCIAL: trained on RAVDESS (CC BY-NC-SA 4.0); use for research and non-commercial purposes only");
    }
    prov.put("options", BaselineTrainer.Options.defaults().withSeed(seed).toString());
    BaselineModel model =
        BaselineTrainer.train(table, labels, BaselineTrainer.Options.defaults().withSeed(seed), prov);
    model.write(out);
    double s = (System.nanoTime() - t0) / 1e9;
    stdout.printf(
        Locale.ROOT,
        "wrote %s: %d labels, %d features, %d clips, lambda global %.4g / speaker-normalised %.4g, %.1f s%n",
        this.out, labels.size(), BaselineFeatures.dimension(), all.size(), model.global().lambda(),
        model.speakerNormalised().lambda(), s);
    stdout.flush();
    return SerCli.EXIT_OK;
  }

  private List<String> commandArgs() {
    List<String> a = new ArrayList<>();
    for (Path m : manifests) {
      a.add("--manifest " + m);
    }
    a.add("--out " + out);
    if (seed != 1) {
      a.add("--seed " + seed);
    }
    return a;
  }

  /**
   * Reads a corpus, keeping labelled utterances with a speaker; missing audio is bad input.
   *
   * @throws ManifestException when an audio file is missing or nothing is labelled
   */
  static Corpus loadLabelled(Path manifest) {
    Corpus c = Corpora.autodetect(manifest);
    List<Utterance> missing = c.missingAudio();
    if (!missing.isEmpty()) {
      throw new ManifestException(
          manifest.toString(),
          missing.size() + " audio file(s) are missing, e.g. " + missing.get(0).audio());
    }
    Corpus labelled = c.filter(u -> u.majority() != null && !u.speaker().isEmpty());
    if (labelled.size() == 0) {
      throw new ManifestException(manifest.toString(), "no utterance has both a majority label and a speaker");
    }
    return labelled;
  }

  /** The labels in {@link LabelSet#UNIFIED}'s order, then any others in their own order. */
  static LabelSet unifiedOrder(LabelSet seen) {
    List<io.ser4j.core.Label> out = new ArrayList<>();
    for (io.ser4j.core.Label l : LabelSet.UNIFIED) {
      if (seen.contains(l)) {
        out.add(l);
      }
    }
    for (io.ser4j.core.Label l : seen) {
      if (!out.contains(l)) {
        out.add(l);
      }
    }
    return LabelSet.of(out);
  }
}
