package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config parsing, checkpoint validation and input checks: each failure is typed and names its input. */
class SpeechLmLoadTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final Path UNTIED = SpeechLmFixtures.checkpoint("tiny-untied");

  @TempDir Path tmp;

  /** A copy of tiny-untied with config.json edited. */
  Path withConfig(Consumer<ObjectNode> edit) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "ckpt");
    ObjectNode cfg = (ObjectNode) MAPPER.readTree(UNTIED.resolve("config.json").toFile());
    edit.accept(cfg);
    MAPPER.writeValue(dir.resolve("config.json").toFile(), cfg);
    Files.copy(UNTIED.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    return dir;
  }

  @Test
  void configFieldsAreReadByTheirCheckpointNames() {
    SpeechLmConfig c = SpeechLmConfig.load(SpeechLmFixtures.checkpoint("tiny-sharded"));
    assertThat(c.architectures()).containsExactly(SpeechLmConfig.ARCHITECTURE);
    assertThat(c.audioConfig().numMelBins()).isEqualTo(80);
    assertThat(c.audioConfig().encoderLayers()).isEqualTo(2);
    assertThat(c.textConfig().numKeyValueHeads()).isEqualTo(1);
    assertThat(c.textConfig().headDim()).isEqualTo(16);
    assertThat(c.textConfig().ropeTheta()).isEqualTo(1e6);
    assertThat(c.textConfig().tieWordEmbeddings()).isFalse();
    assertThat(c.audioTokenIndex()).isEqualTo(3);
    assertThat(SpeechLmConfig.load(SpeechLmFixtures.checkpoint("tiny-tied")).textConfig().tieWordEmbeddings()).isTrue();
  }

  @Test
  void unknownModelTypeOrArchitectureIsRejected() throws IOException {
    Path a = withConfig(c -> c.put("model_type", "llama"));
    assertThatThrownBy(() -> SpeechLmConfig.load(a)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("config.json").hasMessageContaining("llama");
    Path b = withConfig(c -> c.putArray("architectures").add("WhisperForConditionalGeneration"));
    assertThatThrownBy(() -> SpeechLmConfig.load(b)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("config.json").hasMessageContaining("WhisperForConditionalGeneration");
  }

  @Test
  void missingRequiredFieldIsNamed() throws IOException {
    Path a = withConfig(c -> ((ObjectNode) c.get("text_config")).remove("hidden_size"));
    assertThatThrownBy(() -> SpeechLmConfig.load(a)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("text_config.hidden_size");
    Path b = withConfig(c -> c.remove("audio_config"));
    assertThatThrownBy(() -> SpeechLmConfig.load(b)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("audio_config");
    Path d = withConfig(c -> ((ObjectNode) c.get("text_config")).put("hidden_act", "gelu"));
    assertThatThrownBy(() -> SpeechLmConfig.load(d)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("hidden_act");
  }

  @Test
  void shapeMismatchNamesFileTensorAndBothShapes() throws IOException {
    Path a = withConfig(c -> ((ObjectNode) c.get("text_config")).put("intermediate_size", 96));
    assertThatThrownBy(() -> SpeechLm.load(a, Device.cpu())).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors").hasMessageContaining("language_model.model.layers.0.mlp.gate_proj.weight")
        .hasMessageContaining("[128, 64]").hasMessageContaining("[96, 64]");
  }

  @Test
  void tiedConfigOverAnUntiedCheckpointReportsTheExtraTensor() throws IOException {
    Path a = withConfig(c -> ((ObjectNode) c.get("text_config")).put("tie_word_embeddings", true));
    assertThatThrownBy(() -> SpeechLm.load(a, Device.cpu())).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("language_model.lm_head.weight");
  }

  @Test
  void truncatedWeightsAreAModelLoadException() throws IOException {
    Path dir = Files.createTempDirectory(tmp, "trunc");
    Files.copy(UNTIED.resolve("config.json"), dir.resolve("config.json"));
    byte[] w = Files.readAllBytes(UNTIED.resolve("model.safetensors"));
    Files.write(dir.resolve("model.safetensors"), java.util.Arrays.copyOf(w, w.length - 1000));
    assertThatThrownBy(() -> SpeechLm.load(dir, Device.cpu())).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model.safetensors");
    assertThatThrownBy(() -> SpeechLm.load(tmp.resolve("absent"), Device.cpu()))
        .isInstanceOf(ModelLoadException.class);
  }

  @Test
  void badInputsAreTypedAndTheModelStaysClean() {
    try (SpeechLm m = SpeechLm.load(UNTIED, Device.cpu())) {
      int resident = m.residentArrayCount();
      assertThatThrownBy(() -> m.logits(new int[] {1, 300}, null)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("300");
      assertThatThrownBy(() -> m.logits(new int[] {1, 3, 2}, null)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("no audio");
      assertThatThrownBy(() -> m.logits(new int[] {1, 2}, new float[][] {new float[64]}))
          .isInstanceOf(RecognitionException.class).hasMessageContaining("no audio_token_index");
      assertThatThrownBy(() -> m.logits(new int[] {3, 3}, new float[][] {new float[64]}))
          .isInstanceOf(RecognitionException.class).hasMessageContaining("more than one");
      assertThatThrownBy(() -> m.encodeAudio(new float[128][50])).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("num_mel_bins");
      assertThatThrownBy(() -> m.encodeAudio(new float[80][2])).isInstanceOf(RecognitionException.class);
      assertThatThrownBy(() -> m.greedy(new int[2049], null, 1)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("max_position_embeddings");
      // a cache used step by step equals greedy()
      int[] prompt = {1, 20, 7, 45};
      int[] greedy = m.greedy(prompt, null, 4);
      try (KvCache cache = m.newCache()) {
        int next = SpeechLm.argMax(m.step(cache, prompt));
        assertThat(next).isEqualTo(greedy[0]);
        for (int i = 1; i < 4; i++) {
          next = SpeechLm.argMax(m.step(cache, new int[] {next}));
          assertThat(next).isEqualTo(greedy[i]);
        }
        assertThat(cache.length()).isEqualTo(prompt.length + 3);
      }
      assertThat(m.residentArrayCount()).isEqualTo(resident);
    }
  }
}
