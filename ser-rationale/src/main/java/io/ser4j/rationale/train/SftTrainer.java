package io.ser4j.rationale.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.audio.LogMelSpectrogram;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.ProgressListener;
import io.ser4j.core.SerException;
import io.ser4j.model.speechlm.LoraAdapters;
import io.ser4j.model.speechlm.LoraConfig;
import io.ser4j.model.speechlm.SpeechLm;
import io.ser4j.model.speechlm.SpeechLmConfig;
import io.ser4j.model.speechlm.SpeechLmRecognizer;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.model.speechlm.SpeechTokenizer;
import io.ser4j.model.speechlm.TrainingBatch;
import io.ser4j.model.speechlm.TrainingLoss;
import io.ser4j.model.speechlm.TrainingScope;
import io.ser4j.model.safetensors.SafeTensorsFile;
import io.ser4j.model.safetensors.SafeTensorsWriter;
import io.ser4j.model.safetensors.TensorData;
import io.ser4j.model.train.AdamW;
import io.ser4j.model.train.GradientClipping;
import io.ser4j.model.train.ParameterGroups;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Rationale-supervised fine-tuning of a {@link SpeechLm}: teacher-forced masked cross-entropy on the
 * answer tokens ({@link SftFormat}), AdamW with a decay and a no-decay parameter group ({@link
 * AdamW}, its state saved with the checkpoints), linear warm-up + cosine schedule ({@link LearningRateSchedule}), global-norm
 * clipping, gradient accumulation, seeded audio augmentation ({@link Augmenter}), early stopping on a
 * dev fold, full fine-tuning of a chosen scope or LoRA, and resumable checkpoints.
 *
 * <h2>Determinism and resuming</h2>
 *
 * <p>Nothing random is kept in a generator that runs across steps: the order of epoch {@code e} is
 * a shuffle seeded by {@code (seed, e)}, and each example's augmentation and prompt variant come
 * from a {@link SplittableRandom} seeded by {@code (seed, e, example index)}. A checkpoint therefore
 * holds the complete state: the weights ({@link SpeechLm#save}, Hugging Face layout), the optimizer
 * moments and step count, and {@code state.json} (epoch, step within the epoch = data-order
 * position, global step, early-stopping state, the seed from which every RNG state derives) plus the
 * learning curve so far. Checkpoints are written every {@link SftConfig#checkpointEvery()} optimizer
 * steps into {@code <out>/.train/ckpt-<step>.tmp}, forced to disk, renamed to {@code ckpt-<step>},
 * and only then named in {@code <out>/.train/latest} (written to a temporary file and moved
 * atomically); older checkpoints are deleted afterwards. A process killed at any moment (even
 * {@code kill -9}) leaves {@code latest} naming a complete checkpoint, and {@code resume} continues
 * from it to the same final weights, bit for bit on the same machine with the same libtorch thread
 * count, as a run that was never interrupted.
 *
 * <h2>Cue prefix</h2>
 *
 * <p>With {@link SftConfig#cuePrefixTokens()} {@code K > 0} a model initialised from a preset gets a
 * cue prefix ({@link SpeechLmConfig#withCuePrefix}) of {@link BaselineFeatures#dimension()} features;
 * an {@code initDir} model must already have one (of {@code K} rows). Whenever the model has a cue
 * prefix, every example's {@link BaselineFeatures} vector is computed once from its clean 16 kHz
 * audio ({@link ClipCache#cueFeatures}) and fed with the clip (augmentation alters the audio only).
 * A model from a preset gets its standardisation ({@link SpeechLm#setCueStandardisation}) fitted on
 * the training clips before step 1: per feature the mean and standard deviation of its finite
 * values (standard deviation floored at {@link #CUE_SCALE_FLOOR}; a feature never finite gets mean
 * 0, scale 1); a loaded model keeps its own. The standardisation is part of the weights, so
 * checkpoints and resuming carry it.
 *
 * <p>Not thread-safe: one training run per instance at a time. The model runs on the CPU engine;
 * {@link SftConfig#mixedPrecision()} is refused there (GPU autocast is not implemented).
 */
public final class SftTrainer {
  /** The hidden directory under the output directory that holds the resumable state. */
  public static final String STATE_DIR = ".train";
  /** The file in {@link #STATE_DIR} naming the latest complete checkpoint. */
  public static final String LATEST = "latest";
  /** The run description (config, data fingerprint, model source) in {@link #STATE_DIR}. */
  public static final String RUN_FILE = "run.json";
  /** The optimizer state file of a checkpoint. */
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";
  /** The trainer state file of a checkpoint. */
  public static final String STATE_FILE = "state.json";
  /** Longest answer the default generation config allows per phase, in tokens. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 96;
  /** Smallest cue standardisation scale (a constant feature's standard deviation is raised to it). */
  public static final double CUE_SCALE_FLOOR = 1e-6;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What to train.
   *
   * @param config hyper-parameters
   * @param train training examples (non-empty)
   * @param dev dev examples for early stopping (may be empty: no early stopping, the last weights
   *     are kept)
   * @param outDir output directory: the final checkpoint in Hugging Face layout, the learning curve,
   *     and {@code .train/} with the resumable state
   * @param initDir a checkpoint to fine-tune, or {@code null} to start from {@code architecture}
   * @param architecture the config of a new, randomly initialised model (its vocabulary size and
   *     audio token are replaced by those of a tokenizer written for the data), or {@code null} with
   *     {@code initDir}
   * @param cacheDir where decoded 16 kHz clips are cached, or {@code null} for memory only
   * @param resume continue from the latest checkpoint in {@code outDir} (a fresh start if there is
   *     none yet)
   */
  public record Request(
      SftConfig config,
      List<SftExample> train,
      List<SftExample> dev,
      Path outDir,
      Path initDir,
      SpeechLmConfig architecture,
      Path cacheDir,
      boolean resume) {
    /** Validates. */
    public Request {
      if (config == null || train == null || dev == null || outDir == null) {
        throw new IllegalArgumentException("config, train, dev and outDir are required");
      }
      if ((initDir == null) == (architecture == null)) {
        throw new IllegalArgumentException("exactly one of initDir and architecture is required");
      }
      train = List.copyOf(train);
      dev = List.copyOf(dev);
    }
  }

  /**
   * How a run ended.
   *
   * @param modelDir the final checkpoint directory ({@code outDir})
   * @param steps optimizer steps taken (all runs of a resumed training together)
   * @param plannedSteps optimizer steps of the full schedule
   * @param stoppedEarly true when the dev loss stopped improving for {@code patience} evaluations
   * @param bestDevLoss the best dev loss (NaN without a dev fold)
   * @param bestStep the step of the kept weights
   * @param resumedFromStep the step this process started from (0 for a fresh run)
   * @param millis wall time of this process's training, in milliseconds
   * @param curve the learning curve of all steps
   */
  public record Result(Path modelDir, int steps, int plannedSteps, boolean stoppedEarly, double bestDevLoss,
      int bestStep, int resumedFromStep, long millis, LearningCurve curve) {}

  private final ProgressListener listener;

  /** A trainer reporting to {@code listener} ({@link ProgressListener#NONE} for silence). */
  public SftTrainer(ProgressListener listener) {
    this.listener = listener == null ? ProgressListener.NONE : listener;
  }

  /** Mutable loop state, saved in state.json. */
  private static final class State {
    int epoch;
    int stepInEpoch;
    int globalStep;
    double bestDevLoss = Double.NaN;
    int bestStep;
    int badEvals;
    boolean stopped;
  }

  /**
   * Trains.
   *
   * @return the result
   * @throws TrainingException on a resume that does not match, a non-finite loss or gradient, or
   *     mixed precision on the CPU
   * @throws ModelLoadException when a checkpoint cannot be read or written
   * @throws SerException when a clip cannot be read
   */
  public Result train(Request req) {
    SftConfig cfg = req.config();
    if (cfg.mixedPrecision()) {
      throw new TrainingException("--mixed-precision",
          "needs a GPU engine; ser4j's trainer runs on the CPU PyTorch engine here, where it is not implemented");
    }
    if (req.train().isEmpty()) {
      throw new TrainingException("training data", "no training examples");
    }
    long t0 = System.nanoTime();
    Path state = req.outDir().resolve(STATE_DIR);
    try {
      Files.createDirectories(state);
      cleanTemporary(state);
    } catch (IOException e) {
      throw new TrainingException(state.toString(), "cannot create: " + e.getMessage(), e);
    }
    Path latest = latestCheckpoint(state);
    String fingerprint = fingerprint(req);
    Path runFile = state.resolve(RUN_FILE);
    if (latest != null && !req.resume()) {
      throw new TrainingException(req.outDir().toString(),
          "holds checkpoints of an earlier run; pass --resume to continue it or choose another --out");
    }
    if (Files.isRegularFile(runFile) && req.resume()) {
      checkSameRun(runFile, cfg, fingerprint);
    } else {
      writeRunFile(runFile, req, fingerprint);
    }

    SpeechLm model = null;
    LoraAdapters lora = null;
    try (NDManager root = NDManager.newBaseManager(Device.cpu())) {
      Path tokenizerDir;
      if (latest != null) {
        // load from a stable copy: the model copies its tokenizer from the directory it was loaded
        // from whenever it is saved, and checkpoint directories are deleted as training moves on
        Path base = state.resolve("resumed-from");
        deleteTree(base);
        copyCheckpoint(latest, base);
        model = SpeechLm.loadTrainable(base, Device.cpu());
        tokenizerDir = base;
      } else if (req.initDir() != null) {
        model = SpeechLm.loadTrainable(req.initDir(), Device.cpu());
        tokenizerDir = req.initDir();
        int k = model.cueTokens();
        if (cfg.cuePrefixTokens() > 0 && k != cfg.cuePrefixTokens()) {
          throw new TrainingException(req.initDir().toString(), k == 0
              ? "--cue-prefix " + cfg.cuePrefixTokens() + " needs a model with a cue prefix; this checkpoint has none"
                  + " (start from a preset with --config to add one)"
              : "has a cue prefix of " + k + " rows, not --cue-prefix " + cfg.cuePrefixTokens());
        }
      } else {
        tokenizerDir = state.resolve("tokenizer");
        List<SftExample> all = new ArrayList<>(req.train());
        all.addAll(req.dev());
        int tokens = WordTokenizerWriter.write(tokenizerDir, SftFormat.texts(all));
        try (SpeechTokenizer tok = SpeechTokenizer.load(tokenizerDir)) {
          SpeechLmConfig arch = ModelShapes.withVocabulary(req.architecture(),
              WordTokenizerWriter.paddedSize(tokens), tok.specialId(SpeechTokenizer.AUDIO));
          if (cfg.cuePrefixTokens() > 0 && !arch.hasCuePrefix()) {
            arch = arch.withCuePrefix(BaselineFeatures.dimension(), cfg.cuePrefixTokens(), BaselineFeatures.FEATURE_SET);
          }
          model = SpeechLm.initialise(arch, tok, cfg.seed(), Device.cpu());
        }
      }
      SpeechLmRecognizer.checkCueFeatureSet(model.config(), tokenizerDir.toString());
      ClipCache clips = new ClipCache(req.cacheDir());
      Map<String, double[]> cueFeatures = model.config().hasCuePrefix() ? cueFeatures(req, clips) : Map.of();
      if (model.config().hasCuePrefix() && latest == null && req.initDir() == null) {
        float[][] ms = fitCueStandardisation(req.train(), cueFeatures, BaselineFeatures.dimension());
        model.setCueStandardisation(ms[0], ms[1]); // before step 1; checkpoints carry it from here on
      }
      boolean useLora = cfg.scope().equals("lora");
      Map<String, NDArray> trainable = new LinkedHashMap<>();
      if (useLora) {
        model.setTrainable(TrainingScope.NONE);
        LoraConfig lc = LoraConfig.of(cfg.loraRank(), cfg.loraAlpha(), 0.0,
            List.copyOf(LoraConfig.SUPPORTED_TARGETS.keySet()).stream().sorted().toList());
        lora = latest != null && Files.isRegularFile(latest.resolve(LoraAdapters.WEIGHTS_FILE))
            ? LoraAdapters.load(model, latest) : LoraAdapters.create(model, lc, cfg.seed());
        model.setAdapters(lora);
        trainable.putAll(lora.parameters());
      } else {
        TrainingScope scope = switch (cfg.scope()) {
          case "frozen-encoder" -> TrainingScope.FROZEN_ENCODER;
          case "decoder" -> TrainingScope.DECODER;
          default -> TrainingScope.FULL;
        };
        model.setTrainable(scope);
        trainable.putAll(model.trainableParameters());
      }
      ParameterGroups groups = ParameterGroups.split(trainable, false);
      try (SpeechTokenizer tok = SpeechTokenizer.load(tokenizerDir);
          AdamW opt = new AdamW(root, cfg.learningRate(), cfg.beta1(), cfg.beta2(),
              cfg.adamEps(), cfg.weightDecay())) {
        State st = new State();
        LearningCurve curve = new LearningCurve();
        if (latest != null) {
          loadOptimizer(opt, groups, latest.resolve(OPTIMIZER_FILE));
          readState(latest, st, curve);
        }
        int resumedFrom = st.globalStep;
        Loop loop = new Loop(req, model, lora, tok, groups, opt, root, state, clips, cueFeatures);
        loop.run(st, curve);
        // final weights: the best dev checkpoint, else the last
        Path out = req.outDir();
        Path best = state.resolve("best");
        if (!req.dev().isEmpty() && Files.isRegularFile(best.resolve("model.safetensors"))) {
          copyCheckpoint(best, out);
        } else {
          Path last = state.resolve("final");
          saveModel(model, lora, last); // not into out itself: save replaces the directory, .train included
          copyCheckpoint(last, out);
        }
        writeGenerationConfig(out, tok);
        try {
          curve.write(out);
          ObjectNode summary = JSON.createObjectNode();
          summary.put("steps", st.globalStep);
          summary.put("planned_steps", loop.totalSteps);
          summary.put("stopped_early", st.stopped);
          summary.put("best_dev_loss", Double.isNaN(st.bestDevLoss) ? null : st.bestDevLoss);
          summary.put("kept_step", bestOrLast(req, st));
          summary.put("train_seconds", (System.nanoTime() - t0) / 1e9); // this process only (a resumed run: since the resume)
          summary.put("train_examples", req.train().size());
          summary.put("dev_examples", req.dev().size());
          summary.put("label_only", cfg.labelOnly());
          summary.set("config", JSON.readTree(cfg.toJson()));
          Files.writeString(out.resolve("training.json"), summary.toPrettyString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new TrainingException(out.toString(), "cannot write the learning curve: " + e.getMessage(), e);
        }
        return new Result(out, st.globalStep, loop.totalSteps, st.stopped, st.bestDevLoss, bestOrLast(req, st),
            resumedFrom, (System.nanoTime() - t0) / 1_000_000, curve);
      }
    } finally {
      if (lora != null) {
        lora.close();
      }
      if (model != null) {
        model.close();
      }
    }
  }

  /**
   * Every train and dev example's cue feature vector by {@link SftExample#key()}, from the clean
   * audio (cached by {@code clips}).
   */
  private Map<String, double[]> cueFeatures(Request req, ClipCache clips) {
    List<SftExample> all = new ArrayList<>(req.train());
    all.addAll(req.dev());
    BaselineFeatures features = BaselineFeatures.create();
    Map<String, double[]> out = new java.util.HashMap<>();
    listener.onStart("cue features", all.size());
    try {
      int done = 0;
      for (SftExample e : all) {
        out.put(e.key(), clips.cueFeatures(e, features));
        done++;
        if (done % 100 == 0 || done == all.size()) {
          listener.onProgress(done, all.size(), "clips");
        }
      }
    } finally {
      listener.onFinish();
    }
    return out;
  }

  /**
   * The cue standardisation fitted on the training examples: per feature the mean and the
   * (population) standard deviation of its finite values, the latter floored at {@link
   * #CUE_SCALE_FLOOR}; a feature with no finite value gets mean 0 and scale 1.
   *
   * @param train the training examples
   * @param features their vectors by key
   * @param dim the vector length
   * @return {@code {mean, scale}}
   */
  static float[][] fitCueStandardisation(List<SftExample> train, Map<String, double[]> features, int dim) {
    double[] sum = new double[dim];
    double[] sq = new double[dim];
    int[] n = new int[dim];
    for (SftExample e : train) {
      double[] x = features.get(e.key());
      for (int i = 0; i < dim; i++) {
        if (Double.isFinite(x[i])) {
          sum[i] += x[i];
          n[i]++;
        }
      }
    }
    float[] mean = new float[dim];
    float[] scale = new float[dim];
    double[] mu = new double[dim];
    for (int i = 0; i < dim; i++) {
      mu[i] = n[i] == 0 ? 0 : sum[i] / n[i];
    }
    for (SftExample e : train) {
      double[] x = features.get(e.key());
      for (int i = 0; i < dim; i++) {
        if (Double.isFinite(x[i])) {
          double d = x[i] - mu[i];
          sq[i] += d * d;
        }
      }
    }
    for (int i = 0; i < dim; i++) {
      mean[i] = (float) mu[i];
      scale[i] = n[i] == 0 ? 1f : (float) Math.max(CUE_SCALE_FLOOR, Math.sqrt(sq[i] / n[i]));
    }
    return new float[][] {mean, scale};
  }

  private static int bestOrLast(Request req, State st) {
    return !req.dev().isEmpty() && st.bestStep > 0 ? st.bestStep : st.globalStep;
  }

  /** The training loop over one model. */
  private final class Loop {
    final Request req;
    final SftConfig cfg;
    final SpeechLm model;
    final LoraAdapters lora;
    final SftFormat format;
    final ParameterGroups groups;
    final AdamW opt;
    final NDManager root;
    final Path stateDir;
    final ClipCache clips;
    final Map<String, double[]> cueFeatures;
    final LogMelSpectrogram mel;
    final int microPerEpoch;
    final int stepsPerEpoch;
    final int totalSteps;
    final LearningRateSchedule schedule;

    Loop(Request req, SpeechLm model, LoraAdapters lora, SpeechTokenizer tok, ParameterGroups groups,
        AdamW opt, NDManager root, Path stateDir, ClipCache clips, Map<String, double[]> cueFeatures) {
      this.req = req;
      this.cfg = req.config();
      this.model = model;
      this.lora = lora;
      this.format = new SftFormat(tok, cfg.labelWeight());
      this.groups = groups;
      this.opt = opt;
      this.root = root;
      this.stateDir = stateDir;
      this.clips = clips;
      this.cueFeatures = cueFeatures;
      this.mel = LogMelSpectrogram.whisper(model.config().audioConfig().numMelBins());
      int n = req.train().size();
      this.microPerEpoch = (n + cfg.batchSize() - 1) / cfg.batchSize();
      this.stepsPerEpoch = (microPerEpoch + cfg.gradientAccumulation() - 1) / cfg.gradientAccumulation();
      this.totalSteps = stepsPerEpoch * cfg.epochs();
      int warmup = (int) Math.round(cfg.warmupFraction() * totalSteps);
      this.schedule = new LearningRateSchedule(cfg.learningRate(), warmup, totalSteps, cfg.minLearningRateFraction());
    }

    void run(State st, LearningCurve curve) {
      listener.onStart("train", totalSteps);
      listener.onProgress(st.globalStep, totalSteps, "");
      long started = System.nanoTime();
      int startStep = st.globalStep;
      try {
        while (st.epoch < cfg.epochs() && !st.stopped) {
          int[] order = order(st.epoch);
          while (st.stepInEpoch < stepsPerEpoch && !st.stopped) {
            int firstMicro = st.stepInEpoch * cfg.gradientAccumulation();
            int micros = Math.min(cfg.gradientAccumulation(), microPerEpoch - firstMicro);
            double lossSum = 0;
            for (int m = 0; m < micros; m++) {
              lossSum += backward(order, firstMicro + m, st.epoch);
            }
            double trainLoss = lossSum / micros;
            double lr = schedule.at(st.globalStep + 1);
            double norm;
            try (NDManager step = root.newSubManager()) {
              List<NDArray> grads = new ArrayList<>();
              for (NDArray p : groups.all()) {
                NDArray g = p.getGradient();
                g.attach(step);
                if (micros > 1) {
                  g.muli(1f / micros);
                }
                grads.add(g);
              }
              try {
                norm = GradientClipping.clipByGlobalNorm(grads, cfg.maxGradNorm());
              } catch (SerException e) {
                throw new TrainingException("step " + (st.globalStep + 1), "gradient " + e.problem());
              }
            }
            opt.setLearningRate(lr);
            opt.step(groups);
            AdamW.zeroGradients(groups.all());
            st.globalStep++;
            st.stepInEpoch++;
            boolean endOfEpoch = st.stepInEpoch == stepsPerEpoch;
            double dev = Double.NaN;
            boolean evalNow = !req.dev().isEmpty() && (cfg.evalEvery() > 0
                ? st.globalStep % cfg.evalEvery() == 0 || (endOfEpoch && st.epoch == cfg.epochs() - 1)
                : endOfEpoch);
            if (evalNow) {
              dev = devLoss();
              if (Double.isNaN(st.bestDevLoss) || dev < st.bestDevLoss) {
                st.bestDevLoss = dev;
                st.bestStep = st.globalStep;
                st.badEvals = 0;
                saveBest();
              } else {
                st.badEvals++;
                if (cfg.patience() > 0 && st.badEvals >= cfg.patience()) {
                  st.stopped = true;
                }
              }
            }
            curve.add(new LearningCurve.Point(st.globalStep, st.epoch, lr, trainLoss, norm, dev));
            if (endOfEpoch) {
              st.epoch++;
              st.stepInEpoch = 0;
            }
            boolean last = st.stopped || st.epoch >= cfg.epochs();
            if (st.globalStep % cfg.checkpointEvery() == 0 || last) {
              checkpoint(st, curve);
            }
            double perStep = (System.nanoTime() - started) / 1e9 / Math.max(1, st.globalStep - startStep);
            long eta = Math.round(perStep * (totalSteps - st.globalStep));
            listener.onProgress(st.globalStep, totalSteps, String.format(Locale.ROOT,
                "epoch %d loss %.3f%s lr %.2e eta %d:%02d", Math.min(st.epoch + (endOfEpoch ? 0 : 1), cfg.epochs()),
                trainLoss, Double.isNaN(dev) ? "" : String.format(Locale.ROOT, " dev %.3f", dev), lr,
                eta / 60, eta % 60));
            if (endOfEpoch) {
              break; // next epoch, next order
            }
          }
        }
      } finally {
        listener.onFinish();
      }
    }

    /** The example order of an epoch: a Fisher–Yates shuffle seeded by (seed, epoch). */
    int[] order(int epoch) {
      int n = req.train().size();
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      SplittableRandom r = new SplittableRandom(mix(cfg.seed(), epoch, -1));
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
      return idx;
    }

    /** Forward + backward of one micro-batch; returns its loss. */
    double backward(int[] order, int micro, int epoch) {
      int from = micro * cfg.batchSize();
      int to = Math.min(order.length, from + cfg.batchSize());
      List<TrainingBatch.Item> items = new ArrayList<>();
      for (int k = from; k < to; k++) {
        int i = order[k];
        items.add(item(req.train().get(i), new SplittableRandom(mix(cfg.seed(), epoch, i)), true));
      }
      TrainingBatch batch = new TrainingBatch(items);
      try (NDManager step = root.newSubManager();
          GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        TrainingLoss loss = model.trainingLoss(step, batch, true, false);
        float value = loss.loss().getFloat();
        if (!Float.isFinite(value)) {
          throw new TrainingException("epoch " + epoch + " micro-batch " + micro, "the loss is " + value);
        }
        gc.backward(loss.loss());
        return value;
      }
    }

    TrainingBatch.Item item(SftExample e, SplittableRandom rng, boolean augment) {
      LabelSet candidates = rng.nextDouble() < cfg.corpusLabelsShare() ? e.corpusLabels() : LabelSet.UNIFIED;
      if (!candidates.contains(e.label())) {
        candidates = LabelSet.UNIFIED;
      }
      float[] x = clips.samples(e);
      boolean aug = augment && cfg.augmenter().draw(rng);
      if (aug) {
        x = cfg.augmenter().waveform(x, rng);
      }
      float[][] m = mel.compute(x);
      if (aug) {
        cfg.augmenter().masks(m, rng);
      }
      SftFormat.Encoded enc = format.encode(e, candidates, cfg.labelOnly());
      return new TrainingBatch.Item(m, enc.ids(), enc.weights(), cueFeatures.get(e.key())); // null: no cue prefix
    }

    /** Mean dev loss (no augmentation, prompt variant seeded per example, no gradient). */
    double devLoss() {
      double sum = 0;
      double weight = 0;
      List<SftExample> dev = req.dev();
      for (int from = 0; from < dev.size(); from += cfg.batchSize()) {
        List<TrainingBatch.Item> items = new ArrayList<>();
        for (int i = from; i < Math.min(dev.size(), from + cfg.batchSize()); i++) {
          items.add(item(dev.get(i), new SplittableRandom(mix(cfg.seed(), -1, i)), false));
        }
        try (NDManager step = root.newSubManager()) {
          TrainingLoss l = model.trainingLoss(step, new TrainingBatch(items), false, false);
          sum += l.loss().getFloat() * l.weightSum();
          weight += l.weightSum();
        }
      }
      return sum / weight;
    }

    void saveBest() {
      saveModel(model, lora, stateDir.resolve("best")); // SpeechLm.save replaces the directory atomically
    }

    void checkpoint(State st, LearningCurve curve) {
      Path dir = stateDir.resolve(String.format(Locale.ROOT, "ckpt-%08d", st.globalStep));
      Path tmp = stateDir.resolve(dir.getFileName() + ".tmp");
      deleteTree(tmp);
      // the base weights unmerged (resuming loads them and then the adapters); replaces tmp, so
      // the other files go in after it
      model.save(tmp);
      if (lora != null) {
        lora.save(tmp);
      }
      saveOptimizer(opt, groups, tmp.resolve(OPTIMIZER_FILE));
      ObjectNode s = JSON.createObjectNode();
      s.put("epoch", st.epoch);
      s.put("step_in_epoch", st.stepInEpoch);
      s.put("global_step", st.globalStep);
      s.put("optimizer_steps", opt.stepCount());
      s.put("best_dev_loss", Double.isNaN(st.bestDevLoss) ? null : st.bestDevLoss);
      s.put("best_step", st.bestStep);
      s.put("bad_evals", st.badEvals);
      s.put("stopped", st.stopped);
      s.put("seed", cfg.seed());
      s.put("rng", "every RNG is derived from (seed, epoch, example index); no generator state carries over");
      try {
        Files.writeString(tmp.resolve(STATE_FILE), s.toPrettyString(), StandardCharsets.UTF_8);
        Files.writeString(tmp.resolve("learning_curve.csv"), curve.toCsv(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ModelLoadException(tmp.toString(), "cannot write the trainer state: " + e.getMessage(), e);
      }
      forceTree(tmp);
      deleteTree(dir);
      move(tmp, dir);
      Path pointer = stateDir.resolve(LATEST);
      Path ptmp = stateDir.resolve(LATEST + ".tmp");
      try {
        Files.writeString(ptmp, dir.getFileName().toString(), StandardCharsets.UTF_8);
        force(ptmp);
        move(ptmp, pointer);
        forceDir(stateDir);
      } catch (IOException e) {
        throw new ModelLoadException(pointer.toString(), "cannot write: " + e.getMessage(), e);
      }
      // older checkpoints are no longer needed
      try (Stream<Path> s2 = Files.list(stateDir)) {
        for (Path p : s2.filter(p -> p.getFileName().toString().startsWith("ckpt-") && !p.equals(dir)).toList()) {
          deleteTree(p);
        }
      } catch (IOException e) {
        // leftovers only cost disk space
      }
    }
  }

  /**
   * Saves the model with {@link SpeechLm#save} (which replaces {@code dir}); LoRA adapters are merged
   * into the weights for the save and unmerged afterwards.
   */
  private static void saveModel(SpeechLm model, LoraAdapters lora, Path dir) {
    if (lora != null) {
      lora.merge();
      try {
        model.save(dir);
      } finally {
        lora.unmerge();
      }
    } else {
      model.save(dir);
    }
  }

  /**
   * Writes the optimizer's {@link AdamW#state} as F32 safetensors: {@code <name>.exp_avg} and {@code
   * <name>.exp_avg_sq} per parameter, the step count and learning rate in the metadata.
   */
  static void saveOptimizer(AdamW opt, ParameterGroups groups, Path file) {
    AdamW.State st = opt.state(groups);
    Map<String, NDArray> params = new LinkedHashMap<>(groups.decay());
    params.putAll(groups.noDecay());
    Map<String, TensorData> t = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : st.firstMoments().entrySet()) {
      long[] shape = params.get(e.getKey()).getShape().getShape();
      t.put(e.getKey() + ".exp_avg", TensorData.f32(shape, e.getValue()));
      t.put(e.getKey() + ".exp_avg_sq", TensorData.f32(shape, st.secondMoments().get(e.getKey())));
    }
    try {
      SafeTensorsWriter.write(file, t, Map.of("step", Integer.toString(st.steps()),
          "learning_rate", Double.toString(st.learningRate())));
    } catch (IOException e) {
      throw new ModelLoadException(file.toString(), "cannot write the optimizer state: " + e.getMessage(), e);
    }
  }

  /** Restores a state written by {@link #saveOptimizer} into {@code opt} (bit for bit). */
  static void loadOptimizer(AdamW opt, ParameterGroups groups, Path file) {
    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
      Map<String, float[]> m = new LinkedHashMap<>();
      Map<String, float[]> v = new LinkedHashMap<>();
      for (String name : f.names()) {
        if (name.endsWith(".exp_avg")) {
          String k = name.substring(0, name.length() - ".exp_avg".length());
          m.put(k, f.readFloats(name));
          v.put(k, f.readFloats(k + ".exp_avg_sq"));
        }
      }
      opt.restore(groups, new AdamW.State(Integer.parseInt(f.metadata().get("step")),
          Double.parseDouble(f.metadata().get("learning_rate")), m, v));
    } catch (RuntimeException e) {
      if (e instanceof SerException se) {
        throw se;
      }
      throw new ModelLoadException(file.toString(), "not an optimizer state: " + e, e);
    }
  }

  static long mix(long seed, long a, long b) {
    long h = seed * 0x9E3779B97F4A7C15L;
    h ^= (a + 0x632BE59BD9B4E019L) * 0xBF58476D1CE4E5B9L;
    h = Long.rotateLeft(h, 31);
    h ^= (b + 0x2545F4914F6CDD1DL) * 0x94D049BB133111EBL;
    return h ^ (h >>> 29);
  }

  /** The directory named by {@code latest}, or null. */
  static Path latestCheckpoint(Path stateDir) {
    Path pointer = stateDir.resolve(LATEST);
    if (!Files.isRegularFile(pointer)) {
      return null;
    }
    try {
      Path dir = stateDir.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim());
      if (!Files.isRegularFile(dir.resolve(STATE_FILE))) {
        throw new ModelLoadException(pointer.toString(), "names " + dir + ", which is not a complete checkpoint");
      }
      return dir;
    } catch (IOException e) {
      throw new ModelLoadException(pointer.toString(), "cannot read: " + e.getMessage(), e);
    }
  }

  private static void readState(Path ckpt, State st, LearningCurve curve) {
    Path f = ckpt.resolve(STATE_FILE);
    try {
      JsonNode n = JSON.readTree(f.toFile());
      st.epoch = n.get("epoch").asInt();
      st.stepInEpoch = n.get("step_in_epoch").asInt();
      st.globalStep = n.get("global_step").asInt();
      st.bestDevLoss = n.get("best_dev_loss").isNull() ? Double.NaN : n.get("best_dev_loss").asDouble();
      st.bestStep = n.get("best_step").asInt();
      st.badEvals = n.get("bad_evals").asInt();
      st.stopped = n.get("stopped").asBoolean();
      LearningCurve c = LearningCurve.fromCsv(Files.readString(ckpt.resolve("learning_curve.csv")));
      c.points().forEach(curve::add);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(f.toString(), "not a trainer state: " + e.getMessage(), e);
    }
  }

  private static String fingerprint(Request req) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (SftExample e : req.train()) {
        md.update(("T" + e.key() + "|" + e.label() + "|" + e.transcript() + "|" + e.rationale() + "\n")
            .getBytes(StandardCharsets.UTF_8));
      }
      for (SftExample e : req.dev()) {
        md.update(("D" + e.key() + "|" + e.label() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      md.update(String.valueOf(req.initDir()).getBytes(StandardCharsets.UTF_8));
      md.update(String.valueOf(req.architecture()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeRunFile(Path runFile, Request req, String fingerprint) {
    try {
      ObjectNode o = JSON.createObjectNode();
      o.set("config", JSON.readTree(req.config().toJson()));
      o.put("data_fingerprint", fingerprint);
      o.put("init", req.initDir() == null ? null : req.initDir().toString());
      o.put("architecture", req.architecture() == null ? null : req.architecture().toString());
      Path tmp = runFile.resolveSibling(RUN_FILE + ".tmp");
      Files.writeString(tmp, o.toPrettyString(), StandardCharsets.UTF_8);
      move(tmp, runFile);
    } catch (IOException e) {
      throw new TrainingException(runFile.toString(), "cannot write: " + e.getMessage(), e);
    }
  }

  private static void checkSameRun(Path runFile, SftConfig cfg, String fingerprint) {
    try {
      JsonNode o = JSON.readTree(runFile.toFile());
      SftConfig old = SftConfig.fromJson(o.get("config").toString(), runFile.toString());
      if (!old.equals(cfg)) {
        throw new TrainingException(runFile.toString(), "--resume with other settings than the run it continues:"
            + " was " + old + ", now " + cfg);
      }
      if (!fingerprint.equals(o.get("data_fingerprint").asText())) {
        throw new TrainingException(runFile.toString(),
            "--resume with other training data, dev data or initial model than the run it continues");
      }
    } catch (IOException e) {
      throw new TrainingException(runFile.toString(), "cannot read: " + e.getMessage(), e);
    }
  }

  private static void writeGenerationConfig(Path dir, SpeechTokenizer tok) {
    ObjectNode g = JSON.createObjectNode();
    g.put("bos_token_id", tok.specialId(SpeechTokenizer.ENDOFTEXT));
    g.putArray("eos_token_id").add(tok.specialId(SpeechTokenizer.IM_END)).add(tok.specialId(SpeechTokenizer.ENDOFTEXT));
    g.put("pad_token_id", tok.specialId(SpeechTokenizer.ENDOFTEXT));
    g.put("do_sample", false);
    g.put("max_new_tokens", DEFAULT_MAX_NEW_TOKENS);
    try {
      Files.writeString(dir.resolve("generation_config.json"), g.toPrettyString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ModelLoadException(dir.toString(), "cannot write generation_config.json: " + e.getMessage(), e);
    }
  }

  private static void copyCheckpoint(Path from, Path to) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
      Files.createDirectories(to);
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new ModelLoadException(to.toString(), "cannot copy the kept weights: " + e.getMessage(), e);
    }
  }

  private static void cleanTemporary(Path stateDir) throws IOException {
    try (Stream<Path> s = Files.list(stateDir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
        deleteTree(p);
      }
    }
  }

  private static void move(Path from, Path to) {
    try {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new ModelLoadException(to.toString(), "cannot move " + from + " into place: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new ModelLoadException(p.toString(), "cannot delete: " + e.getMessage(), e);
    }
  }

  private static void forceTree(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        force(p);
      }
      forceDir(dir);
    } catch (IOException e) {
      throw new ModelLoadException(dir.toString(), "cannot force to disk: " + e.getMessage(), e);
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void forceDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // some file systems cannot open directories; the file contents are forced already
    }
  }
}
