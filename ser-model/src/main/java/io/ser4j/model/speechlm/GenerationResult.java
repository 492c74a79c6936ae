package io.ser4j.model.speechlm;

/**
 * One generated sequence and how it ended.
 *
 * @param tokenIds the generated ids (a final stop token included)
 * @param text the decoded text without a final stop token and cut before a stop string ({@code ""}
 *     without a tokenizer)
 * @param finishReason why generation of this sequence ended
 * @param promptTokens positions of the prompt (audio frames included, padding not)
 * @param generatedTokens {@code tokenIds.length}
 * @param logProb sum of the log-probabilities (log-softmax of the raw logits) of the generated tokens
 * @param prefillMillis time of the prompt pass (of the whole batch in batched generation)
 * @param decodeMillis time of the token steps after the prefill (of the whole batch)
 * @param tokensPerSecond decode throughput of this sequence: tokens produced by decode steps
 *     ({@code generatedTokens - 1}; the first comes from the prefill) per second of {@code
 *     decodeMillis} ({@code NaN} when no decode step ran)
 */
public record GenerationResult(
    int[] tokenIds, String text, FinishReason finishReason, int promptTokens, int generatedTokens,
    double logProb, double prefillMillis, double decodeMillis, double tokensPerSecond) {

  /** Why a sequence ended. */
  public enum FinishReason {
    /** A stop token was generated. */
    STOP_TOKEN,
    /** The decoded text came to contain a stop string. */
    STOP_STRING,
    /** {@code maxNewTokens} were generated. */
    MAX_TOKENS
  }

  /** Defensive copy. */
  public GenerationResult {
    tokenIds = tokenIds.clone();
  }

  @Override
  public int[] tokenIds() {
    return tokenIds.clone();
  }
}
