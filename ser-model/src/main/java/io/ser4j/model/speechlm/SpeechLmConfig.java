package io.ser4j.model.speechlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code config.json} of a Qwen2-Audio checkpoint ({@code Qwen2AudioForConditionalGeneration}),
 * fields named as in the file (tools/reference/README.md §2). Immutable and thread-safe.
 *
 * <p>Dimension fields (layer counts, widths, heads, vocabulary) are required; fields with a
 * Hugging Face default that does not change tensor shapes ({@code activation_function}, {@code
 * max_source_positions}, {@code scale_embedding}, {@code num_key_value_heads}, {@code head_dim},
 * {@code hidden_act}, {@code max_position_embeddings}, {@code rms_norm_eps}, {@code rope_theta},
 * {@code tie_word_embeddings}, {@code audio_token_index}) take that default when absent.
 *
 * @param architectures {@code architectures} (must name {@link #ARCHITECTURE} when present)
 * @param modelType {@code model_type}, always {@link #MODEL_TYPE}
 * @param audioConfig {@code audio_config}
 * @param textConfig {@code text_config}
 * @param audioTokenIndex {@code audio_token_index} (alias {@code audio_token_id}): the prompt id that
 *     stands for a clip's audio frames
 * @param cuePrefix the ser4j cue-prefix extension ({@code ser4j_cue_features}, {@code
 *     ser4j_cue_tokens}, {@code ser4j_cue_feature_set}), or {@code null} for a plain Qwen2-Audio
 *     config (see {@link CuePrefix})
 */
public record SpeechLmConfig(
    List<String> architectures,
    String modelType,
    AudioConfig audioConfig,
    TextConfig textConfig,
    int audioTokenIndex,
    CuePrefix cuePrefix) {

  /** The only supported {@code model_type}. */
  public static final String MODEL_TYPE = "qwen2_audio";
  /** The only supported entry of {@code architectures}. */
  public static final String ARCHITECTURE = "Qwen2AudioForConditionalGeneration";
  /** The file name inside a checkpoint directory. */
  public static final String FILE_NAME = "config.json";
  /** {@code audio_token_index} default of Qwen2-Audio (the {@code <|AUDIO|>} id). */
  public static final int DEFAULT_AUDIO_TOKEN_INDEX = 151646;

  /** config.json key of the number of conditioning features F (ser4j extension). */
  public static final String CUE_FEATURES_KEY = "ser4j_cue_features";
  /** config.json key of the number of cue-prefix rows K (ser4j extension). */
  public static final String CUE_TOKENS_KEY = "ser4j_cue_tokens";
  /** config.json key naming the feature extractor of the cue vector (ser4j extension). */
  public static final String CUE_FEATURE_SET_KEY = "ser4j_cue_feature_set";

  /** Compact constructor: copies the list. */
  public SpeechLmConfig {
    architectures = List.copyOf(architectures);
  }

  /**
   * A config without a cue prefix (a plain Qwen2-Audio config).
   *
   * @param architectures {@code architectures}
   * @param modelType {@code model_type}
   * @param audioConfig {@code audio_config}
   * @param textConfig {@code text_config}
   * @param audioTokenIndex {@code audio_token_index}
   */
  public SpeechLmConfig(List<String> architectures, String modelType, AudioConfig audioConfig,
      TextConfig textConfig, int audioTokenIndex) {
    this(architectures, modelType, audioConfig, textConfig, audioTokenIndex, null);
  }

  /**
   * The ser4j cue-prefix extension: the decoder is conditioned on an utterance-level acoustic
   * feature vector of {@code features} values, projected to {@code tokens} extra input rows that
   * follow the clip's audio frames at the audio placeholder ({@code docs/speechlm.md}, "Cue prefix").
   *
   * @param features F, the length of the feature vector ({@code >= 1})
   * @param tokens K, the number of prefix rows ({@code >= 1})
   * @param featureSet the name of the feature extractor that produces the vector (e.g. {@code
   *     baseline-v1}); a loader refuses a checkpoint whose feature set it cannot compute
   */
  public record CuePrefix(int features, int tokens, String featureSet) {
    /**
     * Validates.
     *
     * @throws ModelLoadException when a count is not positive or the feature set is blank
     */
    public CuePrefix {
      if (features < 1 || tokens < 1) {
        throw new ModelLoadException("cue prefix", CUE_FEATURES_KEY + " " + features + " and " + CUE_TOKENS_KEY
            + " " + tokens + " must both be >= 1");
      }
      if (featureSet == null || featureSet.isBlank()) {
        throw new ModelLoadException("cue prefix", CUE_FEATURE_SET_KEY + " is required (name of the feature extractor)");
      }
    }
  }

  /**
   * The record's usual text; the {@code cuePrefix} component is left out when it is {@code null},
   * so a config without a cue prefix prints as it did before the extension (training runs
   * fingerprint it, and {@code --resume} compares the fingerprint).
   */
  @Override
  public String toString() {
    return "SpeechLmConfig[architectures=" + architectures + ", modelType=" + modelType + ", audioConfig="
        + audioConfig + ", textConfig=" + textConfig + ", audioTokenIndex=" + audioTokenIndex
        + (cuePrefix == null ? "" : ", cuePrefix=" + cuePrefix) + "]";
  }

  /** Whether the config has a cue prefix ({@link #cuePrefix()} non-null). */
  public boolean hasCuePrefix() {
    return cuePrefix != null;
  }

  /**
   * This config with a cue prefix of {@code features} features projected to {@code tokens} rows.
   *
   * @param features F ({@code >= 1})
   * @param tokens K ({@code >= 1})
   * @param featureSet the feature extractor's name, e.g. {@code BaselineFeatures.FEATURE_SET}
   * @return a new config; every other field unchanged
   * @throws ModelLoadException on a non-positive count or a blank feature set
   */
  public SpeechLmConfig withCuePrefix(int features, int tokens, String featureSet) {
    return new SpeechLmConfig(architectures, modelType, audioConfig, textConfig, audioTokenIndex,
        new CuePrefix(features, tokens, featureSet));
  }

  /**
   * This config with another text config and audio token, the cue prefix kept (used to fit a
   * preset to a tokenizer's vocabulary).
   *
   * @param text the new {@code text_config}
   * @param audioToken the new {@code audio_token_index}
   * @return a new config
   */
  public SpeechLmConfig withText(TextConfig text, int audioToken) {
    return new SpeechLmConfig(architectures, modelType, audioConfig, text, audioToken, cuePrefix);
  }

  /**
   * {@code audio_config} (Qwen2AudioEncoderConfig).
   *
   * @param numMelBins {@code num_mel_bins} (M, log-mel bins the encoder reads)
   * @param encoderLayers {@code encoder_layers}
   * @param encoderAttentionHeads {@code encoder_attention_heads}
   * @param encoderFfnDim {@code encoder_ffn_dim} (F)
   * @param dModel {@code d_model} (D)
   * @param activationFunction {@code activation_function}, only {@code gelu} (exact erf)
   * @param maxSourcePositions {@code max_source_positions} (rows of the position table)
   * @param scaleEmbedding {@code scale_embedding}: multiply the conv output by sqrt(D)
   */
  public record AudioConfig(
      int numMelBins,
      int encoderLayers,
      int encoderAttentionHeads,
      int encoderFfnDim,
      int dModel,
      String activationFunction,
      int maxSourcePositions,
      boolean scaleEmbedding) {

    /** Per-head width {@code d_model / encoder_attention_heads}. */
    public int headDim() {
      return dModel / encoderAttentionHeads;
    }
  }

  /**
   * {@code text_config} (Qwen2Config).
   *
   * @param vocabSize {@code vocab_size} (V)
   * @param hiddenSize {@code hidden_size} (H)
   * @param intermediateSize {@code intermediate_size} (I)
   * @param numHiddenLayers {@code num_hidden_layers}
   * @param numAttentionHeads {@code num_attention_heads}
   * @param numKeyValueHeads {@code num_key_value_heads} (default: {@code num_attention_heads})
   * @param headDim {@code head_dim} (default: {@code hidden_size / num_attention_heads})
   * @param hiddenAct {@code hidden_act}, only {@code silu}
   * @param maxPositionEmbeddings {@code max_position_embeddings}
   * @param rmsNormEps {@code rms_norm_eps}
   * @param ropeTheta {@code rope_theta}
   * @param tieWordEmbeddings {@code tie_word_embeddings} (text_config's value wins over the top level)
   */
  public record TextConfig(
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int numHiddenLayers,
      int numAttentionHeads,
      int numKeyValueHeads,
      int headDim,
      String hiddenAct,
      int maxPositionEmbeddings,
      double rmsNormEps,
      double ropeTheta,
      boolean tieWordEmbeddings) {}

  /**
   * Reads {@code config.json} from a checkpoint directory.
   *
   * @throws ModelLoadException naming config.json and the field or value when the file is missing,
   *     malformed, of another architecture, lacks a required field or has an unsupported value
   */
  public static SpeechLmConfig load(Path checkpointDir) {
    Path file = checkpointDir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException(file.toString(), "missing (not a checkpoint directory?)");
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelLoadException(file.toString(), "not valid JSON: " + e.getMessage(), e);
    }
    return parse(root, file.toString());
  }

  /**
   * Parses a config tree.
   *
   * @param root the parsed config.json
   * @param where the name to put in error messages
   * @throws ModelLoadException as {@link #load(Path)}
   */
  public static SpeechLmConfig parse(JsonNode root, String where) {
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(where, "not a JSON object");
    }
    List<String> archs = new ArrayList<>();
    JsonNode a = root.get("architectures");
    if (a != null && !a.isNull()) {
      if (!a.isArray()) {
        throw new ModelLoadException(where, "\"architectures\" is not a list: " + a);
      }
      a.forEach(x -> archs.add(x.asText()));
      if (!archs.contains(ARCHITECTURE)) {
        throw new ModelLoadException(where, "unsupported architectures " + archs + " (expected " + ARCHITECTURE + ")");
      }
    }
    JsonNode mt = root.get("model_type");
    if (mt == null || mt.isNull()) {
      throw new ModelLoadException(where, "required field \"model_type\" missing");
    }
    if (!MODEL_TYPE.equals(mt.asText())) {
      throw new ModelLoadException(where, "unsupported model_type \"" + mt.asText() + "\" (expected \"" + MODEL_TYPE + "\")");
    }
    JsonNode ac = object(root, "audio_config", where);
    JsonNode tc = object(root, "text_config", where);
    AudioConfig audio = new AudioConfig(
        positive(ac, "num_mel_bins", "audio_config", where),
        positive(ac, "encoder_layers", "audio_config", where),
        positive(ac, "encoder_attention_heads", "audio_config", where),
        positive(ac, "encoder_ffn_dim", "audio_config", where),
        positive(ac, "d_model", "audio_config", where),
        text(ac, "activation_function", "gelu"),
        optPositive(ac, "max_source_positions", 1500, "audio_config", where),
        ac.path("scale_embedding").asBoolean(false));
    if (!"gelu".equals(audio.activationFunction())) {
      throw new ModelLoadException(where, "unsupported audio_config.activation_function \""
          + audio.activationFunction() + "\" (only \"gelu\")");
    }
    if (audio.dModel() % audio.encoderAttentionHeads() != 0) {
      throw new ModelLoadException(where, "audio_config.d_model " + audio.dModel()
          + " is not divisible by encoder_attention_heads " + audio.encoderAttentionHeads());
    }
    int heads = positive(tc, "num_attention_heads", "text_config", where);
    int hidden = positive(tc, "hidden_size", "text_config", where);
    int kv = optPositive(tc, "num_key_value_heads", heads, "text_config", where);
    if (heads % kv != 0) {
      throw new ModelLoadException(where, "text_config.num_attention_heads " + heads
          + " is not a multiple of num_key_value_heads " + kv);
    }
    if (!tc.has("head_dim") && hidden % heads != 0) {
      throw new ModelLoadException(where, "text_config.hidden_size " + hidden
          + " is not divisible by num_attention_heads " + heads + " and head_dim is absent");
    }
    int headDim = optPositive(tc, "head_dim", hidden / heads, "text_config", where);
    if (headDim % 2 != 0) {
      throw new ModelLoadException(where, "text_config head_dim " + headDim + " is odd (RoPE needs pairs)");
    }
    JsonNode tie = tc.hasNonNull("tie_word_embeddings") ? tc.get("tie_word_embeddings") : root.get("tie_word_embeddings");
    TextConfig textCfg = new TextConfig(
        positive(tc, "vocab_size", "text_config", where),
        hidden,
        positive(tc, "intermediate_size", "text_config", where),
        positive(tc, "num_hidden_layers", "text_config", where),
        heads,
        kv,
        headDim,
        text(tc, "hidden_act", "silu"),
        optPositive(tc, "max_position_embeddings", 32768, "text_config", where),
        optPositiveDouble(tc, "rms_norm_eps", 1e-6, where),
        optPositiveDouble(tc, "rope_theta", 10000.0, where),
        tie != null && tie.asBoolean(false));
    if (!"silu".equals(textCfg.hiddenAct())) {
      throw new ModelLoadException(where, "unsupported text_config.hidden_act \"" + textCfg.hiddenAct() + "\" (only \"silu\")");
    }
    JsonNode rs = tc.get("rope_scaling");
    if (rs != null && !rs.isNull() && rs.size() > 0) {
      String type = rs.path("rope_type").asText(rs.path("type").asText("default"));
      if (!"default".equals(type)) {
        throw new ModelLoadException(where, "unsupported text_config.rope_scaling type \"" + type + "\" (only default RoPE)");
      }
    }
    if (tc.path("use_sliding_window").asBoolean(false)) {
      throw new ModelLoadException(where, "text_config.use_sliding_window true is not supported");
    }
    JsonNode ati = root.hasNonNull("audio_token_index") ? root.get("audio_token_index") : root.get("audio_token_id");
    int audioToken = ati == null || ati.isNull() ? DEFAULT_AUDIO_TOKEN_INDEX : ati.asInt(-1);
    if (audioToken < 0 || audioToken >= textCfg.vocabSize()) {
      throw new ModelLoadException(where, "audio_token_index " + ati + " outside the vocabulary [0, " + textCfg.vocabSize() + ")");
    }
    return new SpeechLmConfig(archs, MODEL_TYPE, audio, textCfg, audioToken, parseCuePrefix(root, where));
  }

  /** The cue-prefix keys: all absent (or F = 0) = none; otherwise F, K and the feature set. */
  private static CuePrefix parseCuePrefix(JsonNode root, String where) {
    JsonNode f = root.get(CUE_FEATURES_KEY);
    JsonNode k = root.get(CUE_TOKENS_KEY);
    JsonNode set = root.get(CUE_FEATURE_SET_KEY);
    boolean hasF = f != null && !f.isNull() && !(f.isIntegralNumber() && f.asLong() == 0);
    boolean hasK = k != null && !k.isNull() && !(k.isIntegralNumber() && k.asLong() == 0);
    if (!hasF && !hasK) {
      if (set != null && !set.isNull()) {
        throw new ModelLoadException(where, "\"" + CUE_FEATURE_SET_KEY + "\" given without \"" + CUE_FEATURES_KEY
            + "\" and \"" + CUE_TOKENS_KEY + "\"");
      }
      return null;
    }
    if (hasF != hasK) {
      throw new ModelLoadException(where, "\"" + (hasF ? CUE_FEATURES_KEY : CUE_TOKENS_KEY) + "\" given without \""
          + (hasF ? CUE_TOKENS_KEY : CUE_FEATURES_KEY) + "\" (a cue prefix needs both, or neither)");
    }
    int features = checkPositive(f, CUE_FEATURES_KEY, where);
    int tokens = checkPositive(k, CUE_TOKENS_KEY, where);
    if (set == null || set.isNull() || !set.isTextual() || set.asText().isBlank()) {
      throw new ModelLoadException(where, "\"" + CUE_FEATURE_SET_KEY + "\" (the feature extractor's name) is required"
          + " with a cue prefix");
    }
    return new CuePrefix(features, tokens, set.asText());
  }

  /** Names of the {@link #preset} configurations. */
  public static final List<String> PRESETS = List.of("tiny", "small");
  /** {@code max_source_positions} of the presets: 1500 encoder frames, 30 s of audio (Whisper's window). */
  public static final int PRESET_MAX_SOURCE_POSITIONS = 1500;
  /** {@code max_position_embeddings} of the presets. */
  public static final int PRESET_MAX_POSITIONS = 4096;
  /** {@code num_mel_bins} of the presets (Whisper's 80-bin log-mel). */
  public static final int PRESET_MEL_BINS = 80;

  /**
   * A small architecture for training from scratch on a few CPU cores (tied embeddings, 80 mel bins,
   * 30-s encoder window, GQA with 2 KV heads):
   * <ul>
   *   <li>{@code tiny}: encoder d_model 128, 2 layers, 4 heads, FFN 512; decoder hidden 192, 2 layers,
   *       4 heads (head_dim 48), intermediate 512 (about 1.3 M parameters plus 192 per vocabulary id);
   *   <li>{@code small}: encoder d_model 192, 4 layers, 4 heads, FFN 768; decoder hidden 256, 4 layers,
   *       4 heads (head_dim 64), intermediate 768 (about 4.9 M plus 256 per vocabulary id).
   * </ul>
   *
   * @param name one of {@link #PRESETS}
   * @param vocabSize {@code vocab_size}, at least the tokenizer's ({@link SpeechTokenizer#vocabSize})
   * @param audioTokenIndex the tokenizer's {@code <|AUDIO|>} id
   * @return the config
   * @throws ModelLoadException naming the preset if it is unknown or the ids do not fit
   */
  public static SpeechLmConfig preset(String name, int vocabSize, int audioTokenIndex) {
    int[] dims = switch (name == null ? "" : name) {
      // d_model, enc layers, enc heads, enc ffn, hidden, dec layers, heads, kv heads, intermediate
      case "tiny" -> new int[] {128, 2, 4, 512, 192, 2, 4, 2, 512};
      case "small" -> new int[] {192, 4, 4, 768, 256, 4, 4, 2, 768};
      default -> throw new ModelLoadException("preset " + name, "unknown (known: " + PRESETS + ")");
    };
    if (vocabSize < 1 || audioTokenIndex < 0 || audioTokenIndex >= vocabSize) {
      throw new ModelLoadException("preset " + name, "vocab_size " + vocabSize + " and audio_token_index "
          + audioTokenIndex + " do not fit");
    }
    AudioConfig audio = new AudioConfig(PRESET_MEL_BINS, dims[1], dims[2], dims[3], dims[0], "gelu",
        PRESET_MAX_SOURCE_POSITIONS, false);
    TextConfig text = new TextConfig(vocabSize, dims[4], dims[8], dims[5], dims[6], dims[7], dims[4] / dims[6],
        "silu", PRESET_MAX_POSITIONS, 1e-6, 10000.0, true);
    return new SpeechLmConfig(List.of(ARCHITECTURE), MODEL_TYPE, audio, text, audioTokenIndex);
  }

  /**
   * The config as {@code config.json} with Hugging Face's field names ({@link #parse} reads it back to
   * an equal record); also writes {@code initializer_range} and zero dropouts for Hugging Face tools.
   *
   * @return a new JSON tree
   */
  public ObjectNode toJson() {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    ArrayNode archs = root.putArray("architectures");
    (architectures.isEmpty() ? List.of(ARCHITECTURE) : architectures).forEach(archs::add);
    root.put("model_type", modelType);
    ObjectNode a = root.putObject("audio_config");
    a.put("model_type", "qwen2_audio_encoder");
    a.put("num_mel_bins", audioConfig.numMelBins());
    a.put("encoder_layers", audioConfig.encoderLayers());
    a.put("encoder_attention_heads", audioConfig.encoderAttentionHeads());
    a.put("encoder_ffn_dim", audioConfig.encoderFfnDim());
    a.put("d_model", audioConfig.dModel());
    a.put("activation_function", audioConfig.activationFunction());
    a.put("max_source_positions", audioConfig.maxSourcePositions());
    a.put("scale_embedding", audioConfig.scaleEmbedding());
    a.put("dropout", 0.0);
    a.put("attention_dropout", 0.0);
    a.put("activation_dropout", 0.0);
    a.put("encoder_layerdrop", 0.0);
    a.put("initializer_range", SpeechLm.INITIALIZER_RANGE);
    ObjectNode t = root.putObject("text_config");
    t.put("model_type", "qwen2");
    t.put("vocab_size", textConfig.vocabSize());
    t.put("hidden_size", textConfig.hiddenSize());
    t.put("intermediate_size", textConfig.intermediateSize());
    t.put("num_hidden_layers", textConfig.numHiddenLayers());
    t.put("num_attention_heads", textConfig.numAttentionHeads());
    t.put("num_key_value_heads", textConfig.numKeyValueHeads());
    t.put("head_dim", textConfig.headDim());
    t.put("hidden_act", textConfig.hiddenAct());
    t.put("max_position_embeddings", textConfig.maxPositionEmbeddings());
    t.put("rms_norm_eps", textConfig.rmsNormEps());
    t.put("rope_theta", textConfig.ropeTheta());
    t.put("tie_word_embeddings", textConfig.tieWordEmbeddings());
    t.put("use_sliding_window", false);
    t.put("attention_dropout", 0.0);
    t.put("initializer_range", SpeechLm.INITIALIZER_RANGE);
    t.put("torch_dtype", "float32");
    root.put("audio_token_index", audioTokenIndex);
    root.put("ignore_index", -100);
    root.put("tie_word_embeddings", textConfig.tieWordEmbeddings());
    root.put("torch_dtype", "float32");
    if (cuePrefix != null) {
      root.put(CUE_FEATURES_KEY, cuePrefix.features());
      root.put(CUE_TOKENS_KEY, cuePrefix.tokens());
      root.put(CUE_FEATURE_SET_KEY, cuePrefix.featureSet());
    }
    return root;
  }

  private static JsonNode object(JsonNode root, String field, String where) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new ModelLoadException(where, "required field \"" + field + "\" missing");
    }
    if (!n.isObject()) {
      throw new ModelLoadException(where, "\"" + field + "\" is not an object");
    }
    return n;
  }

  private static int positive(JsonNode n, String field, String section, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new ModelLoadException(where, "required field \"" + section + "." + field + "\" missing");
    }
    return checkPositive(v, section + "." + field, where);
  }

  private static int optPositive(JsonNode n, String field, int dflt, String section, String where) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? dflt : checkPositive(v, section + "." + field, where);
  }

  private static int checkPositive(JsonNode v, String name, String where) {
    if (!v.isIntegralNumber() || v.asLong() <= 0 || v.asLong() > Integer.MAX_VALUE) {
      throw new ModelLoadException(where, "\"" + name + "\" must be a positive integer, got " + v);
    }
    return v.asInt();
  }

  private static double optPositiveDouble(JsonNode n, String field, double dflt, String where) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
      throw new ModelLoadException(where, "\"text_config." + field + "\" must be a positive number, got " + v);
    }
    return v.asDouble();
  }

  private static String text(JsonNode n, String field, String dflt) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? dflt : v.asText();
  }
}
