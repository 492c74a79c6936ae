package io.ser4j.model.speechlm;

import static io.ser4j.model.speechlm.SpeechLmFixtures.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SpeechTokenizer} and {@link ChatTemplate} against the fixture prompts (tokenizers 0.23.2 ids). */
class SpeechTokenizerTest {

  @ParameterizedTest
  @ValueSource(strings = {"tiny-untied", "tiny-tied", "tiny-bf16", "tiny-sharded"})
  void chatTemplateAndTokenizerReproduceTheReferencePrompts(String name) {
    JsonNode m = SpeechLmFixtures.manifest();
    try (SpeechTokenizer tok = SpeechTokenizer.load(SpeechLmFixtures.checkpoint(name))) {
      for (Iterator<Map.Entry<String, JsonNode>> it = m.get("special_tokens").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        assertThat(tok.specialId(e.getKey())).as(e.getKey()).isEqualTo(e.getValue().asInt());
      }
      JsonNode audio = m.get("prompts").get("audio");
      String a = ChatTemplate.render(
          ChatTemplate.audioPrompt("You are an emotion recognizer.", "What is the emotion of the speaker?"), true);
      assertThat(a).isEqualTo(audio.get("text").asText());
      assertThat(ChatTemplate.promptIds(tok, ChatTemplate.audioPrompt("You are an emotion recognizer.",
          "What is the emotion of the speaker?"))).containsExactly(ints(audio.get("input_ids")));
      JsonNode text = m.get("prompts").get("text_only");
      List<ChatTemplate.Message> t = List.of(ChatTemplate.Message.user(
          "Transcript: Der Lappen liegt auf dem Eisschrank.\nWhat is the emotion?"));
      assertThat(ChatTemplate.render(t, true)).isEqualTo(text.get("text").asText());
      assertThat(ChatTemplate.promptIds(tok, t)).containsExactly(ints(text.get("input_ids")));
      assertThat(tok.encode("unheard-of-word")).contains(m.get("unk_token").get("<unk>").asInt());
      assertThat(tok.decode(tok.encode("Emotion: anger"), false)).isEqualTo("Emotion : anger");
    }
  }

  @Test
  void missingFileOrSpecialTokenIsAModelLoadException(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> SpeechTokenizer.load(dir)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tokenizer.json");
    String json = Files.readString(SpeechLmFixtures.checkpoint("tiny-untied").resolve("tokenizer.json"));
    String without = json.replaceFirst("\"<\\|AUDIO\\|>\"", "\"<|VIDEO|>\"");
    assertThat(without).isNotEqualTo(json);
    Files.writeString(dir.resolve("tokenizer.json"), without);
    assertThatThrownBy(() -> SpeechTokenizer.load(dir)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tokenizer.json").hasMessageContaining("<|AUDIO|>");
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 3}");
    assertThatThrownBy(() -> SpeechTokenizer.load(dir)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("tokenizer.json");
  }

  @Test
  void chatMessagesValidate() {
    assertThatThrownBy(() -> new ChatTemplate.Message("robot", "x", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("robot");
    assertThatThrownBy(() -> ChatTemplate.render(List.of(), true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no chat messages");
  }
}
