package io.ser4j.core;

import java.util.Objects;

/**
 * How a generative recognizer (a SpeechLM, local or remote) decodes its answer. Generic: the
 * facade passes it to the {@link io.ser4j.core.spi.RecognizerProvider}, and each provider maps it
 * onto its own decoding settings; providers without decoding (the acoustic baseline) ignore it.
 * Fields left at their "provider default" value ({@link Strategy#DEFAULT}, {@code 0}) keep the
 * model's own setting (e.g. a checkpoint's {@code generation_config.json}). Immutable.
 *
 * @param strategy the decoding strategy
 * @param beamWidth beams for {@link Strategy#BEAM} (&ge; 1), or 0 for the provider default
 * @param temperature sampling temperature (&gt; 0), or 0 for the provider default
 * @param topK keep the {@code topK} most likely tokens when sampling, or 0 for no limit / default
 * @param topP nucleus-sampling mass in (0, 1], or 0 for the provider default
 * @param seed sampling seed; equal seeds give equal samples for equal inputs
 * @param maxNewTokens longest generated answer in tokens, or 0 for the provider default
 */
public record GenerationOptions(
    Strategy strategy, int beamWidth, double temperature, int topK, double topP, long seed,
    int maxNewTokens) {

  /** The model's own decoding settings. */
  public static final GenerationOptions DEFAULTS =
      new GenerationOptions(Strategy.DEFAULT, 0, 0, 0, 0, 0, 0);

  /** Decoding strategies. */
  public enum Strategy {
    /** Whatever the model or checkpoint configures (greedy unless it says otherwise). */
    DEFAULT,
    /** Most likely token at every step; deterministic. */
    GREEDY,
    /** Beam search; deterministic. */
    BEAM,
    /** Seeded sampling with temperature / top-k / top-p. */
    SAMPLING
  }

  /**
   * Validates the ranges.
   *
   * @throws IllegalArgumentException naming the field that is out of range
   */
  public GenerationOptions {
    Objects.requireNonNull(strategy, "strategy");
    if (beamWidth < 0) {
      throw new IllegalArgumentException("beamWidth must be >= 0, got " + beamWidth);
    }
    if (!(temperature >= 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0, got " + topK);
    }
    if (!(topP >= 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in [0, 1], got " + topP);
    }
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
    }
  }

  /** Greedy decoding. */
  public static GenerationOptions greedy() {
    return new GenerationOptions(Strategy.GREEDY, 0, 0, 0, 0, 0, 0);
  }

  /**
   * Beam search.
   *
   * @param width number of beams, &ge; 1
   * @throws IllegalArgumentException if {@code width < 1}
   */
  public static GenerationOptions beam(int width) {
    if (width < 1) {
      throw new IllegalArgumentException("beam width must be >= 1, got " + width);
    }
    return new GenerationOptions(Strategy.BEAM, width, 0, 0, 0, 0, 0);
  }

  /**
   * Seeded sampling.
   *
   * @param temperature &gt; 0
   * @param topP nucleus mass in (0, 1]
   * @param seed the sampling seed
   * @throws IllegalArgumentException if {@code temperature <= 0} or {@code topP} is outside (0, 1]
   */
  public static GenerationOptions sampling(double temperature, double topP, long seed) {
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("sampling temperature must be > 0, got " + temperature);
    }
    if (!(topP > 0)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    return new GenerationOptions(Strategy.SAMPLING, 0, temperature, 0, topP, seed, 0);
  }

  /** A copy with {@code maxNewTokens} (&ge; 0; 0 for the provider default). */
  public GenerationOptions withMaxNewTokens(int maxNewTokens) {
    return new GenerationOptions(strategy, beamWidth, temperature, topK, topP, seed, maxNewTokens);
  }

  /** A copy with {@code topK} (&ge; 0; 0 for none). */
  public GenerationOptions withTopK(int topK) {
    return new GenerationOptions(strategy, beamWidth, temperature, topK, topP, seed, maxNewTokens);
  }

  /** A copy with another seed. */
  public GenerationOptions withSeed(long seed) {
    return new GenerationOptions(strategy, beamWidth, temperature, topK, topP, seed, maxNewTokens);
  }
}
