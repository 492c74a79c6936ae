package io.ser4j.rationale.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.ModelLoadException;
import io.ser4j.model.speechlm.SpeechTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a word-level Hugging Face {@code tokenizer.json} sized to the training texts: the six
 * Qwen2-Audio special tokens as added tokens (ids 0–5: {@code <|endoftext|> <|im_start|> <|im_end|>
 * <|AUDIO|> <|audio_bos|> <|audio_eos|>}), {@code <unk>} (id 6), then every word, punctuation mark
 * and {@code "\n"} of the texts, most frequent first (ties by code point order), so the file is a
 * deterministic function of the texts.
 *
 * <p>Pre-tokenization (the same as the tiny test checkpoints'): runs of spaces/tabs are removed,
 * {@code "\n"} is a token of its own, and every punctuation character is isolated. The decoder is
 * Hugging Face's WordPiece decoder with clean-up, which joins words with single spaces and removes
 * the space before {@code . , ! ?}. {@link #words} reproduces the pre-tokenizer in Java so the
 * vocabulary can be collected without the native library; {@link #write} then loads the file
 * through {@link SpeechTokenizer} and checks that no text maps to {@code <unk>}.
 *
 * <p>Stateless; thread-safe.
 */
public final class WordTokenizerWriter {
  /** The added (special) tokens in id order. */
  public static final List<String> SPECIAL = List.of(
      SpeechTokenizer.ENDOFTEXT, SpeechTokenizer.IM_START, SpeechTokenizer.IM_END,
      SpeechTokenizer.AUDIO, SpeechTokenizer.AUDIO_BOS, SpeechTokenizer.AUDIO_EOS);
  /** The unknown-word token. */
  public static final String UNK = "<unk>";
  /** Vocabulary sizes are rounded up to a multiple of this (embedding rows beyond the words are unused). */
  public static final int VOCAB_MULTIPLE = 8;

  private WordTokenizerWriter() {}

  /**
   * Splits a text the way the written tokenizer's pre-tokenizer does (special tokens are removed
   * first: they are matched before pre-tokenization).
   */
  public static List<String> words(String text) {
    String s = text;
    for (String sp : SPECIAL) {
      s = s.replace(sp, " ");
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == '\n' || isPunctuation(cp)) {
        flush(cur, out);
        out.add(new String(Character.toChars(cp)));
      } else if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == 0x0B) {
        flush(cur, out);
      } else {
        cur.appendCodePoint(cp);
      }
    }
    flush(cur, out);
    return out;
  }

  private static void flush(StringBuilder cur, List<String> out) {
    if (cur.length() > 0) {
      out.add(cur.toString());
      cur.setLength(0);
    }
  }

  /** ASCII punctuation or a Unicode punctuation category, as the Hugging Face pre-tokenizer. */
  static boolean isPunctuation(int cp) {
    if (cp < 128) {
      return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96)
          || (cp >= 123 && cp <= 126);
    }
    int t = Character.getType(cp);
    return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
        || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
        || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
        || t == Character.OTHER_PUNCTUATION;
  }

  /**
   * The vocabulary of the texts: specials, {@code <unk>}, then words by falling frequency.
   *
   * @return token → id
   */
  public static Map<String, Integer> vocabulary(Collection<String> texts) {
    Map<String, Integer> counts = new HashMap<>();
    for (String t : texts) {
      for (String w : words(t)) {
        counts.merge(w, 1, Integer::sum);
      }
    }
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort((a, b) -> a.getValue().equals(b.getValue())
        ? a.getKey().compareTo(b.getKey()) : Integer.compare(b.getValue(), a.getValue()));
    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (String sp : SPECIAL) {
      vocab.put(sp, vocab.size());
    }
    vocab.put(UNK, vocab.size());
    for (Map.Entry<String, Integer> e : entries) {
      vocab.putIfAbsent(e.getKey(), vocab.size());
    }
    return vocab;
  }

  /** The vocabulary size to put in a model config: the token count rounded up to {@link #VOCAB_MULTIPLE}. */
  public static int paddedSize(int tokens) {
    return (tokens + VOCAB_MULTIPLE - 1) / VOCAB_MULTIPLE * VOCAB_MULTIPLE;
  }

  /**
   * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} and checks them.
   *
   * @param dir the checkpoint directory (created if needed)
   * @param texts every text the tokenizer must cover
   * @return the number of tokens (specials included)
   * @throws ModelLoadException when the file cannot be written or a text maps to {@code <unk>}
   */
  public static int write(Path dir, Collection<String> texts) {
    Map<String, Integer> vocab = vocabulary(texts);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < SPECIAL.size(); i++) {
      ObjectNode t = added.addObject();
      t.put("id", i);
      t.put("content", SPECIAL.get(i));
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode seq = pre.putArray("pretokenizers");
    ObjectNode ws = seq.addObject();
    ws.put("type", "Split");
    ws.putObject("pattern").put("Regex", "[ \\t\\r\\f\\v]+");
    ws.put("behavior", "Removed");
    ws.put("invert", false);
    ObjectNode nl = seq.addObject();
    nl.put("type", "Split");
    nl.putObject("pattern").put("String", "\n");
    nl.put("behavior", "Isolated");
    nl.put("invert", false);
    seq.addObject().put("type", "Punctuation").put("behavior", "Isolated");
    root.putNull("post_processor");
    ObjectNode dec = root.putObject("decoder");
    dec.put("type", "WordPiece");
    dec.put("prefix", "##");
    dec.put("cleanup", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    ObjectNode v = model.putObject("vocab");
    vocab.forEach(v::put);
    model.put("unk_token", UNK);

    ObjectNode cfg = json.createObjectNode();
    cfg.put("tokenizer_class", "PreTrainedTokenizerFast");
    cfg.putNull("bos_token");
    cfg.put("eos_token", SpeechTokenizer.IM_END);
    cfg.put("pad_token", SpeechTokenizer.ENDOFTEXT);
    cfg.put("unk_token", UNK);
    cfg.put("model_max_length", 2048);
    cfg.put("audio_token", SpeechTokenizer.AUDIO);
    cfg.put("audio_bos_token", SpeechTokenizer.AUDIO_BOS);
    cfg.put("audio_eos_token", SpeechTokenizer.AUDIO_EOS);
    try {
      Files.createDirectories(dir);
      json.writeValue(dir.resolve(SpeechTokenizer.FILE).toFile(), root);
      json.writeValue(dir.resolve("tokenizer_config.json").toFile(), cfg);
    } catch (IOException e) {
      throw new ModelLoadException(dir.resolve(SpeechTokenizer.FILE).toString(), "cannot write: " + e.getMessage(), e);
    }
    int unk = vocab.get(UNK);
    try (SpeechTokenizer tok = SpeechTokenizer.load(dir)) {
      for (String t : texts) {
        for (int id : tok.encode(t)) {
          if (id == unk) {
            throw new ModelLoadException(dir.resolve(SpeechTokenizer.FILE).toString(),
                "the written tokenizer maps part of '" + t + "' to " + UNK);
          }
        }
      }
    }
    return vocab.size();
  }
}
