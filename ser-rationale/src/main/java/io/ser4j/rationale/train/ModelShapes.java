package io.ser4j.rationale.train;

import io.ser4j.model.speechlm.SpeechLmConfig;
import java.util.List;
import java.util.Locale;

/**
 * Architectures for models trained from scratch with {@code ser train --config NAME}, and the
 * vocabulary adjustment applied once the data's tokenizer is known: the presets of {@link
 * SpeechLmConfig#preset} ({@code tiny} about 1.3 M, {@code small} about 4.9 M parameters) and two
 * smaller ones of this class. Stateless; thread-safe.
 *
 * <ul>
 *   <li>{@code micro}: 80 mel bins, encoder 2 layers × d 32 (4 heads, FFN 64), decoder 2 layers × 32
 *       (4 heads, 2 KV heads, MLP 64): for tests, trains in seconds.
 *   <li>{@code compact}: 80 mel bins, encoder 2 layers × d 128 (4 heads, FFN 256), decoder 2 layers × 128
 *       (4 heads, 2 KV heads, MLP 256), untied LM head: about 1 M parameters, the shipped default
 *       model's size (a few MB), sized for CPU training on two cores.
 * </ul>
 *
 * Both use Whisper's {@code max_source_positions} 1500 (30 s), {@code max_position_embeddings} 1024
 * and {@code rope_theta} 10000.
 */
public final class ModelShapes {
  /** The preset names. */
  public static final List<String> PRESETS = List.of("micro", "compact", "tiny", "small");

  private ModelShapes() {}

  /**
   * A preset architecture (vocabulary size 8 and audio token 3 as placeholders: see {@link
   * #withVocabulary}).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static SpeechLmConfig preset(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "micro" -> of(32, 2, 4, 64, 32, 2, 4, 2, 64);
      case "compact" -> of(128, 2, 4, 256, 128, 2, 4, 2, 256);
      case "tiny", "small" -> SpeechLmConfig.preset(name.toLowerCase(Locale.ROOT), 8, 3);
      default -> throw new IllegalArgumentException("unknown model preset '" + name + "'; known: " + PRESETS);
    };
  }

  private static SpeechLmConfig of(int dModel, int encLayers, int encHeads, int encFfn, int hidden, int decLayers,
      int heads, int kvHeads, int mlp) {
    SpeechLmConfig.AudioConfig audio =
        new SpeechLmConfig.AudioConfig(80, encLayers, encHeads, encFfn, dModel, "gelu", 1500, false);
    SpeechLmConfig.TextConfig text = new SpeechLmConfig.TextConfig(8, hidden, mlp, decLayers, heads, kvHeads,
        hidden / heads, "silu", 1024, 1e-6, 10000.0, false);
    return new SpeechLmConfig(List.of(SpeechLmConfig.ARCHITECTURE), SpeechLmConfig.MODEL_TYPE, audio, text, 3);
  }

  /** {@code config} with another vocabulary size and audio placeholder id (a cue prefix kept). */
  public static SpeechLmConfig withVocabulary(SpeechLmConfig config, int vocabSize, int audioTokenIndex) {
    SpeechLmConfig.TextConfig t = config.textConfig();
    SpeechLmConfig.TextConfig text = new SpeechLmConfig.TextConfig(vocabSize, t.hiddenSize(), t.intermediateSize(),
        t.numHiddenLayers(), t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), t.hiddenAct(),
        t.maxPositionEmbeddings(), t.rmsNormEps(), t.ropeTheta(), t.tieWordEmbeddings());
    return config.withText(text, audioTokenIndex);
  }
}
