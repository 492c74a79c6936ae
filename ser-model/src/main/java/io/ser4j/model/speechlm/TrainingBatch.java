package io.ser4j.model.speechlm;

import io.ser4j.core.RecognitionException;
import java.util.List;

/**
 * A batch of teacher-forced training examples for {@link SpeechLm#trainingLoss}. Items may differ in
 * audio length and token count: the model pads them (audio with masked frames, text on the right,
 * where the causal mask already hides the padding) and each item's loss terms equal those of the item
 * run alone, up to float rounding.
 *
 * <p>Immutable as far as the record goes; the arrays are not copied (do not change them while a step
 * uses the batch). Thread-safe for reading.
 *
 * @param items at least one item
 */
public record TrainingBatch(List<Item> items) {

  /** Checks the items' structure (the model checks ids, mel bins and lengths against its config). */
  public TrainingBatch {
    if (items == null || items.isEmpty()) {
      throw new RecognitionException("training batch", "no items");
    }
    items = List.copyOf(items);
    double total = 0;
    for (Item i : items) {
      for (float w : i.lossWeights()) {
        total += w;
      }
    }
    if (!(total > 0)) {
      throw new RecognitionException("training batch", "no target token (every loss weight is 0)");
    }
  }

  /**
   * One example.
   *
   * @param logMel Whisper log-mel {@code (M, L)} (bins × frames, unpadded), or {@code null} for a
   *     text-only item (then {@code inputIds} holds no audio placeholder)
   * @param inputIds the prompt and answer ids; with audio, exactly one {@code audio_token_index},
   *     which stands for all {@code N = ceil(L/2)/2} audio frames (as in {@link SpeechLm#logits})
   * @param lossWeights per id, the weight of that id as a prediction target (predicted from the
   *     position before it); 0 = not a target. Must be 0 at index 0 and at the audio placeholder;
   *     finite and {@code >= 0}
   * @param cueFeatures the clip's raw cue feature vector for a model with a cue prefix ({@link
   *     SpeechLm#cueRows}; NaN = undefined feature), or {@code null} (a model without a cue prefix,
   *     or a text-only item)
   */
  public record Item(float[][] logMel, int[] inputIds, float[] lossWeights, double[] cueFeatures) {
    /**
     * Checks lengths and weights.
     *
     * @throws RecognitionException on null ids/weights, a length mismatch, a negative or non-finite
     *     weight, or a nonzero weight at index 0
     */
    public Item {
      if (inputIds == null || inputIds.length == 0) {
        throw new RecognitionException("input_ids", "empty");
      }
      if (lossWeights == null || lossWeights.length != inputIds.length) {
        throw new RecognitionException("loss weights", (lossWeights == null ? "null" : lossWeights.length + " values")
            + " for " + inputIds.length + " input ids");
      }
      for (int i = 0; i < lossWeights.length; i++) {
        if (!(lossWeights[i] >= 0f) || Float.isInfinite(lossWeights[i])) {
          throw new RecognitionException("loss weights", "index " + i + ": " + lossWeights[i]
              + " (must be finite and >= 0)");
        }
      }
      if (lossWeights[0] != 0f) {
        throw new RecognitionException("loss weights", "index 0 has weight " + lossWeights[0]
            + " but no position predicts the first token");
      }
    }

    /**
     * An item without cue features.
     *
     * @param logMel as the record component
     * @param inputIds as the record component
     * @param lossWeights as the record component
     * @throws RecognitionException as the canonical constructor
     */
    public Item(float[][] logMel, int[] inputIds, float[] lossWeights) {
      this(logMel, inputIds, lossWeights, null);
    }

    /**
     * This item with the clip's cue feature vector (not copied).
     *
     * @param features the raw feature vector, or {@code null}
     * @return a new item
     */
    public Item withCueFeatures(double[] features) {
      return new Item(logMel, inputIds, lossWeights, features);
    }

    /**
     * An item whose targets are the last {@code answerTokens} ids, each with weight 1.
     *
     * @param logMel as the record component
     * @param inputIds prompt followed by the answer
     * @param answerTokens number of trailing ids to learn, {@code 1 .. inputIds.length - 1}
     * @return the item
     * @throws RecognitionException if {@code answerTokens} is out of range
     */
    public static Item answer(float[][] logMel, int[] inputIds, int answerTokens) {
      if (inputIds == null || answerTokens < 1 || answerTokens >= inputIds.length) {
        throw new RecognitionException("answerTokens", answerTokens + " for " + (inputIds == null ? 0 : inputIds.length)
            + " input ids (need 1 .. length - 1)");
      }
      float[] w = new float[inputIds.length];
      java.util.Arrays.fill(w, inputIds.length - answerTokens, inputIds.length, 1f);
      return new Item(logMel, inputIds, w);
    }
  }
}
