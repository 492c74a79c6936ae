package io.ser4j.examples.finetune;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.Cues;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.ProgressListener;
import io.ser4j.core.Recognition;
import io.ser4j.core.Ser;
import io.ser4j.core.SerException;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.model.bundled.BundledSpeechLm;
import io.ser4j.model.speechlm.SpeechLmConfig;
import io.ser4j.rationale.CueGroundedTeacher;
import io.ser4j.rationale.CueNorms;
import io.ser4j.rationale.RationaleKey;
import io.ser4j.rationale.RationaleStore;
import io.ser4j.rationale.StoredRationale;
import io.ser4j.rationale.Teacher;
import io.ser4j.rationale.TeachingInput;
import io.ser4j.rationale.train.LearningCurve;
import io.ser4j.rationale.train.ModelShapes;
import io.ser4j.rationale.train.SftConfig;
import io.ser4j.rationale.train.SftDataset;
import io.ser4j.rationale.train.SftTrainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fine-tune a SpeechLM on your own corpus: (1) the offline cue-grounded teacher writes a rationale
 * per labelled clip of a JSONL manifest into a {@link RationaleStore} (what {@code ser teach} does),
 * (2) {@link SftTrainer} trains a new model of a small preset, or fine-tunes an existing checkpoint,
 * on transcript → label → rationale targets, printing the loss of every step (what {@code ser train}
 * does), (3) the checkpoint is loaded through {@link Ser#builder()} and one clip is analysed.
 *
 * <p>Run: {@code mvn -q -pl ser-examples -am compile exec:java@finetune} (default arguments: a
 * 12-clip EmoDB sample manifest written to {@code ser-examples/target/finetune/}, one epoch of the
 * {@code micro} preset). Your own data: {@code -Dexec.args="--manifest /abs/my.jsonl --out /abs/run
 * --epochs 10 --preset compact"}; see this folder's README for all options.
 *
 * <p>Rerunning with the same output folder reuses the rationales already in its store and continues
 * (or reuses) the training run there ({@code resume}); other settings on the same folder are refused
 * by the trainer, so use another {@code --out} for them.
 */
public final class FineTuneExample {
  /** Clips of the EmoDB sample manifest by default. */
  public static final int DEFAULT_SAMPLE_CLIPS = 12;
  /** Epochs by default. */
  public static final int DEFAULT_EPOCHS = 1;
  /** Examples per optimizer step by default. */
  public static final int DEFAULT_BATCH_SIZE = 4;
  /** Architecture of a new model by default (the smallest preset). */
  public static final String DEFAULT_PRESET = "micro";
  /** The {@code --init} value naming the bundled default SpeechLM ({@link BundledSpeechLm}). */
  public static final String BUNDLED = "default";
  /** Teacher seed (as {@code ser teach --seed}). */
  public static final long TEACHER_SEED = 1;

  private FineTuneExample() {}

  /**
   * The example's settings.
   *
   * @param manifest the JSONL manifest to train on ({@code null} with {@code sampleDataDir}: the
   *     sample written into {@code out})
   * @param sampleDataDir a data folder holding {@code emodb/manifest.csv}, from which a sample JSONL
   *     manifest of {@code sampleClips} clips is written, or {@code null}
   * @param sampleClips clips in the sample manifest (&ge; 2)
   * @param out output folder: {@code rationales.jsonl}, {@code model/} (the checkpoint), the clip cache
   * @param epochs passes over the data (&ge; 1)
   * @param batchSize examples per optimizer step (&ge; 1)
   * @param preset the architecture of a new model ({@link ModelShapes#PRESETS}), or {@code null} with
   *     {@code init}
   * @param init a checkpoint folder to fine-tune ({@link #BUNDLED}: the bundled default SpeechLM), or
   *     {@code null} with {@code preset}
   * @param clip the clip to analyse at the end, or {@code null} for the manifest's first clip
   */
  public record Options(Path manifest, Path sampleDataDir, int sampleClips, Path out, int epochs, int batchSize,
      String preset, Path init, Path clip) {
    /** Validates. */
    public Options {
      if ((manifest == null) == (sampleDataDir == null)) {
        throw new IllegalArgumentException("give a manifest or a sample data folder, not both or neither");
      }
      if ((preset == null) == (init == null)) {
        throw new IllegalArgumentException("give a preset or an init checkpoint, not both or neither");
      }
      if (out == null || epochs < 1 || batchSize < 1 || sampleClips < 2) {
        throw new IllegalArgumentException("an output folder, epochs >= 1, batch size >= 1 and >= 2 sample clips"
            + " are required");
      }
    }
  }

  /**
   * What a run produced.
   *
   * @param manifest the manifest trained on
   * @param rationales the rationale store
   * @param modelDir the checkpoint (Hugging Face layout)
   * @param taught rationales written by this run (0 when the store already had them all)
   * @param examples training examples
   * @param curve the learning curve (train loss per optimizer step)
   * @param labels the loaded model's candidate labels
   * @param recognition the analysis of the chosen clip through the facade
   */
  public record Outcome(Path manifest, Path rationales, Path modelDir, int taught, int examples,
      List<LearningCurve.Point> curve, LabelSet labels, Recognition recognition) {
    /** Copies the curve. */
    public Outcome {
      curve = List.copyOf(curve);
    }
  }

  /**
   * Entry point.
   *
   * @param args {@code (--manifest FILE | --sample DATA_DIR [--clips N]) [--out DIR] [--epochs N]
   *     [--batch-size N] [--preset micro|compact|tiny|small | --init CHECKPOINT_DIR|default] [--clip WAV]}
   */
  public static void main(String[] args) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("FineTuneExample: " + e.getMessage());
      System.err.println("usage: FineTuneExample (--manifest FILE.jsonl | --sample DATA_DIR [--clips N])"
          + " [--out DIR] [--epochs N] [--batch-size N] [--preset micro|compact|tiny|small | --init DIR|default]"
          + " [--clip WAV]");
      return;
    }
    run(o, System.out);
  }

  /**
   * Parses the command line (defaults: {@code --out target/finetune --epochs 1 --batch-size 4
   * --preset micro --clips 12}).
   *
   * @throws IllegalArgumentException on an unknown option, a missing value or a bad number
   * @throws io.ser4j.core.ModelLoadException for {@code --init default} when the bundled model is missing
   */
  public static Options parse(String[] args) {
    Path manifest = null;
    Path sample = null;
    int clips = DEFAULT_SAMPLE_CLIPS;
    Path out = Path.of("target", "finetune");
    int epochs = DEFAULT_EPOCHS;
    int batch = DEFAULT_BATCH_SIZE;
    String preset = null;
    Path init = null;
    Path clip = null;
    for (int i = 0; i < args.length; i++) {
      String opt = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(opt + " needs a value");
      }
      String v = args[++i];
      switch (opt) {
        case "--manifest" -> manifest = Path.of(v);
        case "--sample" -> sample = Path.of(v);
        case "--clips" -> clips = number(opt, v);
        case "--out" -> out = Path.of(v);
        case "--epochs" -> epochs = number(opt, v);
        case "--batch-size" -> batch = number(opt, v);
        case "--preset" -> preset = v;
        case "--init" -> init = v.equals(BUNDLED) ? BundledSpeechLm.directory() : Path.of(v);
        case "--clip" -> clip = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + opt);
      }
    }
    if (preset == null && init == null) {
      preset = DEFAULT_PRESET;
    }
    if (preset != null && !ModelShapes.PRESETS.contains(preset.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("unknown --preset " + preset + "; known: " + ModelShapes.PRESETS);
    }
    return new Options(manifest, sample, clips, out, epochs, batch, preset, init, clip);
  }

  private static int number(String opt, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(opt + " needs a whole number, got " + v);
    }
  }

  /**
   * Teaches, trains, loads and analyses, printing progress and the result to {@code out}.
   *
   * @return what was produced
   * @throws ManifestException on a bad manifest or a corpus without labelled clips
   * @throws SerException on unreadable audio or a checkpoint that cannot be written or loaded
   *     ({@code io.ser4j.rationale.train.TrainingException} when a rerun on the same folder uses other
   *     settings or the loss is not finite)
   */
  public static Outcome run(Options o, PrintStream out) {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      // one libtorch thread: fastest on small shared machines, and what `ser train` uses by default
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    Path dir = o.out().toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new ManifestException(dir.toString(), "cannot create the output folder: " + e.getMessage(), e);
    }
    Path manifest = o.manifest() != null ? o.manifest() : writeSample(o.sampleDataDir(), o.sampleClips(), dir);
    Corpus corpus = Corpora.readManifest(manifest);
    out.printf(Locale.ROOT, "corpus %s: %d clips, labels %s%n", corpus.name(), corpus.size(), corpus.labelsSeen());

    // (1) rationales: the offline cue-grounded teacher, as `ser teach --teacher cue-grounded`
    Path store = dir.resolve("rationales.jsonl");
    int taught = teach(corpus, store, out);

    // (2) fine-tuning: transcript -> label -> rationale targets, as `ser train`
    List<StoredRationale> records;
    try (RationaleStore s = RationaleStore.open(store)) {
      records = s.records();
    }
    SftDataset data = SftDataset.build(List.of(corpus), records, CueGroundedTeacher.NAME, false);
    if (!data.withoutRationale().isEmpty()) {
      out.println("left out (no rationale): " + data.withoutRationale());
    }
    SftConfig cfg = SftConfig.builder().epochs(o.epochs()).batchSize(o.batchSize()).patience(0).seed(1).build();
    SpeechLmConfig arch = o.init() == null ? ModelShapes.preset(o.preset()) : null;
    Path modelDir = dir.resolve("model");
    out.printf(Locale.ROOT, "training %s on %d examples, %d epoch(s), batch %d -> %s%n",
        o.init() == null ? "a new " + o.preset() + " model" : o.init(), data.examples().size(), o.epochs(),
        o.batchSize(), modelDir);
    SftTrainer.Result res = new SftTrainer(new LossPrinter(out)).train(new SftTrainer.Request(
        cfg, data.examples(), List.of(), modelDir, o.init(), arch, dir.resolve(".ser4j-clip-cache"), true));
    out.printf(Locale.ROOT, "trained %d/%d steps in %.1f s%s%n", res.steps(), res.plannedSteps(), res.millis() / 1e3,
        res.resumedFromStep() > 0 ? " (continued the run in " + modelDir + " from step " + res.resumedFromStep() + ")"
            : "");

    // (3) the checkpoint through the facade, like any other model
    Path clip = o.clip() != null ? o.clip() : corpus.utterances().get(0).audio();
    try (Ser ser = Ser.builder().optModel(modelDir).build()) {
      Recognition r = ser.analyze(clip);
      out.printf(Locale.ROOT, "%s (model %s)%n", clip.getFileName(), ser.modelName());
      out.println("  transcript:    " + r.transcript());
      out.println("  label:         " + r.labelIfAny().map(Label::name).orElse("?"));
      out.print("  probabilities:");
      if (r.probabilities() != null) {
        new TreeMap<>(r.probabilities().asMap()).forEach(
            (l, p) -> out.printf(Locale.ROOT, " %s %.3f", l.name(), p));
      }
      out.println();
      out.println("  rationale:     " + r.rationale());
      return new Outcome(manifest, store, modelDir, taught, data.examples().size(), res.curve().points(),
          ser.labels(), r);
    }
  }

  /**
   * Writes a JSONL manifest of {@code n} EmoDB clips (labels taken in turn, so all seven appear) to
   * {@code dir/emodb-sample.jsonl}.
   */
  static Path writeSample(Path dataDir, int n, Path dir) {
    Corpus emodb = Corpora.readEmoDb(dataDir.resolve("emodb").resolve("manifest.csv"));
    Map<Label, List<Utterance>> byLabel = new TreeMap<>((a, b) -> a.name().compareTo(b.name()));
    for (Utterance u : emodb.utterances()) {
      byLabel.computeIfAbsent(u.majority(), k -> new ArrayList<>()).add(u);
    }
    List<Utterance> pick = new ArrayList<>();
    for (int round = 0; pick.size() < n && round < emodb.size(); round++) {
      for (List<Utterance> us : byLabel.values()) {
        if (round < us.size() && pick.size() < n) {
          pick.add(us.get(round));
        }
      }
    }
    Path jsonl = dir.resolve("emodb-sample.jsonl");
    Corpora.writeManifest(Corpus.of("emodb-sample", pick), jsonl);
    return jsonl;
  }

  /** Measures cues, builds norms and writes the rationales the store does not have yet. */
  private static int teach(Corpus corpus, Path storeFile, PrintStream out) {
    Teacher teacher = CueGroundedTeacher.create(TEACHER_SEED);
    CueExtractor extractor = CueExtractor.create();
    Map<String, Cues> cues = new HashMap<>();
    for (Utterance u : corpus.utterances()) {
      cues.put(u.id(), extractor.extract(AudioLoader.load(u.audio()), false));
    }
    CueNorms norms = CueNorms.build(corpus, cues, CueNorms.Scope.SPEAKER, CueNorms.DEFAULT_MIN_CLIPS_PER_SPEAKER);
    int taught = 0;
    try (RationaleStore store = RationaleStore.open(storeFile)) {
      for (Utterance u : corpus.utterances()) {
        if (u.majority() == null
            || store.contains(new RationaleKey(u.id(), teacher.info().name(), teacher.info().version()))) {
          continue;
        }
        store.append(teacher.teach(TeachingInput.of(u, cues.get(u.id()), norms)));
        taught++;
      }
      List<StoredRationale> all = store.records();
      out.printf(Locale.ROOT, "rationales: %d written, %d in %s%n", taught, all.size(), storeFile);
      if (!all.isEmpty()) {
        StoredRationale first = all.get(0);
        out.printf(Locale.ROOT, "  e.g. %s (%s): %s%n", first.key().utteranceId(), first.label(), first.text());
      }
    }
    return taught;
  }

  /** Prints the trainer's message (epoch, loss, learning rate, ETA) after every optimizer step. */
  private static final class LossPrinter implements ProgressListener {
    private final PrintStream out;

    LossPrinter(PrintStream out) {
      this.out = out;
    }

    @Override
    public void onProgress(long done, long total, String message) {
      if (message != null && !message.isEmpty()) {
        out.printf(Locale.ROOT, "  step %d/%d: %s%n", done, total, message);
      }
    }
  }
}
