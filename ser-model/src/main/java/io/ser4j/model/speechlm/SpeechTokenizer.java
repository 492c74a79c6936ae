package io.ser4j.model.speechlm;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checkpoint's Hugging Face {@code tokenizer.json}, through DJL's {@link HuggingFaceTokenizer}
 * (the Rust {@code tokenizers} library), loaded offline from the checkpoint directory, with the
 * Qwen2-Audio special tokens resolved by name.
 *
 * <p>Encoding adds no special tokens (no BOS/EOS post-processing); special-token strings that occur
 * in the text (e.g. {@code <|im_start|>}) are matched as the tokenizer's added tokens, which is how
 * {@link ChatTemplate} builds prompts.
 *
 * <p>Thread-safety: the native tokenizer is immutable after loading; {@link #encode} and {@link
 * #decode} may run concurrently. {@link #close()} must not overlap a call.
 */
public final class SpeechTokenizer implements AutoCloseable {
  /** File name of the tokenizer in a checkpoint directory. */
  public static final String FILE = "tokenizer.json";
  /** End of text; Qwen2's padding token. */
  public static final String ENDOFTEXT = "<|endoftext|>";
  /** Start of a chat turn. */
  public static final String IM_START = "<|im_start|>";
  /** End of a chat turn (the generation EOS). */
  public static final String IM_END = "<|im_end|>";
  /** The audio placeholder, replaced by the clip's audio frames. */
  public static final String AUDIO = "<|AUDIO|>";
  /** Opens an audio span. */
  public static final String AUDIO_BOS = "<|audio_bos|>";
  /** Closes an audio span. */
  public static final String AUDIO_EOS = "<|audio_eos|>";

  private static final String[] REQUIRED = {ENDOFTEXT, IM_START, IM_END, AUDIO, AUDIO_BOS, AUDIO_EOS};

  private final HuggingFaceTokenizer tokenizer;
  private final Path file;
  private final Map<String, Integer> special;
  private final int vocabSize;

  private SpeechTokenizer(HuggingFaceTokenizer tokenizer, Path file, Map<String, Integer> special, int vocabSize) {
    this.tokenizer = tokenizer;
    this.file = file;
    this.special = special;
    this.vocabSize = vocabSize;
  }

  /**
   * Loads {@code tokenizer.json} from a checkpoint directory (no network access).
   *
   * @param checkpointDir the Hugging Face–layout directory
   * @return the tokenizer; close it to free the native handle
   * @throws ModelLoadException naming tokenizer.json when it is missing, unreadable, not a tokenizer
   *     the library accepts, or lacks one of the Qwen2-Audio special tokens (named in the message)
   */
  public static SpeechTokenizer load(Path checkpointDir) {
    Path file = checkpointDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException(file.toString(), "missing (the checkpoint has no " + FILE + ")");
    }
    Map<String, Integer> added = new LinkedHashMap<>();
    int maxId = -1;
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      JsonNode vocab = root == null ? null : root.path("model").get("vocab");
      if (vocab != null && vocab.isObject()) {
        for (JsonNode id : vocab) {
          maxId = Math.max(maxId, id.asInt(-1));
        }
      } else if (vocab != null && vocab.isArray()) { // Unigram: a list of [piece, score]
        maxId = vocab.size() - 1;
      }
      JsonNode tokens = root == null ? null : root.get("added_tokens");
      if (tokens != null && tokens.isArray()) {
        for (JsonNode t : tokens) {
          if (t.hasNonNull("content") && t.hasNonNull("id")) {
            added.put(t.get("content").asText(), t.get("id").asInt());
            maxId = Math.max(maxId, t.get("id").asInt());
          }
        }
      }
    } catch (IOException e) {
      throw new ModelLoadException(file.toString(), "not readable JSON: " + e.getMessage(), e);
    }
    HuggingFaceTokenizer tok;
    try {
      Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
      tok = HuggingFaceTokenizer.newInstance(file, options);
    } catch (IOException | RuntimeException e) {
      throw new ModelLoadException(file.toString(), "not a loadable Hugging Face tokenizer: " + e.getMessage(), e);
    }
    try {
      Map<String, Integer> special = new LinkedHashMap<>();
      for (String name : REQUIRED) {
        Integer id = added.get(name);
        if (id == null) {
          throw new ModelLoadException(file.toString(), "special token " + name + " missing from added_tokens");
        }
        long[] ids = tok.encode(name, false, false).getIds();
        if (ids.length != 1 || ids[0] != id) {
          throw new ModelLoadException(file.toString(), "special token " + name + " (id " + id
              + ") does not encode to itself but to " + java.util.Arrays.toString(ids));
        }
        special.put(name, id);
      }
      return new SpeechTokenizer(tok, file, Collections.unmodifiableMap(special), maxId + 1);
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
  }

  /**
   * Number of ids the tokenizer can produce: one more than the largest id in {@code model.vocab} and
   * {@code added_tokens} (a model's {@code vocab_size} must be at least this).
   */
  public int vocabSize() {
    return vocabSize;
  }

  /** The tokenizer.json this was loaded from. */
  public Path file() {
    return file;
  }

  /**
   * Id of a Qwen2-Audio special token.
   *
   * @param name one of the constants of this class ({@link #IM_END}, ...)
   * @return its id
   * @throws IllegalArgumentException if {@code name} is not one of them
   */
  public int specialId(String name) {
    Integer id = special.get(name);
    if (id == null) {
      throw new IllegalArgumentException("not a Qwen2-Audio special token: " + name + " (known: "
          + special.keySet() + ")");
    }
    return id;
  }

  /** The special tokens and their ids, in a fixed order. */
  public Map<String, Integer> specialTokens() {
    return special;
  }

  /**
   * Token ids of a text, no special tokens added.
   *
   * @param text any text (special-token strings inside it are matched as such)
   * @return the ids
   * @throws RecognitionException if {@code text} is null
   */
  public int[] encode(String text) {
    if (text == null) {
      throw new RecognitionException("text", "null");
    }
    Encoding e = tokenizer.encode(text, false, false);
    long[] ids = e.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /**
   * Text of token ids (the tokenizer's decoder; a WordLevel tokenizer without decoder joins tokens with
   * single spaces).
   *
   * @param ids token ids
   * @param skipSpecialTokens drop the added special tokens
   * @return the text
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, skipSpecialTokens);
  }

  /** Frees the native tokenizer. */
  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "SpeechTokenizer[" + file + "]";
  }
}
