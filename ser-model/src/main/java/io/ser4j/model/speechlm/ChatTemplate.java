package io.ser4j.model.speechlm;

import java.util.List;
import java.util.Objects;

/**
 * A minimal version of Qwen2-Audio's chat template (its processor's default): each message becomes
 * {@code <|im_start|>ROLE\n} + one line {@code Audio i: <|audio_bos|><|AUDIO|><|audio_eos|>\n} per
 * attached clip + the text + {@code <|im_end|>\n}; the generation prompt {@code
 * <|im_start|>assistant\n} is appended. Unlike the Hugging Face template no default system message is
 * inserted: a prompt has a system turn only when the caller gives one. Stateless and thread-safe.
 */
public final class ChatTemplate {
  /** Role of the system turn. */
  public static final String SYSTEM = "system";
  /** Role of the user turn. */
  public static final String USER = "user";
  /** Role of the model's turn. */
  public static final String ASSISTANT = "assistant";

  /**
   * One chat turn.
   *
   * @param role {@link #SYSTEM}, {@link #USER} or {@link #ASSISTANT}
   * @param text the turn's text (may be empty, not null)
   * @param audioClips number of audio clips attached before the text (ser4j's model takes at most one)
   */
  public record Message(String role, String text, int audioClips) {
    /**
     * Validates the turn.
     *
     * @throws IllegalArgumentException on an unknown role, null text or a negative clip count
     */
    public Message {
      if (!SYSTEM.equals(role) && !USER.equals(role) && !ASSISTANT.equals(role)) {
        throw new IllegalArgumentException("chat role must be system, user or assistant: " + role);
      }
      Objects.requireNonNull(text, "text");
      if (audioClips < 0) {
        throw new IllegalArgumentException("audioClips negative: " + audioClips);
      }
    }

    /** A system turn. */
    public static Message system(String text) {
      return new Message(SYSTEM, text, 0);
    }

    /** A user turn without audio. */
    public static Message user(String text) {
      return new Message(USER, text, 0);
    }

    /** A user turn with one clip before the text. */
    public static Message userWithAudio(String text) {
      return new Message(USER, text, 1);
    }

    /** An assistant turn (a previous answer). */
    public static Message assistant(String text) {
      return new Message(ASSISTANT, text, 0);
    }
  }

  private ChatTemplate() {}

  /**
   * The prompt text of a conversation.
   *
   * @param messages the turns, in order
   * @param addGenerationPrompt append {@code <|im_start|>assistant\n}
   * @return the text (special tokens as strings)
   * @throws IllegalArgumentException if there are no messages
   */
  public static String render(List<Message> messages, boolean addGenerationPrompt) {
    if (messages == null || messages.isEmpty()) {
      throw new IllegalArgumentException("no chat messages");
    }
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) {
      sb.append(SpeechTokenizer.IM_START).append(m.role()).append('\n');
      for (int i = 1; i <= m.audioClips(); i++) {
        sb.append("Audio ").append(i).append(": ").append(SpeechTokenizer.AUDIO_BOS)
            .append(SpeechTokenizer.AUDIO).append(SpeechTokenizer.AUDIO_EOS).append('\n');
      }
      sb.append(m.text()).append(SpeechTokenizer.IM_END).append('\n');
    }
    if (addGenerationPrompt) {
      sb.append(SpeechTokenizer.IM_START).append(ASSISTANT).append('\n');
    }
    return sb.toString();
  }

  /**
   * Prompt ids of a conversation with the generation prompt appended.
   *
   * @param tokenizer the checkpoint's tokenizer
   * @param messages the turns
   * @return the ids, ready for {@link SpeechLm#logits} / {@link Generator}
   */
  public static int[] promptIds(SpeechTokenizer tokenizer, List<Message> messages) {
    return tokenizer.encode(render(messages, true));
  }

  /**
   * The one-clip prompt ser4j uses: an optional system turn, then a user turn with the clip and the
   * instruction, then the generation prompt.
   *
   * @param system the system text, or {@code null} for none
   * @param instruction the user's text after the audio line
   * @return the messages
   */
  public static List<Message> audioPrompt(String system, String instruction) {
    return system == null
        ? List.of(Message.userWithAudio(instruction))
        : List.of(Message.system(system), Message.userWithAudio(instruction));
  }
}
