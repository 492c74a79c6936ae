package io.ser4j.rationale.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.ManifestException;

/**
 * Hyper-parameters of rationale-supervised fine-tuning ({@link SftTrainer}). Immutable; build with
 * {@link #builder()}; {@link #toJson}/{@link #fromJson} round-trip it (the trainer stores it with its
 * checkpoints, and {@code --resume} refuses a run whose settings differ).
 *
 * @param epochs passes over the training data ({@code >= 1})
 * @param batchSize examples per micro-batch ({@code >= 1})
 * @param gradientAccumulation micro-batches per optimizer step ({@code >= 1})
 * @param learningRate peak learning rate
 * @param warmupFraction share of the optimizer steps spent warming up, in [0, 1)
 * @param minLearningRateFraction final learning rate as a share of the peak (cosine floor)
 * @param weightDecay AdamW decoupled weight decay (decay group only)
 * @param beta1 AdamW beta1
 * @param beta2 AdamW beta2
 * @param adamEps AdamW epsilon
 * @param maxGradNorm global-norm clipping threshold ({@code > 0})
 * @param labelWeight loss weight of the label tokens ({@code >= 1})
 * @param labelOnly transcript + label targets, no rationale (the ablation)
 * @param corpusLabelsShare share of examples whose prompt lists their corpus's labels instead of
 *     the unified nine, in [0, 1]
 * @param augmenter audio augmentation ({@link Augmenter#NONE} for none)
 * @param seed seed of data order, augmentation and (for new models) initialisation
 * @param checkpointEvery optimizer steps between checkpoints ({@code >= 1})
 * @param evalEvery optimizer steps between dev evaluations; 0 = once per epoch
 * @param patience dev evaluations without improvement before stopping early; 0 = never stop early
 * @param scope which parameters train: {@code full}, {@code frozen-encoder}, {@code decoder} or
 *     {@code lora}
 * @param loraRank LoRA rank (with {@code scope = lora})
 * @param loraAlpha LoRA alpha (with {@code scope = lora})
 * @param mixedPrecision request float16 autocast on a GPU (not implemented on the CPU engine: the
 *     trainer refuses it there)
 * @param threads libtorch intra-op threads used for training (the trainer records it: resuming
 *     with another count is refused, because reductions would round differently)
 * @param cuePrefixTokens K, the number of cue-prefix rows a model initialised from a preset gets
 *     (its config gains a cue prefix of {@code BaselineFeatures.dimension()} features, see {@code
 *     docs/speechlm.md}); 0 = no cue prefix ({@code >= 0}). A model loaded with a cue prefix is fed
 *     its features whatever this value.
 */
