package io.ser4j.model.speechlm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import io.ser4j.core.SerException;
import io.ser4j.model.safetensors.SafeTensorsWriter;
import io.ser4j.model.safetensors.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Qwen2-Audio SpeechLM forward pass on DJL (PyTorch engine), written with NDArray operations and
 * driven by {@link SpeechLmConfig}; the normative description is tools/reference/README.md and the
 * PyTorch reference tools/reference/speechlm_reference.py.
 *
 * <p>Shapes use the checkpoint's letters: {@code M} mel bins ({@code num_mel_bins}), {@code D}
 * {@code d_model}, {@code F} {@code encoder_ffn_dim}, {@code H} {@code hidden_size}, {@code I}
 * {@code intermediate_size}, {@code d} {@code head_dim}, {@code KV} {@code num_key_value_heads},
 * {@code V} {@code vocab_size}; a clip of {@code L} mel frames gives {@code T = ceil(L/2)} encoder
 * frames and {@code N = T / 2} audio frames after pooling.
 *
 * <p>Memory: the weights live in this model's own {@link NDManager}; for a model loaded for inference
 * ({@link #load}) it is capped after loading so that a stray temporary cannot attach to it. Every
 * forward method runs in a sub-manager of its own and returns plain Java arrays; a {@link KvCache} owns
 * the keys and values of one generation request.
 *
 * <p>Training: {@link #initialise} (seeded, from scratch) and {@link #loadTrainable} build trainable
 * models; {@link #setTrainable} chooses which parameters require a gradient ({@link TrainingScope});
 * {@link #trainingLoss} is the batched, padded, differentiable loss over encoder, projector and decoder
 * for a DJL {@code GradientCollector}; {@link #parameters}, {@link #snapshot}, {@link #restore} and
 * {@link #save} serve optimisers and checkpoints. LoRA: {@link #setAdapters} makes every forward add
 * LoRA terms ({@link LoraAdapters}); {@link #trainingLogits} is the older one-prompt differentiable
 * forward. Devices: {@link #load(Path, SpeechLmDevice)}; float16 on a GPU ({@link Precision}).
 *
 * <p>Thread-safety: forward methods only read the weights and each call uses its own sub-manager, so
 * they may run concurrently; {@link #close()}, {@link #setAdapters}, {@link #setTrainable}, {@link
 * #restore}, merging/unmerging adapters and optimiser updates of the parameters must not overlap a
 * call.
 */
public final class SpeechLm implements AutoCloseable {
  /** The DJL engine the forward pass runs on. */
  public static final String ENGINE = "PyTorch";
  /** LayerNorm epsilon of the audio encoder ({@code nn.LayerNorm} default; not a config field). */
  public static final float LAYER_NORM_EPS = 1e-5f;
  /** Kernel width of both encoder convolutions, frames. */
  public static final int CONV_KERNEL_FRAMES = 3;
  /** Average-pooling window (and stride) over encoder frames. */
  public static final int POOL_FRAMES = 2;

  /** Additive attention mask of a left-padding key column (finite so that all-padding rows stay finite). */
  static final float PAD_MASK = -1e9f;
  /** Padding of an unbatched (one-row) request: none. */
  private static final int[] NO_PAD = {0};

  /** One audio encoder layer; weights in the checkpoint's orientation, Linear {@code (out, in)}. */
  private record EncoderLayer(
      NDArray attnLnW, NDArray attnLnB, NDArray q, NDArray qB, NDArray k, NDArray v, NDArray vB,
      NDArray out, NDArray outB, NDArray ffnLnW, NDArray ffnLnB, NDArray fc1, NDArray fc1B,
      NDArray fc2, NDArray fc2B) {}

  /** One decoder layer; weights in the checkpoint's orientation, Linear {@code (out, in)}. */
  private record DecoderLayer(
      NDArray inNormW, NDArray q, NDArray qB, NDArray k, NDArray kB, NDArray v, NDArray vB,
      NDArray o, NDArray postNormW, NDArray gate, NDArray up, NDArray down) {}

  /**
   * The audio path's intermediate outputs of one clip (for parity checks and inspection).
   *
   * @param encoderHidden after the encoder layers, {@code (T, D)}
   * @param encoderPooled after 2× average pooling, {@code (N, D)}
   * @param encoderOutput after the final LayerNorm, {@code (N, D)}
   * @param projected after {@code multi_modal_projector.linear}, {@code (N, H)}: the audio embeddings
   * @param cueRows the cue-prefix rows {@code (K, H)} that follow the audio frames ({@code (0, H)}
   *     for a model without a cue prefix)
   */
  public record AudioEncoding(
      float[][] encoderHidden, float[][] encoderPooled, float[][] encoderOutput, float[][] projected,
      float[][] cueRows) {

    /**
     * An encoding without cue rows.
     *
     * @param encoderHidden {@code (T, D)}
     * @param encoderPooled {@code (N, D)}
     * @param encoderOutput {@code (N, D)}
     * @param projected {@code (N, H)}
     */
    public AudioEncoding(float[][] encoderHidden, float[][] encoderPooled, float[][] encoderOutput,
        float[][] projected) {
      this(encoderHidden, encoderPooled, encoderOutput, projected, new float[0][]);
    }

    /**
     * The rows the audio placeholder stands for: {@link #projected()} followed by {@link
     * #cueRows()}, {@code (N + K, H)} (the same row arrays, not copies).
     *
     * @return a new outer array
     */
    public float[][] decoderRows() {
      float[][] out = Arrays.copyOf(projected, projected.length + cueRows.length);
      System.arraycopy(cueRows, 0, out, projected.length, cueRows.length);
      return out;
    }
  }

  /** The batched audio path's outputs as arrays of the caller's manager ({@code (B, ·, ·)}). */
  private record EncoderArrays(NDArray hidden, NDArray pooled, NDArray output, NDArray projected) {}

  /** File name of the weights {@link #save} writes. */
  public static final String WEIGHTS_FILE = "model.safetensors";
  /** File name of the generation settings in a checkpoint directory. */
  public static final String GENERATION_CONFIG_FILE = "generation_config.json";
  /** File name of the tokenizer settings copied along with tokenizer.json when present. */
  public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
  /** Storage and compute type of the weights and activations. */
  public enum Precision {
    /** float32 (CPU default; required for training and LoRA). */
    FP32,
    /** float16 (GPU default): weights rounded to half precision, activations in half precision. */
    FP16
  }

  /** Checkpoint key of the Whisper position table (frozen: never trained). */
  public static final String EMBED_POSITIONS = "audio_tower.embed_positions.weight";
  /** Checkpoint key prefix of the audio encoder's tensors. */
  public static final String AUDIO_TOWER_PREFIX = "audio_tower.";
  /** Checkpoint key prefix of the projector's tensors. */
  public static final String PROJECTOR_PREFIX = "multi_modal_projector.";
  /** Standard deviation of the normal initialisation of Linear, Conv1d and Embedding weights. */
  public static final double INITIALIZER_RANGE = 0.02;
  /** Checkpoint key prefix of the cue-prefix tensors (ser4j extension, {@link SpeechLmConfig.CuePrefix}). */
  public static final String CUE_PROJECTOR_PREFIX = "ser4j_cue_projector.";
  /** Cue projector weight {@code (K·H, F)} (trainable with the projector). */
  public static final String CUE_WEIGHT = CUE_PROJECTOR_PREFIX + "weight";
  /** Cue projector bias {@code (K·H)} (trainable with the projector). */
  public static final String CUE_BIAS = CUE_PROJECTOR_PREFIX + "bias";
  /** Per-feature standardisation mean {@code (F)} (never trained; set by the trainer). */
  public static final String CUE_MEAN = CUE_PROJECTOR_PREFIX + "mean";
  /** Per-feature standardisation scale {@code (F)}, every value {@code > 0} (never trained). */
  public static final String CUE_SCALE = CUE_PROJECTOR_PREFIX + "scale";
  /** Standardised cue features are clamped to {@code [-CUE_CLAMP, CUE_CLAMP]} (standard deviations). */
  public static final double CUE_CLAMP = 5.0;

  private final SpeechLmConfig config;
  private final Path checkpointDir;
  private final Path tokenizerFile;
  private final NDManager manager;
  private final boolean trainable;
  private final DataType computeType;
  private final long parameterCount;
  private final String dtype;
  /** Every parameter by checkpoint key, checkpoint orientation, load order (a tied lm_head absent). */
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private volatile TrainingScope trainingScope = TrainingScope.NONE;

  private final NDArray conv1W; // (D, M, 3)
  private final NDArray conv1B; // (D)
  private final NDArray conv2W; // (D, D, 3)
  private final NDArray conv2B; // (D)
  private final NDArray embedPositions; // (max_source_positions, D)
  private final EncoderLayer[] encoderLayers;
  private final NDArray encLnW; // (D)
  private final NDArray encLnB; // (D)
  private final NDArray proj; // (H, D)
  private final NDArray projB; // (H)
  private final NDArray cueW; // (K·H, F) or null without a cue prefix
  private final NDArray cueB; // (K·H) or null
  private final NDArray cueMean; // (F) float32 always, or null
  private final NDArray cueScale; // (F) float32 always, or null
  private final NDArray embedTokens; // (V, H)
  private final DecoderLayer[] decoderLayers;
  private final NDArray normW; // (H)
  private final NDArray lmHead; // (V, H): embed_tokens itself when tied
  private final float[] invFreq; // (d/2) RoPE inverse frequencies, float32 as transformers computes them
  /** LoRA adapters every decoder forward applies (unless merged); {@code null}: none. */
  private volatile LoraAdapters adapters;
  /** Number of {@link #prefillBatch} calls (a cost counter for tests and benchmarks). */
  private final java.util.concurrent.atomic.AtomicLong prefills = new java.util.concurrent.atomic.AtomicLong();

  private SpeechLm(SpeechLmConfig config, Path dir, Path tokenizerFile, NDManager manager, Weights w,
      boolean trainable, Precision precision) {
    this.config = config;
    this.checkpointDir = dir;
    this.tokenizerFile = tokenizerFile;
    this.manager = manager;
    this.trainable = trainable;
    this.computeType = precision == Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
    this.parameterCount = w.parameterCount();
    this.dtype = w.dtype();
    Loader l = new Loader(w, manager, params, computeType);
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    SpeechLmConfig.TextConfig t = config.textConfig();
    long dm = a.dModel();
    conv1W = l.param("audio_tower.conv1.weight", dm, a.numMelBins(), CONV_KERNEL_FRAMES);
    conv1B = l.param("audio_tower.conv1.bias", dm);
    conv2W = l.param("audio_tower.conv2.weight", dm, dm, CONV_KERNEL_FRAMES);
    conv2B = l.param("audio_tower.conv2.bias", dm);
    embedPositions = l.param(EMBED_POSITIONS, a.maxSourcePositions(), dm);
    encoderLayers = new EncoderLayer[a.encoderLayers()];
    for (int i = 0; i < encoderLayers.length; i++) {
      String p = "audio_tower.layers." + i + ".";
      encoderLayers[i] = new EncoderLayer(
          l.param(p + "self_attn_layer_norm.weight", dm),
          l.param(p + "self_attn_layer_norm.bias", dm),
          l.param(p + "self_attn.q_proj.weight", dm, dm),
          l.param(p + "self_attn.q_proj.bias", dm),
          l.param(p + "self_attn.k_proj.weight", dm, dm),
          l.param(p + "self_attn.v_proj.weight", dm, dm),
          l.param(p + "self_attn.v_proj.bias", dm),
          l.param(p + "self_attn.out_proj.weight", dm, dm),
          l.param(p + "self_attn.out_proj.bias", dm),
          l.param(p + "final_layer_norm.weight", dm),
          l.param(p + "final_layer_norm.bias", dm),
          l.param(p + "fc1.weight", a.encoderFfnDim(), dm),
          l.param(p + "fc1.bias", a.encoderFfnDim()),
          l.param(p + "fc2.weight", dm, a.encoderFfnDim()),
          l.param(p + "fc2.bias", dm));
    }
    encLnW = l.param("audio_tower.layer_norm.weight", dm);
    encLnB = l.param("audio_tower.layer_norm.bias", dm);
    long h = t.hiddenSize();
    proj = l.param("multi_modal_projector.linear.weight", h, dm);
    projB = l.param("multi_modal_projector.linear.bias", h);
    SpeechLmConfig.CuePrefix cue = config.cuePrefix();
    if (cue != null) {
      long kh = (long) cue.tokens() * h;
      cueW = l.param(CUE_WEIGHT, kh, cue.features());
      cueB = l.param(CUE_BIAS, kh);
      cueMean = l.param32(CUE_MEAN, cue.features());
      cueScale = l.param32(CUE_SCALE, cue.features());
      checkStandardisation(floats(cueMean), floats(cueScale), dir == null ? "cue prefix" : dir.toString(), true);
    } else {
      cueW = null;
      cueB = null;
      cueMean = null;
      cueScale = null;
    }
    embedTokens = l.param("language_model.model.embed_tokens.weight", t.vocabSize(), h);
    long qDim = (long) t.numAttentionHeads() * t.headDim();
    long kvDim = (long) t.numKeyValueHeads() * t.headDim();
    decoderLayers = new DecoderLayer[t.numHiddenLayers()];
    for (int i = 0; i < decoderLayers.length; i++) {
      String p = "language_model.model.layers." + i + ".";
      decoderLayers[i] = new DecoderLayer(
          l.param(p + "input_layernorm.weight", h),
          l.param(p + "self_attn.q_proj.weight", qDim, h),
          l.param(p + "self_attn.q_proj.bias", qDim),
          l.param(p + "self_attn.k_proj.weight", kvDim, h),
          l.param(p + "self_attn.k_proj.bias", kvDim),
          l.param(p + "self_attn.v_proj.weight", kvDim, h),
          l.param(p + "self_attn.v_proj.bias", kvDim),
          l.param(p + "self_attn.o_proj.weight", h, qDim),
          l.param(p + "post_attention_layernorm.weight", h),
          l.param(p + "mlp.gate_proj.weight", t.intermediateSize(), h),
          l.param(p + "mlp.up_proj.weight", t.intermediateSize(), h),
          l.param(p + "mlp.down_proj.weight", h, t.intermediateSize()));
    }
    normW = l.param("language_model.model.norm.weight", h);
    String lmHeadName = "language_model.lm_head.weight";
    if (t.tieWordEmbeddings()) {
      lmHead = embedTokens;
    } else {
      lmHead = l.param(lmHeadName, t.vocabSize(), h);
    }
    Set<String> unexpected = new TreeSet<>(w.names());
    unexpected.removeAll(params.keySet());
    if (!unexpected.isEmpty()) {
      throw new ModelLoadException(dir.toString(), "unexpected tensors for this config: "
          + unexpected + (unexpected.contains(lmHeadName) ? " (tie_word_embeddings is true)" : ""));
    }
    invFreq = new float[t.headDim() / 2];
    for (int i = 0; i < invFreq.length; i++) {
      // transformers: 1.0 / (theta ** (arange(0, d, 2).float() / d)), in float32
      float exponent = (float) (2 * i) / t.headDim();
      invFreq[i] = (float) (1.0 / (float) Math.pow((float) t.ropeTheta(), exponent));
    }
  }

  /** Creates parameter arrays in the model manager and records them by key. */
  private static final class Loader {
    private final Weights w;
    private final NDManager manager;
    private final Map<String, NDArray> into;
    private final DataType type;

    Loader(Weights w, NDManager manager, Map<String, NDArray> into, DataType type) {
      this.w = w;
      this.manager = manager;
      this.into = into;
      this.type = type;
    }

    NDArray param(String name, long... shape) {
      return param(name, type, shape);
    }

    /** A parameter kept in float32 whatever the compute type (the cue standardisation). */
    NDArray param32(String name, long... shape) {
      return param(name, DataType.FLOAT32, shape);
    }

    private NDArray param(String name, DataType type, long... shape) {
      float[] values = w.get(name, shape);
      NDArray a = manager.create(values, new Shape(shape));
      if (type != DataType.FLOAT32) {
        NDArray cast = a.toType(type, false);
        a.close();
        a = cast;
      }
      a.setName(name);
      into.put(name, a);
      return a;
    }
  }

  /**
   * The tensor keys and shapes a checkpoint of this config holds, in the order {@link #save} writes
   * them (a tied {@code lm_head} absent).
   *
   * @param config the architecture
   * @return key → shape, checkpoint orientation (Linear {@code (out, in)})
   */
  public static Map<String, long[]> tensorShapes(SpeechLmConfig config) {
    Map<String, long[]> out = new LinkedHashMap<>();
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    SpeechLmConfig.TextConfig t = config.textConfig();
    long dm = a.dModel();
    out.put("audio_tower.conv1.weight", new long[] {dm, a.numMelBins(), CONV_KERNEL_FRAMES});
    out.put("audio_tower.conv1.bias", new long[] {dm});
    out.put("audio_tower.conv2.weight", new long[] {dm, dm, CONV_KERNEL_FRAMES});
    out.put("audio_tower.conv2.bias", new long[] {dm});
    out.put(EMBED_POSITIONS, new long[] {a.maxSourcePositions(), dm});
    for (int i = 0; i < a.encoderLayers(); i++) {
      String p = "audio_tower.layers." + i + ".";
      out.put(p + "self_attn_layer_norm.weight", new long[] {dm});
      out.put(p + "self_attn_layer_norm.bias", new long[] {dm});
      out.put(p + "self_attn.q_proj.weight", new long[] {dm, dm});
      out.put(p + "self_attn.q_proj.bias", new long[] {dm});
      out.put(p + "self_attn.k_proj.weight", new long[] {dm, dm});
      out.put(p + "self_attn.v_proj.weight", new long[] {dm, dm});
      out.put(p + "self_attn.v_proj.bias", new long[] {dm});
      out.put(p + "self_attn.out_proj.weight", new long[] {dm, dm});
      out.put(p + "self_attn.out_proj.bias", new long[] {dm});
      out.put(p + "final_layer_norm.weight", new long[] {dm});
      out.put(p + "final_layer_norm.bias", new long[] {dm});
      out.put(p + "fc1.weight", new long[] {a.encoderFfnDim(), dm});
      out.put(p + "fc1.bias", new long[] {a.encoderFfnDim()});
      out.put(p + "fc2.weight", new long[] {dm, a.encoderFfnDim()});
      out.put(p + "fc2.bias", new long[] {dm});
    }
    out.put("audio_tower.layer_norm.weight", new long[] {dm});
    out.put("audio_tower.layer_norm.bias", new long[] {dm});
    long h = t.hiddenSize();
    out.put("multi_modal_projector.linear.weight", new long[] {h, dm});
    out.put("multi_modal_projector.linear.bias", new long[] {h});
    SpeechLmConfig.CuePrefix cue = config.cuePrefix();
    if (cue != null) {
      out.put(CUE_WEIGHT, new long[] {(long) cue.tokens() * h, cue.features()});
      out.put(CUE_BIAS, new long[] {(long) cue.tokens() * h});
      out.put(CUE_MEAN, new long[] {cue.features()});
      out.put(CUE_SCALE, new long[] {cue.features()});
    }
    out.put("language_model.model.embed_tokens.weight", new long[] {t.vocabSize(), h});
    long qDim = (long) t.numAttentionHeads() * t.headDim();
    long kvDim = (long) t.numKeyValueHeads() * t.headDim();
    for (int i = 0; i < t.numHiddenLayers(); i++) {
      String p = "language_model.model.layers." + i + ".";
      out.put(p + "input_layernorm.weight", new long[] {h});
      out.put(p + "self_attn.q_proj.weight", new long[] {qDim, h});
      out.put(p + "self_attn.q_proj.bias", new long[] {qDim});
      out.put(p + "self_attn.k_proj.weight", new long[] {kvDim, h});
      out.put(p + "self_attn.k_proj.bias", new long[] {kvDim});
      out.put(p + "self_attn.v_proj.weight", new long[] {kvDim, h});
      out.put(p + "self_attn.v_proj.bias", new long[] {kvDim});
      out.put(p + "self_attn.o_proj.weight", new long[] {h, qDim});
      out.put(p + "post_attention_layernorm.weight", new long[] {h});
      out.put(p + "mlp.gate_proj.weight", new long[] {t.intermediateSize(), h});
      out.put(p + "mlp.up_proj.weight", new long[] {t.intermediateSize(), h});
      out.put(p + "mlp.down_proj.weight", new long[] {h, t.intermediateSize()});
    }
    out.put("language_model.model.norm.weight", new long[] {h});
    if (!t.tieWordEmbeddings()) {
      out.put("language_model.lm_head.weight", new long[] {t.vocabSize(), h});
    }
    return out;
  }

  /**
   * Loads a checkpoint directory (config.json + model.safetensors or a sharded index) onto a device,
   * for inference: the weights' manager is capped and {@link #setTrainable} is refused.
   *
   * @param checkpointDir the Hugging Face–layout directory
   * @param device where the weights live ({@code Device.cpu()} in the default build)
   * @return the loaded model; close it to free the weights
   * @throws ModelLoadException naming config.json, or the file and tensor, when the directory is not
   *     a loadable Qwen2-Audio checkpoint (missing/unexpected tensor, wrong shape with the expected one
   *     in the message, unsupported dtype or config value)
   */
  public static SpeechLm load(Path checkpointDir, Device device) {
    return load(checkpointDir, device, device.isGpu() ? Precision.FP16 : Precision.FP32);
  }

  /**
   * Loads a checkpoint for inference in the given precision (see {@link #load(Path, Device)}).
   *
   * @param checkpointDir the Hugging Face–layout directory
   * @param device where the weights live
   * @param precision {@link Precision#FP32}, or {@link Precision#FP16} (weights rounded to half
   *     precision; intended for GPUs, also runs on the CPU)
   * @return the loaded model
   * @throws ModelLoadException as {@link #load(Path, Device)}
   */
  public static SpeechLm load(Path checkpointDir, Device device, Precision precision) {
    return load(checkpointDir, device, false, precision);
  }

  /**
   * Loads a checkpoint on the device a {@link SpeechLmDevice} resolves to (float16 on a GPU).
   *
   * @param checkpointDir the Hugging Face–layout directory
   * @param device {@code auto}, {@code cpu} or {@code gpu[:N]}
   * @return the loaded model
   * @throws ModelLoadException as {@link #load(Path, Device)}, or when a GPU is requested but absent
   */
  public static SpeechLm load(Path checkpointDir, SpeechLmDevice device) {
    return load(checkpointDir, device.resolve());
  }

  /**
   * Loads a checkpoint directory for training (all parameters may be made trainable with {@link
   * #setTrainable}; weights are widened to float32). Otherwise as {@link #load(Path, Device)}.
   *
   * @param checkpointDir the Hugging Face–layout directory
   * @param device where the weights live
   * @return the loaded model (no parameter requires a gradient until {@link #setTrainable})
   * @throws ModelLoadException as {@link #load(Path, Device)}
   */
  public static SpeechLm loadTrainable(Path checkpointDir, Device device) {
    return load(checkpointDir, device, true, Precision.FP32);
  }

  private static SpeechLm load(Path checkpointDir, Device device, boolean trainable, Precision precision) {
    if (!Files.isDirectory(checkpointDir)) {
      throw new ModelLoadException(checkpointDir.toString(), "not a directory");
    }
    SpeechLmConfig config = SpeechLmConfig.load(checkpointDir);
    NDManager manager = newManager(checkpointDir.toString(), device);
    manager.setName("speechlm:" + checkpointDir.getFileName());
    try (Weights w = WeightSourceWeights.open(checkpointDir)) {
      Path tok = checkpointDir.resolve(SpeechTokenizer.FILE);
      SpeechLm model = new SpeechLm(config, checkpointDir, Files.isRegularFile(tok) ? tok : null, manager, w,
          trainable, precision);
      if (!trainable) {
        manager.cap();
      }
      return model;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static NDManager newManager(String what, Device device) {
    try {
      return Engine.getEngine(ENGINE).newBaseManager(device);
    } catch (RuntimeException e) {
      throw new ModelLoadException(what, "DJL engine " + ENGINE + " unavailable: " + e.getMessage(), e);
    }
  }

  /**
   * A new, randomly initialised model for training from scratch, deterministic in {@code seed}:
   * Linear, Conv1d and Embedding weights (token embeddings and an untied {@code lm_head} included) are
   * drawn from {@code normal(0, }{@link #INITIALIZER_RANGE}{@code )}, biases are 0, LayerNorm/RMSNorm
   * weights 1, and {@link #EMBED_POSITIONS} holds Whisper's sinusoidal table (frozen, as in Hugging
   * Face's Qwen2-Audio encoder). A cue prefix's projector weight is drawn like the other Linear
   * weights, its bias is 0, its standardisation mean 0 and scale 1 ({@link
   * #setCueStandardisation} sets them from training data). Each tensor draws from its own {@link Random} seeded with {@code seed}
   * and the tensor's key, in row-major order, so the values do not depend on the device or on other
   * tensors. The model is trainable ({@link #setTrainable}); {@link #save} writes it as a checkpoint
   * {@link #load} reads.
   *
   * @param config the architecture, e.g. {@link SpeechLmConfig#preset}; its {@code vocab_size} must
   *     cover the tokenizer and its {@code audio_token_index} must be the tokenizer's {@code <|AUDIO|>}
   * @param tokenizer the tokenizer whose {@code tokenizer.json} {@link #save} copies
   * @param seed initialisation seed
   * @param device where the weights live
   * @return the model; close it to free the weights
   * @throws ModelLoadException if the config does not fit the tokenizer
   */
  public static SpeechLm initialise(SpeechLmConfig config, SpeechTokenizer tokenizer, long seed, Device device) {
    String where = tokenizer.file().toString();
    if (config.textConfig().vocabSize() < tokenizer.vocabSize()) {
      throw new ModelLoadException(where, "tokenizer has " + tokenizer.vocabSize()
          + " ids but the config's vocab_size is " + config.textConfig().vocabSize());
    }
    int audioId = tokenizer.specialId(SpeechTokenizer.AUDIO);
    if (config.audioTokenIndex() != audioId) {
      throw new ModelLoadException(where, "config audio_token_index " + config.audioTokenIndex()
          + " is not the tokenizer's " + SpeechTokenizer.AUDIO + " id " + audioId);
    }
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = tensorShapes(config);
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      values.put(e.getKey(), initialValues(config, e.getKey(), e.getValue(), seed));
    }
    NDManager manager = newManager(where, device);
    manager.setName("speechlm:initialised");
    try (Weights w = new ArrayWeights(values, shapes, "initialised (seed " + seed + ")")) {
      return new SpeechLm(config, tokenizer.file().getParent(), tokenizer.file(), manager, w, true, Precision.FP32);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Initial values of one tensor (see {@link #initialise}). */
  static float[] initialValues(SpeechLmConfig config, String name, long[] shape, long seed) {
    long numel = 1;
    for (long d : shape) {
      numel = Math.multiplyExact(numel, d);
    }
    float[] v = new float[Math.toIntExact(numel)];
    if (name.equals(EMBED_POSITIONS)) {
      return whisperSinusoids((int) shape[0], (int) shape[1]);
    }
    if (name.endsWith(".bias") || name.equals(CUE_MEAN)) {
      return v;
    }
    if (name.equals(CUE_SCALE)) {
      Arrays.fill(v, 1f);
      return v;
    }
    if (name.contains("norm.") || name.endsWith("_layernorm.weight")) {
      Arrays.fill(v, 1f);
      return v;
    }
    Random rnd = new Random(seed * 1_000_003L + name.hashCode());
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextGaussian() * INITIALIZER_RANGE);
    }
    return v;
  }

  /**
   * Whisper's sinusoidal position table {@code (length, channels)}: {@code [sin(t·inv) | cos(t·inv)]}
   * with {@code inv_i = exp(−i·ln(10000)/(channels/2 − 1))}, computed in double and rounded to float.
   */
  static float[] whisperSinusoids(int length, int channels) {
    int half = channels / 2;
    double inc = Math.log(10000.0) / (half - 1);
    float[] out = new float[length * channels];
    for (int t = 0; t < length; t++) {
      for (int i = 0; i < half; i++) {
        double x = t * Math.exp(-inc * i);
        out[t * channels + i] = (float) Math.sin(x);
        out[t * channels + half + i] = (float) Math.cos(x);
      }
    }
    return out;
  }

  /** The parsed config.json. */
  public SpeechLmConfig config() {
    return config;
  }

  /** The checkpoint directory this model was loaded from. */
  public Path checkpointDir() {
    return checkpointDir;
  }

  /** {@link SpeechLmConfig#ARCHITECTURE}. */
  public String architecture() {
    return SpeechLmConfig.ARCHITECTURE;
  }

  /** Sum of element counts of all tensors in the checkpoint files (a tied matrix counted once). */
  public long parameterCount() {
    return parameterCount;
  }

  /** Storage dtype of the checkpoint ({@code float32}, {@code bfloat16}, ...); computation is float32. */
  public String dtype() {
    return dtype;
  }

  /** Number of {@link #prefillBatch} calls so far (prompt prefills; a cost counter). */
  public long prefillCount() {
    return prefills.get();
  }

  /** Number of NDArrays the model's own manager holds (weights; constant after load — a leak check). */
  public int residentArrayCount() {
    return manager.getManagedArrays().size();
  }

  /** Audio frames after pooling for a clip of {@code melFrames} log-mel frames: {@code ceil(L/2) / 2}. */
  public static int audioFrames(int melFrames) {
    return ((melFrames - 1) / 2 + 1) / POOL_FRAMES;
  }

  // ---------------------------------------------------------------------------------------------
  // audio encoder + projector
  // ---------------------------------------------------------------------------------------------

  /**
   * Projected audio embeddings of one clip: the decoder's input rows for its audio frames.
   *
   * @param logMel Whisper log-mel {@code (M, L)} (bins × frames, unpadded)
   * @return {@code (N, H)}, {@code N = ceil(L/2) / 2}
   * @throws RecognitionException if the shape does not fit the config or values are not finite
   */
  public float[][] encodeAudio(float[][] logMel) {
    return encodeAudioDetailed(logMel).projected();
  }

  /**
   * The decoder's input rows for one clip: its projected audio frames followed by the cue-prefix
   * rows of its feature vector ({@link AudioEncoding#decoderRows()}); the audio placeholder stands
   * for all of them in {@link #logits}, {@link #greedy}, {@link #prefillBatch} and the other prompt
   * methods.
   *
   * @param logMel Whisper log-mel {@code (M, L)}
   * @param cueFeatures the clip's raw (unstandardised) feature vector of {@code ser4j_cue_features}
   *     values (NaN allowed: an undefined feature), or {@code null} for a model without a cue prefix
   * @return {@code (N + K, H)} ({@code K = 0} without a cue prefix)
   * @throws RecognitionException if the log-mel does not fit, or the features are missing, of the
   *     wrong length, or given to a model without a cue prefix
   */
  public float[][] encodeAudio(float[][] logMel, double[] cueFeatures) {
    return encodeAudioDetailed(logMel, cueFeatures).decoderRows();
  }

  /**
   * The audio path with its intermediate outputs (encoder before pooling, after pooling, after the
   * final LayerNorm, after the projector).
   *
   * @param logMel Whisper log-mel {@code (M, L)}
   * @return the four outputs, shapes in {@link AudioEncoding}
   * @throws RecognitionException if the shape does not fit the config or values are not finite
   */
  public AudioEncoding encodeAudioDetailed(float[][] logMel) {
    return encodeAudioDetailed(logMel, null);
  }

  /**
   * The audio path with its intermediate outputs and the cue-prefix rows.
   *
   * @param logMel Whisper log-mel {@code (M, L)}
   * @param cueFeatures the clip's raw feature vector, or {@code null} for a model without a cue prefix
   * @return the outputs; {@link AudioEncoding#cueRows()} holds the {@code K} cue rows
   * @throws RecognitionException as {@link #encodeAudio(float[][], double[])}
   */
  public AudioEncoding encodeAudioDetailed(float[][] logMel, double[] cueFeatures) {
    int frames = checkLogMel(logMel, "log-mel");
    float[] z = standardiseCues(cueFeatures, "cue features");
    try (NDManager sub = manager.newSubManager()) {
      EncoderArrays e = encodeBatch(sub, new float[][][] {logMel}, new int[] {frames});
      float[][] cue = z == null ? new float[0][] : toRows(cueArrays(sub, z, 1));
      return new AudioEncoding(toRows(e.hidden().squeeze(0)), toRows(e.pooled().squeeze(0)),
          toRows(e.output().squeeze(0)), toRows(e.projected().squeeze(0)), cue);
    }
  }

  /**
   * The cue-prefix rows of one feature vector: {@code reshape(W·z + b, K, H)} with {@code z =
   * clamp((x − mean) / scale, −CUE_CLAMP, CUE_CLAMP)} and {@code z = 0} where {@code x} is not finite.
   *
   * @param cueFeatures the raw feature vector ({@code ser4j_cue_features} values)
   * @return {@code (K, H)}
   * @throws RecognitionException if the model has no cue prefix or the vector has the wrong length
   */
  public float[][] cueRows(double[] cueFeatures) {
    if (config.cuePrefix() == null) {
      throw new RecognitionException("cue features", "the model has no cue prefix (no " + SpeechLmConfig.CUE_FEATURES_KEY
          + " in its config)");
    }
    float[] z = standardiseCues(cueFeatures, "cue features");
    try (NDManager sub = manager.newSubManager()) {
      return toRows(cueArrays(sub, z, 1));
    }
  }

  /** Number of cue-prefix rows K the audio placeholder adds after the audio frames (0: no cue prefix). */
  public int cueTokens() {
    return config.cuePrefix() == null ? 0 : config.cuePrefix().tokens();
  }

  /**
   * The cue standardisation in effect ({@link #CUE_MEAN}, {@link #CUE_SCALE}).
   *
   * @return {@code {mean, scale}}, new arrays of {@code F} values each
   * @throws RecognitionException if the model has no cue prefix
   */
  public float[][] cueStandardisation() {
    if (cueMean == null) {
      throw new RecognitionException("cue standardisation", "the model has no cue prefix");
    }
    return new float[][] {floats(cueMean), floats(cueScale)};
  }

  /**
   * Sets the cue standardisation ({@link #CUE_MEAN}, {@link #CUE_SCALE}) in place, e.g. fitted on
   * the training clips before the first step. Must not overlap a forward or a training step.
   *
   * @param mean per feature, finite
   * @param scale per feature, finite and {@code > 0}
   * @throws RecognitionException if the model has no cue prefix, or a length or value is invalid
   *     (nothing is changed then)
   */
  public void setCueStandardisation(float[] mean, float[] scale) {
    if (cueMean == null) {
      throw new RecognitionException("cue standardisation", "the model has no cue prefix");
    }
    checkStandardisation(mean, scale, "cue standardisation", false);
    cueMean.set(java.nio.FloatBuffer.wrap(mean));
    cueScale.set(java.nio.FloatBuffer.wrap(scale));
  }

  private void checkStandardisation(float[] mean, float[] scale, String what, boolean loading) {
    int f = config.cuePrefix().features();
    String problem = null;
    if (mean == null || scale == null || mean.length != f || scale.length != f) {
      problem = "mean and scale need " + f + " values each (" + SpeechLmConfig.CUE_FEATURES_KEY + ")";
    } else {
      for (int i = 0; i < f && problem == null; i++) {
        if (!Float.isFinite(mean[i])) {
          problem = CUE_MEAN + "[" + i + "] is " + mean[i] + " (must be finite)";
        } else if (!(scale[i] > 0f) || Float.isInfinite(scale[i])) {
          problem = CUE_SCALE + "[" + i + "] is " + scale[i] + " (must be finite and > 0)";
        }
      }
    }
    if (problem != null) {
      if (loading) {
        throw new ModelLoadException(what, problem);
      }
      throw new RecognitionException(what, problem);
    }
  }

  /**
   * Checks a raw cue vector against the config and standardises it (see {@link #cueRows}).
   *
   * @return {@code z} ({@code F} values), or {@code null} when the model has no cue prefix and none
   *     was given
   */
  private float[] standardiseCues(double[] x, String what) {
    SpeechLmConfig.CuePrefix cue = config.cuePrefix();
    if (cue == null) {
      if (x != null) {
        throw new RecognitionException(what, "given, but the model has no cue prefix (no "
            + SpeechLmConfig.CUE_FEATURES_KEY + " in its config)");
      }
      return null;
    }
    if (x == null) {
      throw new RecognitionException(what, "missing: the model has a cue prefix of " + cue.features()
          + " features (" + cue.featureSet() + ") and needs the clip's feature vector");
    }
    if (x.length != cue.features()) {
      throw new RecognitionException(what, x.length + " values, but the model's " + SpeechLmConfig.CUE_FEATURES_KEY
          + " is " + cue.features() + " (" + cue.featureSet() + ")");
    }
    float[] mean = floats(cueMean);
    float[] scale = floats(cueScale);
    float[] z = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      z[i] = Double.isFinite(x[i])
          ? (float) Math.max(-CUE_CLAMP, Math.min(CUE_CLAMP, (x[i] - mean[i]) / scale[i])) : 0f;
    }
    return z;
  }

  /**
   * The cue rows of {@code a} standardised vectors ({@code a·F} values, row-major), in {@code sub}
   * and differentiable in the projector's weight and bias: {@code (a·K, H)}.
   */
  private NDArray cueArrays(NDManager sub, float[] z, int a) {
    SpeechLmConfig.CuePrefix cue = config.cuePrefix();
    NDArray zs = act(sub.create(z, new Shape(a, cue.features()))); // (a, F)
    return linear(zs, cueW, cueB).reshape((long) a * cue.tokens(), config.textConfig().hiddenSize());
  }

  /**
   * The audio path on a zero-padded batch: {@code (B, M, Lmax)} log-mel, conv1 output zeroed past each
   * clip's length (so that conv2 sees what zero padding gives an unpadded clip), encoder keys past
   * each clip's {@code T_b} masked. Row {@code b}'s first {@code T_b} encoder frames and first
   * {@code N_b} audio frames equal those of the clip run alone (up to float rounding); later frames
   * are padding.
   *
   * @param logMels per clip {@code (M, L_b)}, checked
   * @param frames per clip {@code L_b}
   */
  private EncoderArrays encodeBatch(NDManager sub, float[][][] logMels, int[] frames) {
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    int b = logMels.length;
    int bins = a.numMelBins();
    int maxFrames = 0;
    for (int f : frames) {
      maxFrames = Math.max(maxFrames, f);
    }
    int t = (maxFrames - 1) / 2 + 1;
    int n = t / POOL_FRAMES;
    float[] flat = new float[b * bins * maxFrames];
    float[] frameMask = new float[b * maxFrames];
    float[] keyMask = new float[b * t];
    boolean padded = false;
    for (int r = 0; r < b; r++) {
      for (int m = 0; m < bins; m++) {
        System.arraycopy(logMels[r][m], 0, flat, (r * bins + m) * maxFrames, frames[r]);
      }
      Arrays.fill(frameMask, r * maxFrames, r * maxFrames + frames[r], 1f);
      int valid = (frames[r] - 1) / 2 + 1;
      Arrays.fill(keyMask, r * t + valid, (r + 1) * t, PAD_MASK);
      padded |= frames[r] < maxFrames;
    }
    NDArray mel = act(sub.create(flat, new Shape(b, bins, maxFrames))); // (B, M, L)
    NDArray x = gelu(conv(mel, conv1W, conv1B, 1)); // (B, D, L)
    if (padded) {
      x = x.mul(act(sub.create(frameMask, new Shape(b, 1, maxFrames))));
    }
    x = gelu(conv(x, conv2W, conv2B, 2)); // (B, D, T)
    x = x.transpose(0, 2, 1); // (B, T, D)
    if (a.scaleEmbedding()) {
      x = x.mul(act(sub.create((float) Math.sqrt(a.dModel()))));
    }
    x = x.add(embedPositions.get(sub, new NDIndex("0:{}", t))); // (B, T, D)
    NDArray mask = padded ? sub.create(keyMask, new Shape(b, 1, 1, t)) : null; // float32, see softmaxMasked
    NDArray scaling = act(sub.create((float) Math.pow(a.headDim(), -0.5)));
    for (EncoderLayer layer : encoderLayers) {
      x = x.add(encoderAttention(layerNorm(x, layer.attnLnW(), layer.attnLnB()), layer, mask, scaling));
      NDArray f = gelu(linear(layerNorm(x, layer.ffnLnW(), layer.ffnLnB()), layer.fc1(), layer.fc1B()));
      x = x.add(linear(f, layer.fc2(), layer.fc2B()));
    }
    NDArray hidden = x; // (B, T, D)
    NDArray pooled = hidden.get(new NDIndex(":, 0:{}", POOL_FRAMES * n))
        .reshape(b, n, POOL_FRAMES, a.dModel()).mean(new int[] {2}); // (B, N, D)
    NDArray out = layerNorm(pooled, encLnW, encLnB); // (B, N, D)
    NDArray projected = linear(out, proj, projB); // (B, N, H)
    return new EncoderArrays(hidden, pooled, out, projected);
  }

  /**
   * Checks a log-mel's shape, values and encoder length.
   *
   * @return its frame count {@code L}
   */
  private int checkLogMel(float[][] logMel, String what) {
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    int bins = a.numMelBins();
    if (logMel == null || logMel.length != bins) {
      throw new RecognitionException(what, (logMel == null ? "null" : logMel.length + " bins")
          + " but the checkpoint's num_mel_bins is " + bins);
    }
    int frames = logMel[0] == null ? 0 : logMel[0].length;
    for (int m = 0; m < bins; m++) {
      if (logMel[m] == null || logMel[m].length != frames) {
        throw new RecognitionException(what, "row " + m + " does not have " + frames + " frames like row 0");
      }
      for (float v : logMel[m]) {
        if (!Float.isFinite(v)) {
          throw new RecognitionException(what, "non-finite value in bin " + m);
        }
      }
    }
    int t = (frames - 1) / 2 + 1;
    if (t > a.maxSourcePositions()) {
      throw new RecognitionException(what, frames + " frames give " + t
          + " encoder positions > max_source_positions " + a.maxSourcePositions());
    }
    if (t / POOL_FRAMES < 1) {
      throw new RecognitionException(what, frames + " frames give no audio frame after pooling (need >= 3)");
    }
    return frames;
  }

  /** Bidirectional multi-head attention of the encoder: {@code (B, T, D) → (B, T, D)}. */
  private NDArray encoderAttention(NDArray x, EncoderLayer l, NDArray mask, NDArray scaling) {
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int heads = a.encoderAttentionHeads();
    int hd = a.headDim();
    NDArray q = linear(x, l.q(), l.qB()).mul(scaling).reshape(b, t, heads, hd).transpose(0, 2, 1, 3); // (B, h, T, hd)
    NDArray k = linear(x, l.k(), null).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
    NDArray v = linear(x, l.v(), l.vB()).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
    NDArray w = softmaxMasked(q.matMul(k.transpose(0, 1, 3, 2)), mask); // (B, h, T, T)
    NDArray o = w.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, a.dModel()); // (B, T, D)
    return linear(o, l.out(), l.outB());
  }

  // ---------------------------------------------------------------------------------------------
  // language model
  // ---------------------------------------------------------------------------------------------

  /**
   * Decoder logits at every position of a prompt, with the clip's audio merged in (full recompute,
   * no cache).
   *
   * @param inputIds prompt ids; with audio, exactly one {@code audio_token_index}, replaced in place
   *     by all {@code N} audio rows (positions then run on consecutively)
   * @param audioEmbeds projected audio {@code (N, H)} from {@link #encodeAudio}, or {@code null} for
   *     a text-only prompt
   * @return {@code (S, V)} float32 logits, {@code S = len(inputIds) - 1 + N} ({@code len} without audio)
   * @throws RecognitionException on ids outside the vocabulary, a missing/extra audio placeholder, a
   *     wrong audio width or a sequence longer than {@code max_position_embeddings}
   */
  public float[][] logits(int[] inputIds, float[][] audioEmbeds) {
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = embedPrompt(sub, inputIds, audioEmbeds);
      return toRows(decode(x.expandDims(0), null, NO_PAD, false, false).squeeze(0));
    }
  }

  /**
   * Greedy decoding with a KV cache: the prompt is prefilled once, then one token per step at the next
   * position; {@code argmax} ties go to the lowest id. Runs exactly {@code maxNewTokens} steps (no stop
   * at EOS; callers cut at {@code eos_token_id}).
   *
   * @param inputIds prompt ids (see {@link #logits})
   * @param audioEmbeds projected audio {@code (N, H)} or {@code null}
   * @param maxNewTokens number of tokens to generate, {@code >= 0}
   * @return the generated ids, length {@code maxNewTokens}
   * @throws RecognitionException as {@link #logits}, or if the continuation would pass {@code
   *     max_position_embeddings}
   */
  public int[] greedy(int[] inputIds, float[][] audioEmbeds, int maxNewTokens) {
    checkNewTokens(maxNewTokens);
    int[] out = new int[maxNewTokens];
    if (maxNewTokens == 0) {
      return out;
    }
    try (KvCache cache = newCache()) {
      int pos;
      int next;
      try (NDManager sub = manager.newSubManager()) {
        NDArray x = embedPrompt(sub, inputIds, audioEmbeds);
        pos = (int) x.getShape().get(0);
        checkLength(pos + maxNewTokens - 1);
        next = argMax(floats(decode(x.expandDims(0), cache, NO_PAD, true, false)));
      }
      out[0] = next;
      for (int i = 1; i < maxNewTokens; i++) {
        try (NDManager sub = manager.newSubManager()) {
          NDArray x = embedTokens(sub, new int[] {out[i - 1]}); // (1, H)
          out[i] = argMax(floats(decode(x.expandDims(0), cache, NO_PAD, true, false)));
          pos++;
        }
      }
    }
    return out;
  }

  /**
   * Greedy decoding without a cache: recomputes the whole sequence at every step. Quadratic; the
   * reference the cached path is checked against.
   *
   * @param inputIds prompt ids (see {@link #logits})
   * @param audioEmbeds projected audio {@code (N, H)} or {@code null}
   * @param maxNewTokens number of tokens to generate, {@code >= 0}
   * @return the generated ids
   * @throws RecognitionException as {@link #greedy}
   */
  public int[] greedyRecompute(int[] inputIds, float[][] audioEmbeds, int maxNewTokens) {
    checkNewTokens(maxNewTokens);
    int[] out = new int[maxNewTokens];
    for (int i = 0; i < maxNewTokens; i++) {
      try (NDManager sub = manager.newSubManager()) {
        NDArray x = embedPrompt(sub, inputIds, audioEmbeds);
        checkLength((int) x.getShape().get(0) + i);
        if (i > 0) { // generated ids are plain tokens, even one equal to audio_token_index
          x = x.concat(embedTokens(sub, Arrays.copyOf(out, i)), 0);
        }
        out[i] = argMax(floats(decode(x.expandDims(0), null, NO_PAD, true, false)));
      }
    }
    return out;
  }

  /**
   * A new, empty KV cache for one generation request with this model. Close it when done.
   *
   * @return a cache holding nothing yet
   */
  public KvCache newCache() {
    return new KvCache(manager.newSubManager(), decoderLayers.length, NO_PAD);
  }

  /**
   * Prefills a batch of prompts into one new batched cache, left-padding the shorter prompts: row
   * {@code b}'s real positions start at 0 after its padding, and its padded key columns are masked in
   * every later step, so each row's logits equal those of its prompt run alone (up to float rounding).
   *
   * @param inputIds one prompt per row (see {@link #logits})
   * @param audioEmbeds per row the projected audio {@code (N, H)} or {@code null}; the array itself may
   *     be {@code null} for text-only prompts
   * @param cacheOut receives the new cache at index 0 (the caller closes it)
   * @return {@code (B, V)} logits of each row's last prompt position
   * @throws RecognitionException as {@link #logits}, or on an empty batch / mismatched lengths
   */
  public float[][] prefillBatch(int[][] inputIds, float[][][] audioEmbeds, KvCache[] cacheOut) {
    if (inputIds == null || inputIds.length == 0) {
      throw new RecognitionException("input_ids", "empty batch");
    }
    if (audioEmbeds != null && audioEmbeds.length != inputIds.length) {
      throw new RecognitionException("audio embeddings", audioEmbeds.length + " entries for a batch of "
          + inputIds.length);
    }
    if (cacheOut == null || cacheOut.length < 1) {
      throw new RecognitionException("cacheOut", "needs one slot");
    }
    int b = inputIds.length;
    int h = config.textConfig().hiddenSize();
    prefills.incrementAndGet();
    try (NDManager sub = manager.newSubManager()) {
      NDArray[] rows = new NDArray[b];
      int longest = 0;
      for (int i = 0; i < b; i++) {
        rows[i] = embedPrompt(sub, inputIds[i], audioEmbeds == null ? null : audioEmbeds[i]);
        longest = Math.max(longest, (int) rows[i].getShape().get(0));
      }
      int[] pad = new int[b];
      NDList padded = new NDList(b);
      for (int i = 0; i < b; i++) {
        int len = (int) rows[i].getShape().get(0);
        pad[i] = longest - len;
        NDArray r = pad[i] == 0 ? rows[i] : sub.zeros(new Shape(pad[i], h), computeType).concat(rows[i], 0);
        padded.add(r);
      }
      KvCache cache = new KvCache(manager.newSubManager(), decoderLayers.length, pad);
      try {
        NDArray logits = decode(NDArrays.stack(padded), cache, pad, true, false); // (B, V)
        cacheOut[0] = cache;
        return toRows(logits);
      } catch (RuntimeException e) {
        cache.close();
        throw e;
      }
    }
  }

  /**
   * One step for every row of a batched cache: appends {@code inputIds[b]} to row {@code b} and
   * returns each row's logits at its last new position.
   *
   * @param cache a cache of {@code B} rows ({@link #newCache}, {@link #prefillBatch}, {@link
   *     KvCache#select})
   * @param inputIds {@code (B, T)} next ids (no audio placeholder; all rows the same length)
   * @return {@code (B, V)} logits
   * @throws RecognitionException on a batch size other than the cache's, ragged rows, ids outside the
   *     vocabulary or a sequence too long
   */
  public float[][] stepBatch(KvCache cache, int[][] inputIds) {
    try (NDManager sub = manager.newSubManager()) {
      return toRows(decode(embedBatch(sub, cache, inputIds), cache, cache.padding(), true, false));
    }
  }

  /**
   * Like {@link #stepBatch} but returns the logits of every new position, {@code (B, T, V)}: used to
   * score continuations (teacher forcing) over a cached prefix.
   *
   * @param cache a cache of {@code B} rows
   * @param inputIds {@code (B, T)} ids
   * @return {@code [b][t][v]} logits
   * @throws RecognitionException as {@link #stepBatch}
   */
  public float[][][] stepBatchAll(KvCache cache, int[][] inputIds) {
    try (NDManager sub = manager.newSubManager()) {
      NDArray logits = decode(embedBatch(sub, cache, inputIds), cache, cache.padding(), false, false);
      Shape s = logits.getShape();
      int rows = (int) s.get(0);
      int t = (int) s.get(1);
      int v = (int) s.get(2);
      float[] flat = floats(logits);
      float[][][] out = new float[rows][t][];
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < t; i++) {
          int from = (r * t + i) * v;
          out[r][i] = Arrays.copyOfRange(flat, from, from + v);
        }
      }
      return out;
    }
  }

  private NDArray embedBatch(NDManager sub, KvCache cache, int[][] inputIds) {
    if (inputIds == null || inputIds.length != cache.batchSize()) {
      throw new RecognitionException("input_ids", (inputIds == null ? "null" : inputIds.length + " rows")
          + " for a cache of " + cache.batchSize() + " rows");
    }
    int t = inputIds[0] == null ? 0 : inputIds[0].length;
    if (t == 0) {
      throw new RecognitionException("input_ids", "empty row 0");
    }
    checkLength(cache.length() + t);
    NDList rows = new NDList(inputIds.length);
    for (int b = 0; b < inputIds.length; b++) {
      if (inputIds[b] == null || inputIds[b].length != t) {
        throw new RecognitionException("input_ids", "row " + b + " is not of length " + t);
      }
      rows.add(embedTokens(sub, inputIds[b]));
    }
    return NDArrays.stack(rows); // (B, T, H)
  }

  /**
   * Logits of new positions given a cache: appends {@code inputIds}' keys and values to the cache and
   * returns the logits of the last new position. For custom decoding loops ({@link #greedy} is one).
   *
   * @param cache this model's cache, holding {@code cache.length()} earlier positions
   * @param inputIds the next token ids (no audio placeholder)
   * @return {@code (V)} logits of the last of them
   * @throws RecognitionException on ids outside the vocabulary or a sequence too long
   */
  public float[] step(KvCache cache, int[] inputIds) {
    if (inputIds == null || inputIds.length == 0) {
      throw new RecognitionException("input_ids", "empty");
    }
    checkLength(cache.length() + inputIds.length);
    try (NDManager sub = manager.newSubManager()) {
      if (cache.batchSize() != 1) {
        throw new RecognitionException("KV cache", cache.batchSize() + " rows; use stepBatch");
      }
      NDArray x = embedTokens(sub, inputIds).expandDims(0);
      return floats(decode(x, cache, cache.padding(), true, false));
    }
  }

  private static void checkNewTokens(int maxNewTokens) {
    if (maxNewTokens < 0) {
      throw new RecognitionException("maxNewTokens", "negative: " + maxNewTokens);
    }
  }

  private void checkLength(int positions) {
    int max = config.textConfig().maxPositionEmbeddings();
    if (positions > max) {
      throw new RecognitionException("input_ids", "sequence of " + positions
          + " positions > max_position_embeddings " + max);
    }
  }

  /** Embedding rows of the ids, {@code (len, H)}, in {@code sub}. */
  private NDArray embedTokens(NDManager sub, int[] ids) {
    int v = config.textConfig().vocabSize();
    NDList rows = new NDList(ids.length);
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= v) {
        throw new RecognitionException("input_ids", "id " + ids[i] + " at index " + i + " outside the vocabulary [0, " + v + ")");
      }
      rows.add(embedTokens.get(sub, ids[i]));
    }
    return NDArrays.stack(rows);
  }

  /** Prompt embeddings with the audio merged at the placeholder: {@code (S, H)} in {@code sub}. */
  private NDArray embedPrompt(NDManager sub, int[] ids, float[][] audio) {
    if (ids == null || ids.length == 0) {
      throw new RecognitionException("input_ids", "empty");
    }
    int placeholder = -1;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == config.audioTokenIndex()) {
        if (placeholder >= 0) {
          throw new RecognitionException("input_ids", "more than one audio_token_index "
              + config.audioTokenIndex() + " (at " + placeholder + " and " + i + "); one clip is supported");
        }
        placeholder = i;
      }
    }
    if (audio == null) {
      if (placeholder >= 0) {
        throw new RecognitionException("input_ids", "audio_token_index at " + placeholder + " but no audio given");
      }
      checkLength(ids.length);
      return embedTokens(sub, ids);
    }
    if (placeholder < 0) {
      throw new RecognitionException("input_ids", "audio given but no audio_token_index " + config.audioTokenIndex());
    }
    int h = config.textConfig().hiddenSize();
    if (audio.length == 0) {
      throw new RecognitionException("audio embeddings", "no frames");
    }
    float[] flat = new float[audio.length * h];
    for (int i = 0; i < audio.length; i++) {
      if (audio[i] == null || audio[i].length != h) {
        throw new RecognitionException("audio embeddings", "row " + i + " is not of width hidden_size " + h);
      }
      System.arraycopy(audio[i], 0, flat, i * h, h);
    }
    checkLength(ids.length - 1 + audio.length);
    NDList parts = new NDList(3);
    if (placeholder > 0) {
      parts.add(embedTokens(sub, Arrays.copyOfRange(ids, 0, placeholder)));
    }
    parts.add(act(sub.create(flat, new Shape(audio.length, h))));
    if (placeholder < ids.length - 1) {
      parts.add(embedTokens(sub, Arrays.copyOfRange(ids, placeholder + 1, ids.length)));
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }

  /**
   * The decoder stack on {@code x (B, T, H)}; row {@code b}'s column {@code c} sits at position
   * {@code past + c - pad[b]} ({@code past} = cached positions) and its key columns {@code < pad[b]}
   * are masked (left padding).
   *
   * @param cache when non-null, earlier keys/values are read from it and the new ones appended
   * @param pad per row the number of left-padding columns (all rows 0 for {@link #NO_PAD} of length 1)
   * @param lastOnly return only the last column's logits {@code (B, V)} instead of {@code (B, T, V)}
   * @param training apply LoRA dropout
   */
  private NDArray decode(NDArray x, KvCache cache, int[] pad, boolean lastOnly, boolean training) {
    NDArray hidden = decodeHidden(x, cache, pad, training);
    if (lastOnly) {
      long t = hidden.getShape().get(1);
      return head(hidden.get(new NDIndex(":, {}:", t - 1))).squeeze(1); // (B, V)
    }
    return head(hidden); // (B, T, V)
  }

  /**
   * The decoder layers on {@code x (B, T, H)} (see {@link #decode}), before the final norm.
   */
  private NDArray decodeHidden(NDArray x, KvCache cache, int[] pad, boolean training) {
    LoraAdapters lora = adapters;
    if (lora != null && lora.merged()) {
      lora = null; // folded into the weights
    }
    SpeechLmConfig.TextConfig c = config.textConfig();
    NDManager sub = x.getManager();
    int b = (int) x.getShape().get(0);
    int t = (int) x.getShape().get(1);
    int d = c.headDim();
    int past = cache == null ? 0 : cache.length();
    int[] offsets = pad.length == b ? pad : new int[b];
    boolean padded = false;
    for (int o : offsets) {
      padded |= o > 0;
    }
    // RoPE tables (B', 1, T, d): cos/sin of [pos·inv_freq | pos·inv_freq], float32 as transformers
    // computes them; B' = 1 (broadcast over the batch) when no row is left-padded
    int rows = padded ? b : 1;
    float[] cos = new float[rows * t * d];
    float[] sin = new float[rows * t * d];
    int half = d / 2;
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < t; p++) {
        int base = (r * t + p) * d;
        int position = Math.max(0, past + p - offsets[r]);
        for (int i = 0; i < half; i++) {
          float theta = (float) position * invFreq[i];
          float cv = (float) Math.cos(theta);
          float sv = (float) Math.sin(theta);
          cos[base + i] = cv;
          cos[base + half + i] = cv;
          sin[base + i] = sv;
          sin[base + half + i] = sv;
        }
      }
    }
    NDArray cosNd = act(sub.create(cos, new Shape(rows, 1, t, d)));
    NDArray sinNd = act(sub.create(sin, new Shape(rows, 1, t, d)));
    NDArray mask = null;
    int s = past + t;
    if (t > 1 || padded) {
      // causal: -inf above the diagonal; padding: a large finite negative so that a padding query row
      // (all of whose keys are padding) stays finite instead of NaN
      float[] m = new float[rows * t * s];
      for (int r = 0; r < rows; r++) {
        for (int q = 0; q < t; q++) {
          int base = (r * t + q) * s;
          for (int k = 0; k < Math.min(offsets[r], s); k++) {
            m[base + k] = PAD_MASK;
          }
          for (int k = past + q + 1; k < s; k++) {
            m[base + k] = Float.NEGATIVE_INFINITY;
          }
        }
      }
      mask = sub.create(m, new Shape(rows, 1, t, s)); // float32, see softmaxMasked
    }
    for (int i = 0; i < decoderLayers.length; i++) {
      DecoderLayer l = decoderLayers[i];
      x = x.add(decoderAttention(rmsNorm(x, l.inNormW()), l, i, cosNd, sinNd, mask, cache, lora, training));
      NDArray h2 = rmsNorm(x, l.postNormW());
      NDArray gate = proj(h2, l.gate(), null, lora, i, "mlp.gate_proj", training);
      NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()); // silu
      NDArray up = proj(h2, l.up(), null, lora, i, "mlp.up_proj", training);
      x = x.add(proj(act.mul(up), l.down(), null, lora, i, "mlp.down_proj", training));
    }
    if (cache != null) {
      cache.advance(t);
    }
    return x;
  }

  /** The final RMSNorm and the LM head: {@code (..., H) → (..., V)}. */
  private NDArray head(NDArray x) {
    return linear(rmsNorm(x, normW), lmHead, null);
  }

  /** Causal GQA attention with RoPE: {@code h (B, T, H) → (B, T, H)}. */
  private NDArray decoderAttention(
      NDArray h, DecoderLayer l, int layer, NDArray cos, NDArray sin, NDArray mask, KvCache cache,
      LoraAdapters lora, boolean training) {
    SpeechLmConfig.TextConfig c = config.textConfig();
    long b = h.getShape().get(0);
    long t = h.getShape().get(1);
    int heads = c.numAttentionHeads();
    int kvHeads = c.numKeyValueHeads();
    int d = c.headDim();
    NDArray q = proj(h, l.q(), l.qB(), lora, layer, "self_attn.q_proj", training)
        .reshape(b, t, heads, d).transpose(0, 2, 1, 3); // (B, heads, T, d)
    NDArray k = proj(h, l.k(), l.kB(), lora, layer, "self_attn.k_proj", training)
        .reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3); // (B, KV, T, d)
    NDArray v = proj(h, l.v(), l.vB(), lora, layer, "self_attn.v_proj", training)
        .reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3); // (B, KV, T, d)
    q = rope(q, cos, sin);
    k = rope(k, cos, sin);
    if (cache != null) {
      NDList kv = cache.append(layer, k, v, h.getManager()); // (B, KV, past + T, d) each
      k = kv.get(0);
      v = kv.get(1);
    }
    int rep = heads / kvHeads;
    if (rep > 1) { // repeat_kv: query head j reads kv head j / rep
      long s = k.getShape().get(2);
      k = k.expandDims(2).broadcast(b, kvHeads, rep, s, d).reshape(b, heads, s, d);
      v = v.expandDims(2).broadcast(b, kvHeads, rep, s, d).reshape(b, heads, s, d);
    }
    // the scale as a 0-d array of the step's manager, not mul(float): DJL frees a Number operand's
    // scalar tensor at once, and a backward pass through q would then read freed memory
    NDArray scale = act(h.getManager().create((float) Math.pow(d, -0.5)));
    NDArray w = softmaxMasked(q.matMul(k.transpose(0, 1, 3, 2)).mul(scale), mask); // (B, heads, T, S)
    NDArray o = w.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * d); // (B, T, heads·d)
    return proj(o, l.o(), null, lora, layer, "self_attn.o_proj", training);
  }

  /** A decoder projection {@code x·Wᵀ (+ b)} plus its LoRA term when {@code lora} adapts it. */
  private static NDArray proj(
      NDArray x, NDArray w, NDArray bias, LoraAdapters lora, int layer, String module, boolean training) {
    NDArray y = linear(x, w, bias);
    if (lora != null) {
      NDArray delta = lora.delta(layer, module, x, training);
      if (delta != null) {
        y = y.add(delta);
      }
    }
    return y;
  }

  // ---------------------------------------------------------------------------------------------
  // blocks (every result attaches to the activation's sub-manager: the activation is the receiver)
  // ---------------------------------------------------------------------------------------------

  /** {@code x · Wᵀ + b} ({@code torch.nn.functional.linear}) with {@code w (out, in)}; {@code b} may be null. */
  private static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
  }

  /** LayerNorm over the last axis, biased variance, {@link #LAYER_NORM_EPS}. */
  private static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
    long last = x.getShape().get(x.getShape().dimension() - 1);
    return x.getNDArrayInternal().layerNorm(x, new Shape(last), weight, bias, LAYER_NORM_EPS).singletonOrThrow();
  }

  /** RMSNorm over the last axis: {@code weight · x / sqrt(mean(x²) + eps)}. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    if (x.getDataType() != DataType.FLOAT32) { // float16: normalise in float32 (as Hugging Face does)
      NDArray x32 = x.toType(DataType.FLOAT32, false);
      NDArray variance = x32.square().mean(new int[] {-1}, true);
      return x32.div(variance.add((float) config.textConfig().rmsNormEps()).sqrt()).toType(x.getDataType(), false)
          .mul(weight);
    }
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.div(variance.add((float) config.textConfig().rmsNormEps()).sqrt()).mul(weight);
  }

  /** Exact GELU, {@code 0.5·x·(1 + erf(x/√2))} ({@code torch.nn.functional.gelu}). */
  private static NDArray gelu(NDArray x) {
    return x.getNDArrayInternal().gelu();
  }

  /** Conv1d with kernel 3, zero padding 1: {@code (B, Cin, L) → (B, Cout, L')}. */
  private static NDArray conv(NDArray x, NDArray w, NDArray b, int stride) {
    return Conv1d.conv1d(x, w, b, new Shape(stride), new Shape(1), new Shape(1), 1).singletonOrThrow();
  }

  /** RoPE, rotate_half convention: {@code x·cos + [−x2 | x1]·sin}, {@code x (B, heads, T, d)}. */
  private static NDArray rope(NDArray x, NDArray cos, NDArray sin) {
    long d = x.getShape().get(3);
    long half = d / 2;
    NDArray x1 = x.get(new NDIndex(":, :, :, :{}", half));
    NDArray x2 = x.get(new NDIndex(":, :, :, {}:", half));
    NDArray rotated = x2.neg().concat(x1, 3);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /**
   * {@code softmax(w + mask)} over the last axis; the float32 additive mask may be {@code null}. A
   * float16 model upcasts the scores to float32 first (as Hugging Face's eager attention does), so the
   * large negative mask values neither overflow nor turn padding rows into NaN.
   */
  private static NDArray softmaxMasked(NDArray w, NDArray mask) {
    boolean half = w.getDataType() != DataType.FLOAT32;
    NDArray x = half ? w.toType(DataType.FLOAT32, false) : w;
    if (mask != null) {
      x = x.add(mask);
    }
    x = x.softmax(-1);
    return half ? x.toType(w.getDataType(), false) : x;
  }

  /** An activation or constant in the compute type (float16 models cast; float32 unchanged). */
  private NDArray act(NDArray a) {
    return a.getDataType() == computeType ? a : a.toType(computeType, false);
  }

  /** Values as float32, whatever the array's float type. */
  private static float[] floats(NDArray a) {
    return a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, false).toFloatArray();
  }

  private static float[][] toRows(NDArray a) {
    Shape s = a.getShape();
    int rows = (int) s.get(0);
    int cols = (int) s.get(1);
    float[] flat = floats(a);
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
    }
    return out;
  }

  /** Index of the largest value; ties go to the lowest index (as {@code torch.argmax}). */
  static int argMax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // fine-tuning hooks (LoRA, trainable forward)
  // ---------------------------------------------------------------------------------------------

  /** Decoder projections LoRA may adapt, as named in the checkpoint under {@code layers.<i>.}. */
  static final java.util.List<String> DECODER_PROJECTIONS = java.util.List.of(
      "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
      "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj");

  /** Checkpoint prefix of decoder layer {@code i}'s modules. */
  static String decoderLayerPrefix(int layer) {
    return "language_model.model.layers." + layer + ".";
  }

  /**
   * Uses {@code lora} in every forward of this model (inference methods included) until replaced;
   * {@code null} removes adapters. Merged adapters are skipped (their update is in the weights).
   * Must not overlap a forward call.
   *
   * @param lora adapters created for this model, or {@code null}
   * @throws RecognitionException if the adapters belong to another model
   */
  public void setAdapters(LoraAdapters lora) {
    if (lora != null && lora.model() != this) {
      throw new RecognitionException("LoRA adapters", "created for another model");
    }
    if (lora != null && computeType != DataType.FLOAT32) {
      throw new RecognitionException("LoRA adapters", "the model is float16; load it with Precision.FP32 to use adapters");
    }
    this.adapters = lora;
  }

  /** The adapters set by {@link #setAdapters}, or {@code null}. */
  public LoraAdapters adapters() {
    return adapters;
  }

  /**
   * Differentiable decoder logits of a prompt (teacher forcing), for use inside a DJL
   * {@code GradientCollector}: the result lives in {@code sub} and its graph reaches the adapters'
   * parameters (the base weights are frozen: they never require a gradient). Position {@code p}'s
   * row predicts the token at {@code p + 1}.
   *
   * @param sub the caller's per-step manager (close it after {@code backward})
   * @param inputIds prompt ids as in {@link #logits}
   * @param audioEmbeds projected audio {@code (N, H)} from {@link #encodeAudio}, or {@code null}
   * @param training apply LoRA dropout
   * @return {@code (S, V)} logits in {@code sub}
   * @throws RecognitionException as {@link #logits}
   */
  public NDArray trainingLogits(NDManager sub, int[] inputIds, float[][] audioEmbeds, boolean training) {
    NDArray x = embedPrompt(sub, inputIds, audioEmbeds);
    return decode(x.expandDims(0), null, NO_PAD, false, training).squeeze(0);
  }

  /** {@code (in, out)} of decoder projection {@code module} (one of {@link #DECODER_PROJECTIONS}). */
  long[] decoderProjectionShape(String module) {
    SpeechLmConfig.TextConfig t = config.textConfig();
    long h = t.hiddenSize();
    long q = (long) t.numAttentionHeads() * t.headDim();
    long kv = (long) t.numKeyValueHeads() * t.headDim();
    long i = t.intermediateSize();
    return switch (module) {
      case "self_attn.q_proj" -> new long[] {h, q};
      case "self_attn.k_proj", "self_attn.v_proj" -> new long[] {h, kv};
      case "self_attn.o_proj" -> new long[] {q, h};
      case "mlp.gate_proj", "mlp.up_proj" -> new long[] {h, i};
      case "mlp.down_proj" -> new long[] {i, h};
      default -> throw new RecognitionException("LoRA target", "unknown decoder projection " + module);
    };
  }

  /** Number of decoder layers. */
  int decoderLayerCount() {
    return decoderLayers.length;
  }

  /** The {@code (out, in)} weight of a decoder projection (LoRA merge adds to it in place). */
  NDArray decoderWeight(int layer, String module) {
    DecoderLayer l = decoderLayers[layer];
    return switch (module) {
      case "self_attn.q_proj" -> l.q();
      case "self_attn.k_proj" -> l.k();
      case "self_attn.v_proj" -> l.v();
      case "self_attn.o_proj" -> l.o();
      case "mlp.gate_proj" -> l.gate();
      case "mlp.up_proj" -> l.up();
      case "mlp.down_proj" -> l.down();
      default -> throw new RecognitionException("LoRA target", "unknown decoder projection " + module);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // full trainability: scopes, batched loss, parameters, snapshots, save
  // ---------------------------------------------------------------------------------------------

  /** The storage and compute precision ({@link Precision#FP16} for a GPU load by default). */
  public Precision precision() {
    return computeType == DataType.FLOAT16 ? Precision.FP16 : Precision.FP32;
  }

  /** The device the weights live on. */
  public Device device() {
    return manager.getDevice();
  }

  /** Whether this model was built for training ({@link #initialise}, {@link #loadTrainable}). */
  public boolean isTrainable() {
    return trainable;
  }

  /**
   * Makes the parameters of {@code scope} require a gradient and every other base parameter not.
   * Must not overlap a forward or a training step.
   *
   * @param scope which parameters train
   * @throws RecognitionException if {@code scope} is not {@link TrainingScope#NONE} and the model was
   *     loaded for inference ({@link #load}: its manager is capped, so gradients cannot be held)
   */
  public void setTrainable(TrainingScope scope) {
    if (scope != TrainingScope.NONE && !trainable) {
      throw new RecognitionException("training scope " + scope,
          "model loaded for inference; use SpeechLm.loadTrainable or SpeechLm.initialise");
    }
    if (trainable) {
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        e.getValue().setRequiresGradient(scope.trains(e.getKey()));
      }
    }
    trainingScope = scope;
  }

  /** The scope set by {@link #setTrainable} ({@link TrainingScope#NONE} initially). */
  public TrainingScope trainingScope() {
    return trainingScope;
  }

  /**
   * Every base parameter by checkpoint key, in the checkpoint's orientation and shape (Linear
   * {@code (out, in)}, Conv1d {@code (out, in, 3)}), checkpoint order; a tied {@code lm_head} is
   * {@code embed_tokens} and not listed. The arrays are the model's own: update them in place only
   * (outside a {@code GradientCollector}), e.g. with {@link io.ser4j.model.train.AdamW}.
   *
   * @return an unmodifiable view
   */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(params);
  }

  /**
   * The parameters the current {@link #trainingScope} trains (they require a gradient), by key, in
   * checkpoint order; for {@link io.ser4j.model.train.ParameterGroups#split}.
   *
   * @return a new unmodifiable map (empty under {@link TrainingScope#NONE})
   */
  public Map<String, NDArray> trainableParameters() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    TrainingScope scope = trainingScope;
    params.forEach((k, v) -> {
      if (scope.trains(k)) {
        out.put(k, v);
      }
    });
    return Collections.unmodifiableMap(out);
  }

  /**
   * The batched, padded, differentiable teacher-forcing loss over all parameters (those of {@link
   * #trainingScope} and any LoRA adapters get gradients): log-mel → encoder → projector → audio frames
   * merged at each item's placeholder → decoder → logits of the target positions only → weighted
   * masked cross-entropy ({@link io.ser4j.model.train.MaskedCrossEntropy}). Audio is zero-padded to
   * the batch's longest clip with padded frames masked ({@link #encodeAudio} of each clip alone gives
   * the same frames up to float rounding); token sequences are right-padded, which the causal mask
   * hides. With a cue prefix the placeholder stands for the {@code N} audio frames followed by the
   * {@code K} rows of the item's {@link TrainingBatch.Item#cueFeatures()} ({@link #cueRows}), which
   * are differentiable in {@link #CUE_WEIGHT} and {@link #CUE_BIAS}. No dropout is applied to base parameters ({@code training} only switches LoRA dropout).
   *
   * <p>Call it inside a DJL {@code GradientCollector} and {@code backward(result.loss())}, or outside
   * one for a validation loss. Every array it creates lives in {@code sub}; close {@code sub} after
   * the step. No constant enters the graph as a Java {@code Number} (GUIDE §2).
   *
   * @param sub the caller's per-step manager (a sub-manager of any manager on the model's device)
   * @param batch the examples
   * @param training apply LoRA dropout (when adapters are set)
   * @param withLogits also return the target positions' logits
   * @return the loss and what it was computed over
   * @throws RecognitionException naming the item when its ids leave the vocabulary, its audio
   *     placeholder count is wrong (one with audio, none without), a placeholder has a nonzero
   *     weight, its log-mel does not fit the config, its cue features are missing, of the wrong
   *     length or given to a model without a cue prefix, or its sequence exceeds {@code
   *     max_position_embeddings}
   */
  public TrainingLoss trainingLoss(NDManager sub, TrainingBatch batch, boolean training, boolean withLogits) {
    java.util.List<TrainingBatch.Item> items = batch.items();
    int b = items.size();
    int v = config.textConfig().vocabSize();
    int h = config.textConfig().hiddenSize();
    int cueK = cueTokens();
    int[] placeholder = new int[b];
    int[] audioFrames = new int[b];
    int[] span = new int[b]; // positions the placeholder stands for: N audio frames + K cue rows
    int[] audioRow = new int[b];
    java.util.List<float[]> cueZ = new java.util.ArrayList<>();
    int[] length = new int[b];
    java.util.List<float[][]> mels = new java.util.ArrayList<>();
    java.util.List<Integer> melFrames = new java.util.ArrayList<>();
    int longest = 0;
    for (int i = 0; i < b; i++) {
      TrainingBatch.Item item = items.get(i);
      int[] ids = item.inputIds();
      String what = "training item " + i;
      placeholder[i] = -1;
      for (int k = 0; k < ids.length; k++) {
        if (ids[k] < 0 || ids[k] >= v) {
          throw new RecognitionException(what, "id " + ids[k] + " at index " + k + " outside the vocabulary [0, " + v + ")");
        }
        if (ids[k] == config.audioTokenIndex()) {
          if (placeholder[i] >= 0 || item.logMel() == null) {
            throw new RecognitionException(what, "audio_token_index " + config.audioTokenIndex() + " at index " + k
                + (item.logMel() == null ? " but the item has no audio" : " and at " + placeholder[i] + "; one clip per item"));
          }
          placeholder[i] = k;
        }
      }
      audioRow[i] = -1;
      if (item.logMel() != null) {
        if (placeholder[i] < 0) {
          throw new RecognitionException(what, "has audio but no audio_token_index " + config.audioTokenIndex());
        }
        if (item.lossWeights()[placeholder[i]] != 0f) {
          throw new RecognitionException(what, "the audio placeholder at index " + placeholder[i] + " has a nonzero loss weight");
        }
        int frames = checkLogMel(item.logMel(), what + " log-mel");
        float[] z = standardiseCues(item.cueFeatures(), what + " cue features");
        audioFrames[i] = audioFrames(frames);
        span[i] = audioFrames[i] + cueK;
        audioRow[i] = mels.size();
        mels.add(item.logMel());
        melFrames.add(frames);
        if (z != null) {
          cueZ.add(z);
        }
      } else if (item.cueFeatures() != null) {
        throw new RecognitionException(what, "has cue features but no audio");
      }
      length[i] = ids.length + (placeholder[i] >= 0 ? span[i] - 1 : 0);
      checkLength(length[i]);
      longest = Math.max(longest, length[i]);
    }
    int s = longest;
    NDArray audio = null; // (A·Nmax, H)
    int nMax = 0;
    if (!mels.isEmpty()) {
      int[] f = melFrames.stream().mapToInt(Integer::intValue).toArray();
      NDArray projected = encodeBatch(sub, mels.toArray(new float[0][][]), f).projected(); // (A, Nmax, H)
      nMax = (int) projected.getShape().get(1);
      audio = projected.reshape((long) mels.size() * nMax, h);
      if (cueK > 0) { // (A·K, H) after the audio rows of the table
        float[] z = new float[cueZ.size() * cueZ.get(0).length];
        for (int a = 0; a < cueZ.size(); a++) {
          System.arraycopy(cueZ.get(a), 0, z, a * cueZ.get(a).length, cueZ.get(a).length);
        }
        audio = audio.concat(cueArrays(sub, z, cueZ.size()), 0);
      }
    }
    long[] textIds = new long[b * s];
    long[] source = new long[b * s];
    int targetCount = 0;
    for (int i = 0; i < b; i++) {
      int[] ids = items.get(i).inputIds();
      int p = placeholder[i];
      int n = audioFrames[i];
      for (int j = 0; j < s; j++) {
        int flat = i * s + j;
        source[flat] = flat;
        if (j >= length[i]) {
          continue; // right padding: id 0, hidden by the causal mask, never a target
        }
        if (p < 0 || j < p) {
          textIds[flat] = ids[j];
        } else if (j < p + n) {
          source[flat] = (long) b * s + (long) audioRow[i] * nMax + (j - p);
        } else if (j < p + span[i]) { // cue rows follow all A·Nmax audio rows
          source[flat] = (long) b * s + (long) mels.size() * nMax + (long) audioRow[i] * cueK + (j - p - n);
        } else {
          textIds[flat] = ids[j - span[i] + 1];
        }
      }
      for (float w : items.get(i).lossWeights()) {
        if (w > 0f) {
          targetCount++;
        }
      }
    }
    long[] rows = new long[targetCount];
    int[] targets = new int[targetCount];
    float[] weights = new float[targetCount];
    double weightSum = 0;
    int r = 0;
    for (int i = 0; i < b; i++) {
      int[] ids = items.get(i).inputIds();
      float[] lw = items.get(i).lossWeights();
      for (int k = 1; k < ids.length; k++) {
        if (lw[k] > 0f) {
          int pos = placeholder[i] >= 0 && k > placeholder[i] ? k + span[i] - 1 : k;
          rows[r] = (long) i * s + pos - 1; // the row before the target predicts it
          targets[r] = ids[k];
          weights[r] = lw[k];
          weightSum += lw[k];
          r++;
        }
      }
    }
    NDArray x = embedding(sub.create(textIds), embedTokens); // (B·S, H)
    if (audio != null) {
      x = embedding(sub.create(source), x.concat(audio, 0));
    }
    NDArray hidden = decodeHidden(x.reshape(b, s, h), null, new int[b], training); // (B, S, H)
    NDArray picked = embedding(sub.create(rows), hidden.reshape((long) b * s, h)); // (n, H)
    NDArray logits = head(picked); // (n, V)
    float[] ones = new float[targetCount];
    Arrays.fill(ones, 1f);
    NDArray loss = io.ser4j.model.train.MaskedCrossEntropy.loss(logits, targets, ones, weights);
    return new TrainingLoss(loss, withLogits ? logits : null, targets, weights, weightSum);
  }

  /** Rows {@code table[idx]} ({@code torch.nn.functional.embedding}), differentiable in {@code table}; in idx's manager. */
  private static NDArray embedding(NDArray idx, NDArray table) {
    return idx.getNDArrayInternal().embedding(idx, table, ai.djl.ndarray.types.SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * A copy of every parameter's values ({@link #parameters()}'s keys, frozen ones included), for
   * checkpoints and resuming; {@link #restore} puts them back bit for bit.
   *
   * @return key → row-major float32 values (new arrays)
   */
  public Map<String, float[]> snapshot() {
    Map<String, float[]> out = new LinkedHashMap<>();
    params.forEach((k, a) -> out.put(k, floats(a)));
    return out;
  }

  /**
   * Overwrites every parameter in place with a {@link #snapshot} (of this model or of another with the
   * same config), bit for bit. Must not overlap a forward or a training step.
   *
   * @param values key → values, exactly the keys of {@link #parameters()}
   * @throws RecognitionException naming the key when one is missing, extra or of the wrong length,
   *     or when a cue standardisation value is invalid (nothing is changed then)
   */
  public void restore(Map<String, float[]> values) {
    Set<String> extra = new TreeSet<>(values.keySet());
    extra.removeAll(params.keySet());
    if (!extra.isEmpty()) {
      throw new RecognitionException("parameter snapshot", "unknown keys " + extra);
    }
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      float[] v = values.get(e.getKey());
      if (v == null || v.length != e.getValue().size()) {
        throw new RecognitionException("parameter snapshot: " + e.getKey(), v == null ? "missing"
            : v.length + " values, expected " + e.getValue().size() + " " + e.getValue().getShape());
      }
    }
    if (config.cuePrefix() != null) {
      checkStandardisation(values.get(CUE_MEAN), values.get(CUE_SCALE), "parameter snapshot", false);
    }
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      e.getValue().set(java.nio.FloatBuffer.wrap(values.get(e.getKey())));
    }
  }

  /**
   * Writes the model as a Hugging Face–layout checkpoint that {@link #load} reads back bit-exactly:
   * {@code config.json} ({@link SpeechLmConfig#toJson}), {@code model.safetensors} (float32, checkpoint
   * keys, a tied {@code lm_head} left out), {@code tokenizer.json} (+ {@code tokenizer_config.json}
   * when present) copied from the model's tokenizer, and {@code generation_config.json}. Atomic: the
   * files are written into a temporary sibling directory that then replaces {@code dir} by renames,
   * so a crash leaves either the old or the new checkpoint (and perhaps a stray temporary).
   * Must not overlap a training step.
   *
   * @param dir the checkpoint directory (created or replaced)
   * @throws SerException naming the directory if writing fails or the model has no tokenizer.json
   */
  public void save(Path dir) {
    Path target = dir.toAbsolutePath().normalize();
    if (tokenizerFile == null) {
      throw new SerException(target.toString(), "cannot save: the model has no tokenizer.json to copy");
    }
    Map<String, TensorData> tensors = new LinkedHashMap<>();
    params.forEach((k, a) -> tensors.put(k, TensorData.f32(a.getShape().getShape(), floats(a))));
    Path tmp = null;
    try {
      Path parent = target.getParent();
      Files.createDirectories(parent);
      tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
      ObjectMapper json = new ObjectMapper();
      json.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(SpeechLmConfig.FILE_NAME).toFile(), config.toJson());
      SafeTensorsWriter.write(tmp.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
      Files.copy(tokenizerFile, tmp.resolve(SpeechTokenizer.FILE));
      Path tokConfig = tokenizerFile.resolveSibling(TOKENIZER_CONFIG_FILE);
      if (Files.isRegularFile(tokConfig)) {
        Files.copy(tokConfig, tmp.resolve(TOKENIZER_CONFIG_FILE));
      }
      Path gen = checkpointDir == null ? null : checkpointDir.resolve(GENERATION_CONFIG_FILE);
      if (gen != null && Files.isRegularFile(gen)) {
        Files.copy(gen, tmp.resolve(GENERATION_CONFIG_FILE));
      } else {
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(GENERATION_CONFIG_FILE).toFile(),
            generationConfigJson(json));
      }
      if (Files.exists(target)) {
        Path old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old-");
        Files.delete(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
      tmp = null;
    } catch (IOException | RuntimeException e) {
      throw e instanceof SerException se ? se
          : new SerException(target.toString(), "cannot write checkpoint: " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          deleteTree(tmp);
        } catch (IOException ignored) {
          // best effort: a stray temporary directory is harmless
        }
      }
    }
  }

  /** generation_config.json of a model without one: EOS {@code <|im_end|>} and {@code <|endoftext|>}. */
  private com.fasterxml.jackson.databind.node.ObjectNode generationConfigJson(ObjectMapper json) {
    com.fasterxml.jackson.databind.node.ObjectNode g = json.createObjectNode();
    Map<String, Integer> special = tokenizerSpecials();
    Integer end = special.get(SpeechTokenizer.ENDOFTEXT);
    Integer imEnd = special.get(SpeechTokenizer.IM_END);
    if (end != null) {
      g.put("bos_token_id", end);
      g.put("pad_token_id", end);
    }
    com.fasterxml.jackson.databind.node.ArrayNode eos = g.putArray("eos_token_id");
    if (imEnd != null) {
      eos.add(imEnd);
    }
    if (end != null) {
      eos.add(end);
    }
    g.put("do_sample", false);
    return g;
  }

  /** The special-token ids of the model's tokenizer.json ({@code added_tokens}), by content. */
  private Map<String, Integer> tokenizerSpecials() {
    Map<String, Integer> out = new LinkedHashMap<>();
    try {
      com.fasterxml.jackson.databind.JsonNode root = new ObjectMapper().readTree(tokenizerFile.toFile());
      for (com.fasterxml.jackson.databind.JsonNode t : root.path("added_tokens")) {
        out.put(t.path("content").asText(), t.path("id").asInt());
      }
    } catch (IOException e) {
      throw new SerException(tokenizerFile.toString(), "not readable: " + e.getMessage(), e);
    }
    return out;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** Frees the weights. Calls must not be in flight. */
  @Override
  public void close() {
    manager.close();
  }

  @Override
  public String toString() {
    return "SpeechLm[" + checkpointDir + ", " + parameterCount + " parameters, " + dtype + "]";
  }
}
