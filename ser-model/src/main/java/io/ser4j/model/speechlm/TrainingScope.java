package io.ser4j.model.speechlm;

/**
 * Which of a {@link SpeechLm}'s own parameters require a gradient ({@link SpeechLm#setTrainable}).
 * The Whisper position table ({@link SpeechLm#EMBED_POSITIONS}) is frozen in every scope, as in
 * Hugging Face's Qwen2-Audio encoder, and so is a cue prefix's standardisation ({@link
 * SpeechLm#CUE_MEAN}, {@link SpeechLm#CUE_SCALE}); the cue prefix's projector ({@link
 * SpeechLm#CUE_WEIGHT}, {@link SpeechLm#CUE_BIAS}) trains exactly when the multi-modal projector does.
 */
public enum TrainingScope {
  /** Every parameter but the position table: encoder convs and layers, projector, decoder, embeddings. */
  FULL,
  /** Projector(s) and decoder (embeddings included); the audio encoder is frozen. */
  FROZEN_ENCODER,
  /** Decoder and embeddings only; the audio encoder and the projector(s) are frozen. */
  DECODER,
  /** No base parameter: inference, or LoRA fine-tuning where only {@link LoraAdapters} train. */
  NONE;

  /**
   * Whether this scope trains the parameter with this checkpoint key.
   *
   * @param name a key of {@link SpeechLm#parameters()}
   * @return true if it requires a gradient under this scope
   */
  public boolean trains(String name) {
    if (name.equals(SpeechLm.EMBED_POSITIONS) || name.equals(SpeechLm.CUE_MEAN) || name.equals(SpeechLm.CUE_SCALE)) {
      return false;
    }
    return switch (this) {
      case FULL -> true;
      case FROZEN_ENCODER -> !name.startsWith(SpeechLm.AUDIO_TOWER_PREFIX);
      case DECODER -> !name.startsWith(SpeechLm.AUDIO_TOWER_PREFIX) && !name.startsWith(SpeechLm.PROJECTOR_PREFIX)
          && !name.startsWith(SpeechLm.CUE_PROJECTOR_PREFIX);
      case NONE -> false;
    };
  }
}
