package io.ser4j.model.speechlm;

/**
 * Receives generated tokens as they are chosen (streaming, e.g. for a UI). Greedy and sampling call it
 * once per token per sequence, in generation order; beam search calls it for the winning hypothesis's
 * tokens, in order, when the search ends (earlier tokens of a beam are not final). It runs on the
 * generating thread and should return quickly; an exception it throws aborts the generation.
 */
@FunctionalInterface
public interface TokenListener {
  /**
   * One generated token.
   *
   * @param sequence row of the batch (0 for a single prompt)
   * @param index position among the sequence's generated tokens, from 0
   * @param tokenId the token
   * @param piece its text ({@link SpeechTokenizer#decode} of the one token), or {@code null} without a
   *     tokenizer
   */
  void onToken(int sequence, int index, int tokenId, String piece);
}
