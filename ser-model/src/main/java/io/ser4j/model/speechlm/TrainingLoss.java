package io.ser4j.model.speechlm;

import ai.djl.ndarray.NDArray;

/**
 * The result of {@link SpeechLm#trainingLoss}: arrays live in the caller's step manager.
 *
 * @param loss scalar float32 {@code Σ w·(−log p(target)) / Σ w} over the batch's target tokens (with
 *     unit weights: the mean over target tokens); differentiable inside a {@code GradientCollector}
 * @param logits {@code (targetTokens, V)} logits of the positions that predict the targets, in item
 *     order then token order; {@code null} unless requested
 * @param targets the target ids, aligned with the rows of {@code logits}
 * @param weights the targets' loss weights, aligned likewise
 * @param weightSum {@code Σ w}, the loss's denominator
 */
public record TrainingLoss(NDArray loss, NDArray logits, int[] targets, float[] weights, double weightSum) {
  /** Number of target tokens (weights {@code > 0}). */
  public int targetTokens() {
    return targets.length;
  }
}
