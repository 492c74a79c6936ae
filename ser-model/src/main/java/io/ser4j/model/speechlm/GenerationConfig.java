package io.ser4j.model.speechlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How {@link Generator} decodes: the strategy and its parameters, the token limit and the stop
 * conditions. Immutable and thread-safe; build one with {@link #builder()} or start from a
 * checkpoint's {@code generation_config.json} with {@link #fromCheckpoint}.
 *
 * @param strategy greedy, beam search or sampling
 * @param beamWidth beams kept per step ({@link Strategy#BEAM}; 1 otherwise)
 * @param lengthPenalty beam hypotheses are ranked by {@code sum log p / length^lengthPenalty}
 *     ({@code length} = generated tokens); 0 ranks by the plain sum
 * @param temperature logits are divided by it before sampling; 0 makes sampling greedy
 * @param topK sample among the {@code topK} most likely tokens only; 0 = no limit
 * @param topP nucleus: sample among the smallest set of most likely tokens whose probability reaches
 *     {@code topP}; 1 = no limit
 * @param seed seed of the {@link Sampler} (row {@code b} of a batch uses {@code seed + b})
 * @param maxNewTokens at most this many generated tokens
 * @param stopTokenIds generation of a sequence ends after one of these (kept in the ids, not in the
 *     text)
 * @param stopStrings generation of a sequence ends once its decoded text contains one of these (the
 *     text is cut before it; needs a tokenizer)
 */
public record GenerationConfig(
    Strategy strategy, int beamWidth, double lengthPenalty, double temperature, int topK, double topP,
    long seed, int maxNewTokens, int[] stopTokenIds, List<String> stopStrings) {

  /** Decoding strategy. */
  public enum Strategy {
    /** Argmax at every step (ties to the lowest id). */
    GREEDY,
    /** Beam search over {@code beamWidth} KV-cache rows. */
    BEAM,
    /** Seeded sampling with temperature, top-k and top-p. */
    SAMPLE
  }

  /** File of the generation defaults in a checkpoint directory. */
  public static final String FILE = "generation_config.json";
  /** Default {@link #maxNewTokens} when neither the caller nor the checkpoint sets one. */
  public static final int DEFAULT_MAX_NEW_TOKENS = 256;
  /** Default beam width of {@link Strategy#BEAM} when the builder sets none. */
  public static final int DEFAULT_BEAM_WIDTH = 4;

  /** Defensive copies; validation is {@link Builder#build()}'s. */
  public GenerationConfig {
    stopTokenIds = stopTokenIds.clone();
    stopStrings = List.copyOf(stopStrings);
  }

  @Override
  public int[] stopTokenIds() {
    return stopTokenIds.clone();
  }

  /** Whether {@code id} is a stop token. */
  public boolean isStopToken(int id) {
    for (int s : stopTokenIds) {
      if (s == id) {
        return true;
      }
    }
    return false;
  }

  /** A builder with the defaults: greedy, 256 new tokens, no stop condition. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised from this config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.strategy = strategy;
    b.beamWidth = beamWidth;
    b.lengthPenalty = lengthPenalty;
    b.temperature = temperature;
    b.topK = topK;
    b.topP = topP;
    b.seed = seed;
    b.maxNewTokens = maxNewTokens;
    b.stopTokenIds = stopTokenIds.clone();
    b.stopStrings = new ArrayList<>(stopStrings);
    return b;
  }

  /**
   * A builder with the defaults of a checkpoint's {@code generation_config.json} when present
   * ({@code max_new_tokens}, {@code eos_token_id} → stop tokens, {@code do_sample} → SAMPLE, {@code
   * num_beams > 1} → BEAM, {@code temperature}, {@code top_k}, {@code top_p}, {@code length_penalty});
   * the plain {@link #builder()} defaults otherwise.
   *
   * @param checkpointDir the checkpoint directory
   * @return the builder
   * @throws ModelLoadException naming generation_config.json if it exists but is not valid JSON or has
   *     a field of the wrong type
   */
  public static Builder fromCheckpoint(Path checkpointDir) {
    Builder b = new Builder();
    Path file = checkpointDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return b;
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelLoadException(file.toString(), "not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelLoadException(file.toString(), "not a JSON object");
    }
    if (root.has("max_new_tokens")) {
      b.maxNewTokens = intField(file, root, "max_new_tokens");
    }
    JsonNode eos = root.get("eos_token_id");
    if (eos != null && !eos.isNull()) {
      List<Integer> ids = new ArrayList<>();
      if (eos.isArray()) {
        for (JsonNode e : eos) {
          if (!e.isInt()) {
            throw new ModelLoadException(file.toString(), "eos_token_id entry not an integer: " + e);
          }
          ids.add(e.asInt());
        }
      } else {
        ids.add(intField(file, root, "eos_token_id"));
      }
      b.stopTokenIds = ids.stream().mapToInt(Integer::intValue).toArray();
    }
    if (root.path("do_sample").asBoolean(false)) {
      b.strategy = Strategy.SAMPLE;
    } else if (root.has("num_beams") && intField(file, root, "num_beams") > 1) {
      b.strategy = Strategy.BEAM;
      b.beamWidth = intField(file, root, "num_beams");
    }
    if (root.has("temperature")) {
      b.temperature = numberField(file, root, "temperature");
    }
    if (root.has("top_k")) {
      b.topK = intField(file, root, "top_k");
    }
    if (root.has("top_p")) {
      b.topP = numberField(file, root, "top_p");
    }
    if (root.has("length_penalty")) {
      b.lengthPenalty = numberField(file, root, "length_penalty");
    }
    return b;
  }

  private static int intField(Path file, JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null || !n.isInt()) {
      throw new ModelLoadException(file.toString(), name + " is not an integer: " + n);
    }
    return n.asInt();
  }

  private static double numberField(Path file, JsonNode root, String name) {
    JsonNode n = root.get(name);
    if (n == null || !n.isNumber()) {
      throw new ModelLoadException(file.toString(), name + " is not a number: " + n);
    }
    return n.asDouble();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GenerationConfig g && strategy == g.strategy && beamWidth == g.beamWidth
        && Double.compare(lengthPenalty, g.lengthPenalty) == 0 && Double.compare(temperature, g.temperature) == 0
        && topK == g.topK && Double.compare(topP, g.topP) == 0 && seed == g.seed
        && maxNewTokens == g.maxNewTokens && Arrays.equals(stopTokenIds, g.stopTokenIds)
        && stopStrings.equals(g.stopStrings);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(strategy, beamWidth, lengthPenalty, temperature, topK, topP, seed,
        maxNewTokens, Arrays.hashCode(stopTokenIds), stopStrings);
  }

  @Override
  public String toString() {
    return "GenerationConfig[" + strategy + ", beamWidth=" + beamWidth + ", lengthPenalty=" + lengthPenalty
        + ", temperature=" + temperature + ", topK=" + topK + ", topP=" + topP + ", seed=" + seed
        + ", maxNewTokens=" + maxNewTokens + ", stopTokenIds=" + Arrays.toString(stopTokenIds)
        + ", stopStrings=" + stopStrings + "]";
  }

  /** Mutable builder; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private Strategy strategy = Strategy.GREEDY;
    private Integer beamWidth;
    private double lengthPenalty = 1.0;
    private double temperature = 1.0;
    private int topK = 0;
    private double topP = 1.0;
    private long seed = 0;
    private int maxNewTokens = DEFAULT_MAX_NEW_TOKENS;
    private int[] stopTokenIds = new int[0];
    private List<String> stopStrings = new ArrayList<>();

    private Builder() {}

    /** Sets the strategy. */
    public Builder strategy(Strategy s) {
      this.strategy = s;
      return this;
    }

    /** Sets the beam width (BEAM). */
    public Builder beamWidth(int k) {
      this.beamWidth = k;
      return this;
    }

    /** Sets the length penalty exponent (BEAM). */
    public Builder lengthPenalty(double p) {
      this.lengthPenalty = p;
      return this;
    }

    /** Sets the temperature (SAMPLE). */
    public Builder temperature(double t) {
      this.temperature = t;
      return this;
    }

    /** Sets top-k (SAMPLE; 0 = off). */
    public Builder topK(int k) {
      this.topK = k;
      return this;
    }

    /** Sets top-p (SAMPLE; 1 = off). */
    public Builder topP(double p) {
      this.topP = p;
      return this;
    }

    /** Sets the sampling seed. */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Sets the generated-token limit. */
    public Builder maxNewTokens(int n) {
      this.maxNewTokens = n;
      return this;
    }

    /** Sets the stop token ids (replacing earlier ones, e.g. the checkpoint's EOS). */
    public Builder stopTokenIds(int... ids) {
      this.stopTokenIds = ids == null ? null : ids.clone();
      return this;
    }

    /** Sets the stop strings (replacing earlier ones). */
    public Builder stopStrings(String... s) {
      this.stopStrings = s == null ? null : new ArrayList<>(Arrays.asList(s));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the config
     * @throws IllegalArgumentException naming the parameter and its value: null strategy, beam width
     *     {@code < 1} (or {@code != 1} outside BEAM), non-finite length penalty, temperature negative or
     *     not finite, top-k negative, top-p outside {@code (0, 1]}, max new tokens {@code < 1}, a negative
     *     stop token id, a null or empty stop string
     */
    public GenerationConfig build() {
      if (strategy == null) {
        throw new IllegalArgumentException("strategy is null");
      }
      int width = beamWidth != null ? beamWidth : strategy == Strategy.BEAM ? DEFAULT_BEAM_WIDTH : 1;
      if (width < 1) {
        throw new IllegalArgumentException("beamWidth must be >= 1: " + width);
      }
      if (strategy != Strategy.BEAM && width != 1) {
        throw new IllegalArgumentException("beamWidth " + width + " needs strategy BEAM, not " + strategy);
      }
      if (!Double.isFinite(lengthPenalty)) {
        throw new IllegalArgumentException("lengthPenalty must be finite: " + lengthPenalty);
      }
      if (!(temperature >= 0) || !Double.isFinite(temperature)) {
        throw new IllegalArgumentException("temperature must be finite and >= 0: " + temperature);
      }
      if (topK < 0) {
        throw new IllegalArgumentException("topK must be >= 0 (0 = off): " + topK);
      }
      if (!(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("topP must be in (0, 1]: " + topP);
      }
      if (maxNewTokens < 1) {
        throw new IllegalArgumentException("maxNewTokens must be >= 1: " + maxNewTokens);
      }
      if (stopTokenIds == null) {
        throw new IllegalArgumentException("stopTokenIds is null");
      }
      for (int id : stopTokenIds) {
        if (id < 0) {
          throw new IllegalArgumentException("stop token id negative: " + id);
        }
      }
      if (stopStrings == null) {
        throw new IllegalArgumentException("stopStrings is null");
      }
      for (String s : stopStrings) {
        if (s == null || s.isEmpty()) {
          throw new IllegalArgumentException("stop string null or empty: " + stopStrings);
        }
      }
      return new GenerationConfig(strategy, width, lengthPenalty, temperature, topK, topP, seed,
          maxNewTokens, stopTokenIds, stopStrings);
    }
  }
}
