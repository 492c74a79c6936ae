package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.ModelLoadException;
import io.ser4j.model.speechlm.GenerationConfig.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link GenerationConfig}: defaults, generation_config.json, validation messages. */
class GenerationConfigTest {

  @Test
  void defaultsAndCheckpointDefaults() {
    GenerationConfig d = GenerationConfig.builder().build();
    assertThat(d.strategy()).isEqualTo(Strategy.GREEDY);
    assertThat(d.maxNewTokens()).isEqualTo(GenerationConfig.DEFAULT_MAX_NEW_TOKENS);
    assertThat(d.stopTokenIds()).isEmpty();
    assertThat(GenerationConfig.builder().strategy(Strategy.BEAM).build().beamWidth())
        .isEqualTo(GenerationConfig.DEFAULT_BEAM_WIDTH);
    GenerationConfig c = GenerationConfig.fromCheckpoint(SpeechLmFixtures.checkpoint("tiny-untied")).build();
    assertThat(c.maxNewTokens()).isEqualTo(32);
    assertThat(c.stopTokenIds()).containsExactly(2, 0);
    assertThat(c.strategy()).isEqualTo(Strategy.GREEDY);
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void checkpointSamplingDefaults(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve(GenerationConfig.FILE),
        "{\"do_sample\": true, \"temperature\": 0.7, \"top_k\": 20, \"top_p\": 0.8, \"eos_token_id\": 5,"
            + " \"no_repeat_ngram_size\": 5}");
    GenerationConfig c = GenerationConfig.fromCheckpoint(dir).build();
    assertThat(c.strategy()).isEqualTo(Strategy.SAMPLE);
    assertThat(c.temperature()).isEqualTo(0.7);
    assertThat(c.topK()).isEqualTo(20);
    assertThat(c.topP()).isEqualTo(0.8);
    assertThat(c.stopTokenIds()).containsExactly(5);
    assertThat(c.noRepeatNgramSize()).isEqualTo(5);
    assertThat(c.toBuilder().build()).isEqualTo(c);
    Files.writeString(dir.resolve(GenerationConfig.FILE), "{\"max_new_tokens\": \"many\"}");
    assertThatThrownBy(() -> GenerationConfig.fromCheckpoint(dir)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(GenerationConfig.FILE).hasMessageContaining("max_new_tokens");
    Files.writeString(dir.resolve(GenerationConfig.FILE), "{not json");
    assertThatThrownBy(() -> GenerationConfig.fromCheckpoint(dir)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(GenerationConfig.FILE);
  }

  @Test
  void invalidConfigsNameTheParameter() {
    bad(() -> GenerationConfig.builder().maxNewTokens(0).build(), "maxNewTokens");
    bad(() -> GenerationConfig.builder().noRepeatNgramSize(-1).build(), "noRepeatNgramSize");
    bad(() -> GenerationConfig.builder().strategy(Strategy.BEAM).beamWidth(0).build(), "beamWidth");
    bad(() -> GenerationConfig.builder().beamWidth(3).build(), "needs strategy BEAM");
    bad(() -> GenerationConfig.builder().temperature(-0.1).build(), "temperature");
    bad(() -> GenerationConfig.builder().temperature(Double.NaN).build(), "temperature");
    bad(() -> GenerationConfig.builder().topK(-1).build(), "topK");
    bad(() -> GenerationConfig.builder().topP(0).build(), "topP");
    bad(() -> GenerationConfig.builder().topP(1.5).build(), "topP");
    bad(() -> GenerationConfig.builder().lengthPenalty(Double.POSITIVE_INFINITY).build(), "lengthPenalty");
    bad(() -> GenerationConfig.builder().stopTokenIds(-3).build(), "stop token id");
    bad(() -> GenerationConfig.builder().stopStrings("").build(), "stop string");
    bad(() -> GenerationConfig.builder().strategy(null).build(), "strategy");
  }

  private static void bad(Supplier<GenerationConfig> s, String message) {
    assertThatThrownBy(s::get).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }
}
