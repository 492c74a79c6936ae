package io.ser4j.model.speechlm;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded next-token sampling; the same seed, config and logits give the same tokens on every JVM
 * ({@link SplittableRandom} is specified bit for bit).
 *
 * <p>Algorithm of {@link #sample}, in double precision:
 *
 * <ol>
 *   <li>temperature 0: return the argmax (ties to the lowest id), drawing nothing;
 *   <li>order token ids by logit, descending, ties by ascending id;
 *   <li>keep the first {@code topK} (all when 0);
 *   <li>{@code p_i = exp((l_i - l_max) / T)}, normalised over the kept tokens;
 *   <li>top-p: keep the shortest prefix of that order whose cumulative probability is {@code >= topP}
 *       (at least one token), renormalise;
 *   <li>draw {@code u = nextDouble()} in {@code [0, 1)} and return the first token of the order whose
 *       cumulative probability exceeds {@code u · total} (the last kept token if rounding leaves none).
 * </ol>
 *
 * <p>Not thread-safe: one sampler per sequence.
 */
public final class Sampler {
  private final SplittableRandom random;
  private final double temperature;
  private final int topK;
  private final double topP;

  /**
   * A sampler.
   *
   * @param seed random seed
   * @param temperature {@code >= 0}
   * @param topK {@code >= 0}, 0 = off
   * @param topP in {@code (0, 1]}
   * @throws IllegalArgumentException on a parameter out of range
   */
  public Sampler(long seed, double temperature, int topK, double topP) {
    if (!(temperature >= 0) || !Double.isFinite(temperature)) {
      throw new IllegalArgumentException("temperature must be finite and >= 0: " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0: " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1]: " + topP);
    }
    this.random = new SplittableRandom(seed);
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
  }

  /** A sampler with a config's sampling parameters and seed {@code config.seed() + row}. */
  public static Sampler of(GenerationConfig config, int row) {
    return new Sampler(config.seed() + row, config.temperature(), config.topK(), config.topP());
  }

  /**
   * Draws the next token.
   *
   * @param logits {@code (V)} logits of the next position
   * @return the token id
   * @throws IllegalArgumentException if {@code logits} is empty or has a NaN
   */
  public int sample(float[] logits) {
    if (logits == null || logits.length == 0) {
      throw new IllegalArgumentException("no logits");
    }
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i])) {
        throw new IllegalArgumentException("NaN logit at id " + i);
      }
    }
    if (temperature == 0) {
      return SpeechLm.argMax(logits);
    }
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
    int kept = topK == 0 ? order.length : Math.min(topK, order.length);
    double max = logits[order[0]];
    double[] p = new double[kept];
    double sum = 0;
    for (int i = 0; i < kept; i++) {
      p[i] = Math.exp((logits[order[i]] - max) / temperature);
      sum += p[i];
    }
    if (topP < 1) {
      double cum = 0;
      int n = 0;
      while (n < kept) {
        cum += p[n] / sum;
        n++;
        if (cum >= topP) {
          break;
        }
      }
      kept = n;
      sum = 0;
      for (int i = 0; i < kept; i++) {
        sum += p[i];
      }
    }
    double u = random.nextDouble() * sum;
    double cum = 0;
    for (int i = 0; i < kept; i++) {
      cum += p[i];
      if (cum > u) {
        return order[i];
      }
    }
    return order[kept - 1];
  }
}