public record SftConfig(
    int epochs,
    int batchSize,
    int gradientAccumulation,
    double learningRate,
    double warmupFraction,
    double minLearningRateFraction,
    double weightDecay,
    double beta1,
    double beta2,
    double adamEps,
    double maxGradNorm,
    double labelWeight,
    boolean labelOnly,
    double corpusLabelsShare,
    Augmenter augmenter,
    long seed,
    int checkpointEvery,
    int evalEvery,
    int patience,
    String scope,
    int loraRank,
    double loraAlpha,
    boolean mixedPrecision,
    int threads,
    int cuePrefixTokens) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates. */
  public SftConfig {
    check(epochs >= 1, "epochs must be >= 1: " + epochs);
    check(batchSize >= 1, "batch size must be >= 1: " + batchSize);
    check(gradientAccumulation >= 1, "gradient accumulation must be >= 1: " + gradientAccumulation);
    check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0: " + learningRate);
    check(warmupFraction >= 0 && warmupFraction < 1, "warmup fraction must be in [0, 1): " + warmupFraction);
    check(minLearningRateFraction >= 0 && minLearningRateFraction <= 1, "min lr fraction must be in [0, 1]");
    check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be >= 0");
    check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must be in [0, 1)");
    check(adamEps > 0, "adam eps must be > 0");
    check(maxGradNorm > 0 && Double.isFinite(maxGradNorm), "max grad norm must be > 0");
    check(labelWeight >= 1 && Double.isFinite(labelWeight), "label weight must be >= 1");
    check(corpusLabelsShare >= 0 && corpusLabelsShare <= 1, "corpus labels share must be in [0, 1]");
    check(augmenter != null, "augmenter is required");
    check(checkpointEvery >= 1, "checkpoint interval must be >= 1");
    check(evalEvery >= 0 && patience >= 0, "eval interval and patience must be >= 0");
    check(scope != null && (scope.equals("full") || scope.equals("frozen-encoder")
        || scope.equals("decoder") || scope.equals("lora")), "scope must be full, frozen-encoder, decoder or lora: " + scope);
    check(loraRank >= 1 && loraAlpha > 0, "LoRA rank must be >= 1 and alpha > 0");
    check(threads >= 1, "threads must be >= 1");
    check(cuePrefixTokens >= 0, "cue prefix tokens must be >= 0: " + cuePrefixTokens);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A builder holding the defaults (documented on each setter's field in {@code docs/training.md}). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return Builder.from(this);
  }

  /** This config as a JSON object. */
  public String toJson() {
    ObjectNode o = JSON.valueToTree(this);
    return o.toPrettyString();
  }

  /**
   * Reads a config written by {@link #toJson}.
   *
   * @throws ManifestException naming {@code source} when the JSON is malformed or a value is invalid
   */
  public static SftConfig fromJson(String json, String source) {
    try {
      JsonNode n = JSON.readTree(json);
      JsonNode a = n.get("augmenter");
      Augmenter aug = new Augmenter(a.get("probability").asDouble(), a.get("speed").asDouble(),
          a.get("noiseProbability").asDouble(), a.get("minSnrDb").asDouble(), a.get("maxSnrDb").asDouble(),
          a.get("timeMasks").asInt(), a.get("maxTimeMaskFrames").asInt(), a.get("freqMasks").asInt(),
          a.get("maxFreqMaskBins").asInt());
      return new SftConfig(n.get("epochs").asInt(), n.get("batchSize").asInt(),
          n.get("gradientAccumulation").asInt(), n.get("learningRate").asDouble(),
          n.get("warmupFraction").asDouble(), n.get("minLearningRateFraction").asDouble(),
          n.get("weightDecay").asDouble(), n.get("beta1").asDouble(), n.get("beta2").asDouble(),
          n.get("adamEps").asDouble(), n.get("maxGradNorm").asDouble(), n.get("labelWeight").asDouble(),
          n.get("labelOnly").asBoolean(), n.get("corpusLabelsShare").asDouble(), aug, n.get("seed").asLong(),
          n.get("checkpointEvery").asInt(), n.get("evalEvery").asInt(), n.get("patience").asInt(),
          n.get("scope").asText(), n.get("loraRank").asInt(), n.get("loraAlpha").asDouble(),
          n.get("mixedPrecision").asBoolean(), n.get("threads").asInt(),
          n.path("cuePrefixTokens").asInt(0)); // absent in configs written before the option existed
    } catch (java.io.IOException | RuntimeException e) {
      throw new ManifestException(source, "not a training config: " + e.getMessage());
    }
  }

  /** Builder of {@link SftConfig}; not thread-safe. */
  public static final class Builder {
    private int epochs = 10;
    private int batchSize = 8;
    private int gradientAccumulation = 1;
    private double learningRate = 1e-3;
    private double warmupFraction = 0.05;
    private double minLearningRateFraction = 0.05;
    private double weightDecay = 0.01;
    private double beta1 = 0.9;
    private double beta2 = 0.98;
    private double adamEps = 1e-8;
    private double maxGradNorm = 1.0;
    private double labelWeight = 3.0;
    private boolean labelOnly;
    private double corpusLabelsShare = 0.5;
    private Augmenter augmenter = Augmenter.DEFAULT;
    private long seed = 1;
    private int checkpointEvery = 50;
    private int evalEvery;
    private int patience = 3;
    private String scope = "full";
    private int loraRank = 8;
    private double loraAlpha = 16;
    private boolean mixedPrecision;
    private int threads = 1;
    private int cuePrefixTokens;

    private Builder() {}

    static Builder from(SftConfig c) {
      Builder b = new Builder();
      b.epochs = c.epochs;
      b.batchSize = c.batchSize;
      b.gradientAccumulation = c.gradientAccumulation;
      b.learningRate = c.learningRate;
      b.warmupFraction = c.warmupFraction;
      b.minLearningRateFraction = c.minLearningRateFraction;
      b.weightDecay = c.weightDecay;
      b.beta1 = c.beta1;
      b.beta2 = c.beta2;
      b.adamEps = c.adamEps;
      b.maxGradNorm = c.maxGradNorm;
      b.labelWeight = c.labelWeight;
      b.labelOnly = c.labelOnly;
      b.corpusLabelsShare = c.corpusLabelsShare;
      b.augmenter = c.augmenter;
      b.seed = c.seed;
      b.checkpointEvery = c.checkpointEvery;
      b.evalEvery = c.evalEvery;
      b.patience = c.patience;
      b.scope = c.scope;
      b.loraRank = c.loraRank;
      b.loraAlpha = c.loraAlpha;
      b.mixedPrecision = c.mixedPrecision;
      b.threads = c.threads;
      b.cuePrefixTokens = c.cuePrefixTokens;
      return b;
    }

    /** Epochs (default 10). */
    public Builder epochs(int v) { epochs = v; return this; }
    /** Micro-batch size (default 8). */
    public Builder batchSize(int v) { batchSize = v; return this; }
    /** Micro-batches per optimizer step (default 1). */
    public Builder gradientAccumulation(int v) { gradientAccumulation = v; return this; }
    /** Peak learning rate (default 1e-3). */
    public Builder learningRate(double v) { learningRate = v; return this; }
    /** Warm-up share of the steps (default 0.05). */
    public Builder warmupFraction(double v) { warmupFraction = v; return this; }
    /** Cosine floor as a share of the peak (default 0.05). */
    public Builder minLearningRateFraction(double v) { minLearningRateFraction = v; return this; }
    /** Weight decay (default 0.01). */
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    /** AdamW betas (default 0.9, 0.98). */
    public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
    /** AdamW epsilon (default 1e-8). */
    public Builder adamEps(double v) { adamEps = v; return this; }
    /** Clipping threshold (default 1.0). */
    public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
    /** Label-token loss weight (default 3). */
    public Builder labelWeight(double v) { labelWeight = v; return this; }
    /** Label-only targets (default false). */
    public Builder labelOnly(boolean v) { labelOnly = v; return this; }
    /** Share of prompts listing the corpus's labels (default 0.5). */
    public Builder corpusLabelsShare(double v) { corpusLabelsShare = v; return this; }
    /** Augmentation (default {@link Augmenter#DEFAULT}). */
    public Builder augmenter(Augmenter v) { augmenter = v; return this; }
    /** Seed (default 1). */
    public Builder seed(long v) { seed = v; return this; }
    /** Steps between checkpoints (default 50). */
    public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
    /** Steps between dev evaluations, 0 = per epoch (default 0). */
    public Builder evalEvery(int v) { evalEvery = v; return this; }
    /** Early-stopping patience in evaluations, 0 = off (default 3). */
    public Builder patience(int v) { patience = v; return this; }
    /** Training scope (default full). */
    public Builder scope(String v) { scope = v; return this; }
    /** LoRA rank and alpha (default 8, 16). */
    public Builder lora(int rank, double alpha) { loraRank = rank; loraAlpha = alpha; return this; }
    /** Mixed precision on GPU (default false). */
    public Builder mixedPrecision(boolean v) { mixedPrecision = v; return this; }
    /** libtorch threads (default 1). */
    public Builder threads(int v) { threads = v; return this; }
    /** Cue-prefix rows K for a model from a preset, 0 = none (default 0). */
    public Builder cuePrefixTokens(int v) { cuePrefixTokens = v; return this; }

    /**
     * The config.
     *
     * @throws IllegalArgumentException on an invalid value
     */
    public SftConfig build() {
      return new SftConfig(epochs, batchSize, gradientAccumulation, learningRate, warmupFraction,
          minLearningRateFraction, weightDecay, beta1, beta2, adamEps, maxGradNorm, labelWeight, labelOnly,
          corpusLabelsShare, augmenter, seed, checkpointEvery, evalEvery, patience, scope, loraRank, loraAlpha,
          mixedPrecision, threads, cuePrefixTokens);
    }
  }
}
