package io.ser4j.cli;

import io.ser4j.core.ManifestException;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.model.speechlm.SpeechLmConfig;
import io.ser4j.rationale.RationaleStore;
import io.ser4j.rationale.StoredRationale;
import io.ser4j.rationale.train.Augmenter;
import io.ser4j.rationale.train.ModelShapes;
import io.ser4j.rationale.train.SftConfig;
import io.ser4j.rationale.train.SftDataset;
import io.ser4j.rationale.train.SftExample;
import io.ser4j.rationale.train.SftTrainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ser train}: rationale-supervised fine-tuning of a SpeechLM (transcript → label → rationale
 * targets from a rationale store written by {@code ser teach}), writing a Hugging Face–layout
 * checkpoint that {@code ser analyze --model DIR} loads. Resumable with {@code --resume} after a
 * crash or {@code kill -9} (see {@code docs/training.md}).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Fine-tune a SpeechLM on transcript, label and rationale targets; writes a checkpoint directory.",
    footer = {
      "",
      "Examples:",
      "  ser teach --manifest ../shared/data/emodb/manifest.csv --out emodb.jsonl",
      "  ser train --manifest ../shared/data/emodb/manifest.csv --rationales emodb.jsonl --config compact --out model",
      "  ser train ... --out model --resume          (continue after an interruption)",
      "  ser analyze --model model clip.wav"
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--debug", description = "Print stack traces for errors.")
  boolean debug;

  @Option(names = "--manifest", required = true, paramLabel = "FILE",
      description = "Corpus manifest (repeat for several corpora).")
  List<Path> manifests;

  @Option(names = "--rationales", paramLabel = "FILE",
      description = "Rationale store(s) written by 'ser teach' (required unless --label-only).")
  List<Path> rationales = new ArrayList<>();

  @Option(names = "--teacher", paramLabel = "NAME", description = "Use only this teacher's rationales.")
  String teacher;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output checkpoint directory.")
  Path out;

  @Option(names = "--label-only", description = "Targets without rationale (transcript + label): the ablation.")
  boolean labelOnly;

  @Option(names = "--init", paramLabel = "DIR", description = "Checkpoint to fine-tune (its tokenizer is kept).")
  Path init;

  @Option(names = "--config", paramLabel = "NAME|FILE",
      description = "Train a new model: preset micro|compact (ser4j), tiny|small (SpeechLmConfig) or a config.json (default: compact unless --init).")
  String config;

  @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training data.") int epochs;
  @Option(names = "--batch-size", defaultValue = "8", description = "Examples per micro-batch.") int batchSize;
  @Option(names = "--grad-accum", defaultValue = "1", description = "Micro-batches per optimizer step.") int gradAccum;
  @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate.") double lr;
  @Option(names = "--warmup", defaultValue = "0.05", description = "Warm-up share of the steps.") double warmup;
  @Option(names = "--min-lr-fraction", defaultValue = "0.05", description = "Cosine floor / peak.") double minLrFraction;
  @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW decoupled weight decay.") double weightDecay;
  @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm threshold.") double clip;
  @Option(names = "--label-weight", defaultValue = "3.0", description = "Loss weight of the label tokens.") double labelWeight;
  @Option(names = "--corpus-labels-share", defaultValue = "0.5",
      description = "Share of prompts listing the corpus's labels instead of all nine.") double corpusLabelsShare;
  @Option(names = "--no-augment", description = "No audio augmentation.") boolean noAugment;
  @Option(names = "--seed", defaultValue = "1", description = "Seed of init, data order and augmentation.") long seed;
  @Option(names = "--checkpoint-every", defaultValue = "50", paramLabel = "STEPS") int checkpointEvery;
  @Option(names = "--eval-every", defaultValue = "0", paramLabel = "STEPS",
      description = "Dev evaluation interval (0: each epoch).") int evalEvery;
  @Option(names = "--patience", defaultValue = "3", description = "Early-stopping patience (0: off).") int patience;
  @Option(names = "--dev-speakers", paramLabel = "corpus/speaker,...",
      description = "Speakers held out as the dev fold for early stopping, e.g. emodb/03,ravdess/01 (default: none).")
  String devSpeakers;
  @Option(names = "--exclude-speakers", paramLabel = "corpus/speaker,...",
      description = "Speakers left out of training altogether (test folds).")
  String excludeSpeakers;
  @Option(names = "--scope", defaultValue = "full", description = "full | frozen-encoder | decoder | lora.") String scope;
  @Option(names = "--lora-rank", defaultValue = "8", description = "LoRA rank (--scope lora).") int loraRank;
  @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA alpha (--scope lora).") double loraAlpha;
  @Option(names = "--cue-prefix", defaultValue = "0", paramLabel = "K",
      description = "Condition the decoder on the clip's baseline acoustic feature vector (cue functionals,"
          + " MFCC and log-mel statistics; standardised on the training clips) as K extra input rows after"
          + " the audio frames. Applies to a new model (--config); an --init model keeps its own cue prefix"
          + " (a K > 0 must then match it). 0: none.")
  int cuePrefix;
  @Option(names = "--mixed-precision", description = "float16 autocast on GPU (not available on the CPU engine).")
  boolean mixedPrecision;
  @Option(names = "--threads", defaultValue = "1", description = "libtorch threads (resume with the same count).")
  int threads;
  @Option(names = "--cache", paramLabel = "DIR", description = "Clip cache (default: DIR/../.ser4j-clip-cache).")
  Path cache;
  @Option(names = "--resume", description = "Continue from the latest checkpoint in --out.") boolean resume;
  @Option(names = "--quiet", description = "No progress output.") boolean quiet;
  @Option(names = "--max-examples", hidden = true, defaultValue = "0",
      description = "Use only the first N training examples (tests).") int maxExamples;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    if (init != null && config != null) {
      throw new ParameterException(spec.commandLine(), "give --init or --config, not both");
    }
    if (!labelOnly && rationales.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--rationales is required unless --label-only");
    }
    SpeechLmConfig arch = null;
    if (init == null) {
      String c = config == null ? "compact" : config;
      if (ModelShapes.PRESETS.contains(c.toLowerCase(Locale.ROOT))) {
        arch = ModelShapes.preset(c);
      } else {
        Path p = Path.of(c);
        arch = SpeechLmConfig.load(Files.isDirectory(p) ? p : p.getParent() == null ? Path.of(".") : p.getParent());
      }
    }
    SftConfig cfg;
    try {
      cfg = SftConfig.builder().epochs(epochs).batchSize(batchSize).gradientAccumulation(gradAccum)
          .learningRate(lr).warmupFraction(warmup).minLearningRateFraction(minLrFraction).weightDecay(weightDecay)
          .maxGradNorm(clip).labelWeight(labelWeight).labelOnly(labelOnly).corpusLabelsShare(corpusLabelsShare)
          .augmenter(noAugment ? Augmenter.NONE : Augmenter.DEFAULT).seed(seed).checkpointEvery(checkpointEvery)
          .evalEvery(evalEvery).patience(patience).scope(scope).lora(loraRank, loraAlpha)
          .mixedPrecision(mixedPrecision).threads(threads).cuePrefixTokens(cuePrefix).build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    List<Corpus> corpora = new ArrayList<>();
    for (Path m : manifests) {
      corpora.add(TrainBaselineCommand.loadLabelled(m));
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
    SftDataset data = SftDataset.build(corpora, records, teacher, labelOnly);
    if (!data.withoutRationale().isEmpty()) {
      err.println("ser: train: " + data.withoutRationale().size()
          + " labelled utterance(s) have no rationale in the store(s) and are left out, e.g. "
          + data.withoutRationale().get(0));
    }
    Set<String> dev = speakers(devSpeakers);
    Set<String> excluded = speakers(excludeSpeakers);
    List<SftExample> train = new ArrayList<>();
    List<SftExample> devSet = new ArrayList<>();
    Set<String> known = new LinkedHashSet<>();
    for (SftExample e : data.examples()) {
      known.add(e.speaker());
      if (excluded.contains(e.speaker())) {
        continue;
      }
      (dev.contains(e.speaker()) ? devSet : train).add(e);
    }
    for (String s : union(dev, excluded)) {
      if (!known.contains(s)) {
        throw new ParameterException(spec.commandLine(), "unknown speaker " + s + "; speakers look like "
            + known.stream().limit(3).toList());
      }
    }
    if (maxExamples > 0 && train.size() > maxExamples) {
      train = new ArrayList<>(train.subList(0, maxExamples));
    }
    Path cacheDir = cache != null ? cache
        : out.toAbsolutePath().normalize().getParent().resolve(".ser4j-clip-cache");
    SftTrainer.Request req = new SftTrainer.Request(cfg, train, devSet, out, init, arch, cacheDir, resume);
    SftTrainer.Result res = new SftTrainer(CliProgress.forTraining(err, quiet)).train(req);
    stdout.printf(Locale.ROOT, "trained %d/%d steps%s (%d train, %d dev examples%s) in %.1f s -> %s%n",
        res.steps(), res.plannedSteps(), res.stoppedEarly() ? ", stopped early" : "",
        train.size(), devSet.size(),
        Double.isNaN(res.bestDevLoss()) ? "" : String.format(Locale.ROOT, ", best dev loss %.4f at step %d",
            res.bestDevLoss(), res.bestStep()),
        res.millis() / 1000.0, out);
    stdout.flush();
    return SerCli.EXIT_OK;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new LinkedHashSet<>(a);
    u.addAll(b);
    return u;
  }

  private static Set<String> speakers(String list) {
    Set<String> s = new LinkedHashSet<>();
    if (list != null) {
      Arrays.stream(list.split(",")).map(String::trim).filter(x -> !x.isEmpty())
          // corpus names are lower case in speaker keys; the speaker part is kept as written
          .map(x -> x.indexOf('/') > 0 ? x.substring(0, x.indexOf('/')).toLowerCase(Locale.ROOT) + x.substring(x.indexOf('/')) : x)
          .forEach(s::add);
    }
    return s;
  }
}
