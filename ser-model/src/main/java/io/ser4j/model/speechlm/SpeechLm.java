package io.ser4j.model.speechlm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
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
 * <p>Memory: the weights live in this model's own {@link NDManager}, which is capped after loading so
 * that a stray temporary cannot attach to it; every forward method runs in a sub-manager of its own
 * and returns plain Java arrays; a {@link KvCache} owns the keys and values of one generation request.
 *
 * <p>Fine-tuning: {@link #setAdapters} makes every forward add LoRA terms ({@link LoraAdapters});
 * {@link #trainingLogits} is the differentiable forward for a DJL {@code GradientCollector}. The base
 * weights never require a gradient; only {@link LoraAdapters#merge}/{@link LoraAdapters#unmerge}
 * change them (in place).
 *
 * <p>Thread-safety: after {@link #load} the weights are read-only (unless adapters are merged or
 * unmerged) and each call uses its own sub-manager, so forward methods may run concurrently;
 * {@link #close()}, {@link #setAdapters} and merging/unmerging adapters must not overlap a call.
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

  private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));

  /** One audio encoder layer; linear weights kept transposed, {@code (in, out)}. */
  private record EncoderLayer(
      NDArray attnLnW, NDArray attnLnB, NDArray qT, NDArray qB, NDArray kT, NDArray vT, NDArray vB,
      NDArray outT, NDArray outB, NDArray ffnLnW, NDArray ffnLnB, NDArray fc1T, NDArray fc1B,
      NDArray fc2T, NDArray fc2B) {}

  /** One decoder layer; linear weights kept transposed, {@code (in, out)}. */
  private record DecoderLayer(
      NDArray inNormW, NDArray qT, NDArray qB, NDArray kT, NDArray kB, NDArray vT, NDArray vB,
      NDArray oT, NDArray postNormW, NDArray gateT, NDArray upT, NDArray downT) {}

  /**
   * The audio path's intermediate outputs of one clip (for parity checks and inspection).
   *
   * @param encoderHidden after the encoder layers, {@code (T, D)}
   * @param encoderPooled after 2× average pooling, {@code (N, D)}
   * @param encoderOutput after the final LayerNorm, {@code (N, D)}
   * @param projected after {@code multi_modal_projector.linear}, {@code (N, H)}: the audio embeddings
   */
  public record AudioEncoding(
      float[][] encoderHidden, float[][] encoderPooled, float[][] encoderOutput, float[][] projected) {}

  private final SpeechLmConfig config;
  private final Path checkpointDir;
  private final NDManager manager;
  private final long parameterCount;
  private final String dtype;

  private final NDArray conv1W; // (D, M, 3)
  private final NDArray conv1B; // (D)
  private final NDArray conv2W; // (D, D, 3)
  private final NDArray conv2B; // (D)
  private final NDArray embedPositions; // (max_source_positions, D)
  private final EncoderLayer[] encoderLayers;
  private final NDArray encLnW; // (D)
  private final NDArray encLnB; // (D)
  private final NDArray projT; // (D, H)
  private final NDArray projB; // (H)
  private final NDArray embedTokens; // (V, H)
  private final DecoderLayer[] decoderLayers;
  private final NDArray normW; // (H)
  private final NDArray lmHeadT; // (H, V), a transposed view of embed_tokens when tied
  private final float[] invFreq; // (d/2) RoPE inverse frequencies, float32 as transformers computes them
  /** LoRA adapters every decoder forward applies (unless merged); {@code null}: none. */
  private volatile LoraAdapters adapters;

  private SpeechLm(SpeechLmConfig config, Path dir, NDManager manager, Weights w) {
    this.config = config;
    this.checkpointDir = dir;
    this.manager = manager;
    this.parameterCount = w.parameterCount();
    this.dtype = w.dtype();
    Loader l = new Loader(w, manager);
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    SpeechLmConfig.TextConfig t = config.textConfig();
    long dm = a.dModel();
    conv1W = l.param("audio_tower.conv1.weight", dm, a.numMelBins(), CONV_KERNEL_FRAMES);
    conv1B = l.param("audio_tower.conv1.bias", dm);
    conv2W = l.param("audio_tower.conv2.weight", dm, dm, CONV_KERNEL_FRAMES);
    conv2B = l.param("audio_tower.conv2.bias", dm);
    embedPositions = l.param("audio_tower.embed_positions.weight", a.maxSourcePositions(), dm);
    encoderLayers = new EncoderLayer[a.encoderLayers()];
    for (int i = 0; i < encoderLayers.length; i++) {
      String p = "audio_tower.layers." + i + ".";
      encoderLayers[i] = new EncoderLayer(
          l.param(p + "self_attn_layer_norm.weight", dm),
          l.param(p + "self_attn_layer_norm.bias", dm),
          l.linearT(p + "self_attn.q_proj.weight", dm, dm),
          l.param(p + "self_attn.q_proj.bias", dm),
          l.linearT(p + "self_attn.k_proj.weight", dm, dm),
          l.linearT(p + "self_attn.v_proj.weight", dm, dm),
          l.param(p + "self_attn.v_proj.bias", dm),
          l.linearT(p + "self_attn.out_proj.weight", dm, dm),
          l.param(p + "self_attn.out_proj.bias", dm),
          l.param(p + "final_layer_norm.weight", dm),
          l.param(p + "final_layer_norm.bias", dm),
          l.linearT(p + "fc1.weight", a.encoderFfnDim(), dm),
          l.param(p + "fc1.bias", a.encoderFfnDim()),
          l.linearT(p + "fc2.weight", dm, a.encoderFfnDim()),
          l.param(p + "fc2.bias", dm));
    }
    encLnW = l.param("audio_tower.layer_norm.weight", dm);
    encLnB = l.param("audio_tower.layer_norm.bias", dm);
    long h = t.hiddenSize();
    projT = l.linearT("multi_modal_projector.linear.weight", h, dm);
    projB = l.param("multi_modal_projector.linear.bias", h);
    embedTokens = l.param("language_model.model.embed_tokens.weight", t.vocabSize(), h);
    long qDim = (long) t.numAttentionHeads() * t.headDim();
    long kvDim = (long) t.numKeyValueHeads() * t.headDim();
    decoderLayers = new DecoderLayer[t.numHiddenLayers()];
    for (int i = 0; i < decoderLayers.length; i++) {
      String p = "language_model.model.layers." + i + ".";
      decoderLayers[i] = new DecoderLayer(
          l.param(p + "input_layernorm.weight", h),
          l.linearT(p + "self_attn.q_proj.weight", qDim, h),
          l.param(p + "self_attn.q_proj.bias", qDim),
          l.linearT(p + "self_attn.k_proj.weight", kvDim, h),
          l.param(p + "self_attn.k_proj.bias", kvDim),
          l.linearT(p + "self_attn.v_proj.weight", kvDim, h),
          l.param(p + "self_attn.v_proj.bias", kvDim),
          l.linearT(p + "self_attn.o_proj.weight", h, qDim),
          l.param(p + "post_attention_layernorm.weight", h),
          l.linearT(p + "mlp.gate_proj.weight", t.intermediateSize(), h),
          l.linearT(p + "mlp.up_proj.weight", t.intermediateSize(), h),
          l.linearT(p + "mlp.down_proj.weight", h, t.intermediateSize()));
    }
    normW = l.param("language_model.model.norm.weight", h);
    String lmHead = "language_model.lm_head.weight";
    if (t.tieWordEmbeddings()) {
      lmHeadT = embedTokens.transpose();
    } else {
      lmHeadT = l.linearT(lmHead, t.vocabSize(), h);
    }
    Set<String> unexpected = new TreeSet<>(w.names());
    unexpected.removeAll(l.used);
    if (!unexpected.isEmpty()) {
      throw new ModelLoadException(dir.toString(), "unexpected tensors for this config: "
          + unexpected + (unexpected.contains(lmHead) ? " (tie_word_embeddings is true)" : ""));
    }
    invFreq = new float[t.headDim() / 2];
    for (int i = 0; i < invFreq.length; i++) {
      // transformers: 1.0 / (theta ** (arange(0, d, 2).float() / d)), in float32
      float exponent = (float) (2 * i) / t.headDim();
      invFreq[i] = (float) (1.0 / (float) Math.pow((float) t.ropeTheta(), exponent));
    }
  }

  /** Creates parameter arrays in the model manager and remembers which keys were read. */
  private static final class Loader {
    private final Weights w;
    private final NDManager manager;
    private final Set<String> used = new HashSet<>();

    Loader(Weights w, NDManager manager) {
      this.w = w;
      this.manager = manager;
    }

    NDArray param(String name, long... shape) {
      float[] values = w.get(name, shape);
      used.add(name);
      NDArray a = manager.create(values, new Shape(shape));
      a.setName(name);
      return a;
    }

    /** A Linear weight stored {@code (out, in)}, returned as the {@code (in, out)} view. */
    NDArray linearT(String name, long out, long in) {
      return param(name, out, in).transpose();
    }
  }

  /**
   * Loads a checkpoint directory (config.json + model.safetensors or a sharded index) onto a device.
   *
   * @param checkpointDir the Hugging Face–layout directory
   * @param device where the weights live ({@code Device.cpu()} in the default build)
   * @return the loaded model; close it to free the weights
   * @throws ModelLoadException naming config.json, or the file and tensor, when the directory is not
   *     a loadable Qwen2-Audio checkpoint (missing/unexpected tensor, wrong shape with the expected one
   *     in the message, unsupported dtype or config value)
   */
  public static SpeechLm load(Path checkpointDir, Device device) {
    if (!Files.isDirectory(checkpointDir)) {
      throw new ModelLoadException(checkpointDir.toString(), "not a directory");
    }
    SpeechLmConfig config = SpeechLmConfig.load(checkpointDir);
    NDManager manager;
    try {
      manager = Engine.getEngine(ENGINE).newBaseManager(device);
    } catch (RuntimeException e) {
      throw new ModelLoadException(checkpointDir.toString(), "DJL engine " + ENGINE + " unavailable: " + e.getMessage(), e);
    }
    manager.setName("speechlm:" + checkpointDir.getFileName());
    try (Weights w = WeightSourceWeights.open(checkpointDir)) {
      SpeechLm model = new SpeechLm(config, checkpointDir, manager, w);
      manager.cap();
      return model;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
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
   * The audio path with its intermediate outputs (encoder before pooling, after pooling, after the
   * final LayerNorm, after the projector).
   *
   * @param logMel Whisper log-mel {@code (M, L)}
   * @return the four outputs, shapes in {@link AudioEncoding}
   * @throws RecognitionException if the shape does not fit the config or values are not finite
   */
  public AudioEncoding encodeAudioDetailed(float[][] logMel) {
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    int frames = checkLogMel(logMel);
    int t = (frames - 1) / 2 + 1;
    if (t > a.maxSourcePositions()) {
      throw new RecognitionException("log-mel", frames + " frames give " + t
          + " encoder positions > max_source_positions " + a.maxSourcePositions());
    }
    int n = t / POOL_FRAMES;
    if (n < 1) {
      throw new RecognitionException("log-mel", frames + " frames give no audio frame after pooling (need >= 3)");
    }
    try (NDManager sub = manager.newSubManager()) {
      float[] flat = new float[a.numMelBins() * frames];
      for (int m = 0; m < a.numMelBins(); m++) {
        System.arraycopy(logMel[m], 0, flat, m * frames, frames);
      }
      NDArray mel = sub.create(flat, new Shape(1, a.numMelBins(), frames)); // (1, M, L)
      NDArray x = gelu(conv(mel, conv1W, conv1B, 1)); // (1, D, L)
      x = gelu(conv(x, conv2W, conv2B, 2)); // (1, D, T)
      x = x.squeeze(0).transpose(); // (T, D)
      if (a.scaleEmbedding()) {
        x = x.mul((float) Math.sqrt(a.dModel()));
      }
      x = x.add(embedPositions.get(sub, new NDIndex("0:{}", t))); // (T, D)
      for (EncoderLayer layer : encoderLayers) {
        x = x.add(encoderAttention(layerNorm(x, layer.attnLnW(), layer.attnLnB()), layer));
        NDArray f = gelu(linear(layerNorm(x, layer.ffnLnW(), layer.ffnLnB()), layer.fc1T(), layer.fc1B()));
        x = x.add(linear(f, layer.fc2T(), layer.fc2B()));
      }
      NDArray hidden = x; // (T, D)
      NDArray pooled = hidden.get(new NDIndex("0:{}", POOL_FRAMES * n))
          .reshape(n, POOL_FRAMES, a.dModel()).sum(new int[] {1}).div(POOL_FRAMES); // (N, D)
      NDArray out = layerNorm(pooled, encLnW, encLnB); // (N, D)
      NDArray projected = linear(out, projT, projB); // (N, H)
      return new AudioEncoding(toRows(hidden), toRows(pooled), toRows(out), toRows(projected));
    }
  }

  private int checkLogMel(float[][] logMel) {
    int bins = config.audioConfig().numMelBins();
    if (logMel == null || logMel.length != bins) {
      throw new RecognitionException("log-mel", (logMel == null ? "null" : logMel.length + " bins")
          + " but the checkpoint's num_mel_bins is " + bins);
    }
    int frames = logMel[0] == null ? 0 : logMel[0].length;
    for (int m = 0; m < bins; m++) {
      if (logMel[m] == null || logMel[m].length != frames) {
        throw new RecognitionException("log-mel", "row " + m + " does not have " + frames + " frames like row 0");
      }
      for (float v : logMel[m]) {
        if (!Float.isFinite(v)) {
          throw new RecognitionException("log-mel", "non-finite value in bin " + m);
        }
      }
    }
    return frames;
  }

  /** Bidirectional multi-head attention of the encoder: {@code (T, D) → (T, D)}. */
  private NDArray encoderAttention(NDArray x, EncoderLayer l) {
    SpeechLmConfig.AudioConfig a = config.audioConfig();
    long t = x.getShape().get(0);
    int heads = a.encoderAttentionHeads();
    int hd = a.headDim();
    float scaling = (float) Math.pow(hd, -0.5);
    NDArray q = linear(x, l.qT(), l.qB()).mul(scaling).reshape(t, heads, hd).transpose(1, 0, 2); // (h, T, hd)
    NDArray k = x.matMul(l.kT()).reshape(t, heads, hd).transpose(1, 0, 2);
    NDArray v = linear(x, l.vT(), l.vB()).reshape(t, heads, hd).transpose(1, 0, 2);
    NDArray w = q.matMul(k.transpose(0, 2, 1)).softmax(-1); // (h, T, T)
    NDArray o = w.matMul(v).transpose(1, 0, 2).reshape(t, a.dModel()); // (T, D)
    return linear(o, l.outT(), l.outB());
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
        next = argMax(decode(x.expandDims(0), cache, NO_PAD, true, false).toFloatArray());
      }
      out[0] = next;
      for (int i = 1; i < maxNewTokens; i++) {
        try (NDManager sub = manager.newSubManager()) {
          NDArray x = embedTokens(sub, new int[] {out[i - 1]}); // (1, H)
          out[i] = argMax(decode(x.expandDims(0), cache, NO_PAD, true, false).toFloatArray());
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
        out[i] = argMax(decode(x.expandDims(0), null, NO_PAD, true, false).toFloatArray());
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
        NDArray r = pad[i] == 0 ? rows[i] : sub.zeros(new Shape(pad[i], h)).concat(rows[i], 0);
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
      float[] flat = logits.toFloatArray();
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
      return decode(x, cache, cache.padding(), true, false).toFloatArray();
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
    parts.add(sub.create(flat, new Shape(audio.length, h)));
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
    // RoPE tables (B, 1, T, d): cos/sin of [pos·inv_freq | pos·inv_freq], float32 as transformers computes them
    float[] cos = new float[b * t * d];
    float[] sin = new float[b * t * d];
    int half = d / 2;
    for (int r = 0; r < b; r++) {
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
    NDArray cosNd = sub.create(cos, new Shape(b, 1, t, d));
    NDArray sinNd = sub.create(sin, new Shape(b, 1, t, d));
    NDArray mask = null;
    int s = past + t;
    if (t > 1 || padded) {
      // causal: -inf above the diagonal; padding: a large finite negative so that a padding query row
      // (all of whose keys are padding) stays finite instead of NaN
      float[] m = new float[b * t * s];
      for (int r = 0; r < b; r++) {
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
      mask = sub.create(m, new Shape(b, 1, t, s));
    }
    for (int i = 0; i < decoderLayers.length; i++) {
      DecoderLayer l = decoderLayers[i];
      x = x.add(decoderAttention(rmsNorm(x, l.inNormW()), l, i, cosNd, sinNd, mask, cache, lora, training));
      NDArray h2 = rmsNorm(x, l.postNormW());
      NDArray gate = proj(h2, l.gateT(), null, lora, i, "mlp.gate_proj", training);
      NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()); // silu
      NDArray up = proj(h2, l.upT(), null, lora, i, "mlp.up_proj", training);
      x = x.add(proj(act.mul(up), l.downT(), null, lora, i, "mlp.down_proj", training));
    }
    if (cache != null) {
      cache.advance(t);
    }
    if (lastOnly) {
      x = x.get(new NDIndex(":, {}:", t - 1));
    }
    NDArray logits = rmsNorm(x, normW).matMul(lmHeadT); // (B, T or 1, V)
    return lastOnly ? logits.squeeze(1) : logits;
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
    NDArray q = proj(h, l.qT(), l.qB(), lora, layer, "self_attn.q_proj", training)
        .reshape(b, t, heads, d).transpose(0, 2, 1, 3); // (B, heads, T, d)
    NDArray k = proj(h, l.kT(), l.kB(), lora, layer, "self_attn.k_proj", training)
        .reshape(b, t, kvHeads, d).transpose(0, 2, 1, 3); // (B, KV, T, d)
    NDArray v = proj(h, l.vT(), l.vB(), lora, layer, "self_attn.v_proj", training)
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
    NDArray scale = h.getManager().create((float) Math.pow(d, -0.5));
    NDArray w = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale); // (B, heads, T, S)
    if (mask != null) {
      w = w.add(mask);
    }
    w = w.softmax(-1);
    NDArray o = w.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * d); // (B, T, heads·d)
    return proj(o, l.oT(), null, lora, layer, "self_attn.o_proj", training);
  }

  /** A decoder projection {@code x·Wᵀ (+ b)} plus its LoRA term when {@code lora} adapts it. */
  private static NDArray proj(
      NDArray x, NDArray wT, NDArray bias, LoraAdapters lora, int layer, String module, boolean training) {
    NDArray y = x.matMul(wT);
    if (bias != null) {
      y = y.add(bias);
    }
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

  /** {@code x · Wᵀ + b} with {@code wT} the {@code (in, out)} view. */
  private static NDArray linear(NDArray x, NDArray wT, NDArray b) {
    return x.matMul(wT).add(b);
  }

  /** LayerNorm over the last axis, biased variance, {@link #LAYER_NORM_EPS}. */
  private static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias) {
    long last = x.getShape().get(x.getShape().dimension() - 1);
    return x.getNDArrayInternal().layerNorm(x, new Shape(last), weight, bias, LAYER_NORM_EPS).singletonOrThrow();
  }

  /** RMSNorm over the last axis: {@code weight · x / sqrt(mean(x²) + eps)}. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray variance = x.square().mean(new int[] {-1}, true);
    return x.div(variance.add((float) config.textConfig().rmsNormEps()).sqrt()).mul(weight);
  }

  /** Exact GELU: {@code 0.5·x·(1 + erf(x/√2))}. */
  private static NDArray gelu(NDArray x) {
    return x.mul(x.mul(INV_SQRT2).erf().add(1f)).mul(0.5f);
  }

  /** Conv1d with kernel 3, zero padding 1: {@code (1, Cin, L) → (1, Cout, L')}. */
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

  private static float[][] toRows(NDArray a) {
    Shape s = a.getShape();
    int rows = (int) s.get(0);
    int cols = (int) s.get(1);
    float[] flat = a.toFloatArray();
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

  /** The {@code (in, out)} weight view of a decoder projection (LoRA merge adds to it in place). */
  NDArray decoderWeightT(int layer, String module) {
    DecoderLayer l = decoderLayers[layer];
    return switch (module) {
      case "self_attn.q_proj" -> l.qT();
      case "self_attn.k_proj" -> l.kT();
      case "self_attn.v_proj" -> l.vT();
      case "self_attn.o_proj" -> l.oT();
      case "mlp.gate_proj" -> l.gateT();
      case "mlp.up_proj" -> l.upT();
      case "mlp.down_proj" -> l.downT();
      default -> throw new RecognitionException("LoRA target", "unknown decoder projection " + module);
    };
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
