package io.ser4j.rationale.train;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.RecognitionException;
import io.ser4j.model.speechlm.AnswerFormat;
import io.ser4j.model.speechlm.ChatTemplate;
import io.ser4j.model.speechlm.SpeechLmOptions;
import io.ser4j.model.speechlm.SpeechTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns an {@link SftExample} into token ids and per-token loss weights, in exactly the prompt and
 * answer format that {@link io.ser4j.model.speechlm.SpeechLmRecognizer} uses with {@link
 * SpeechLmOptions#defaults()} ({@code docs/speechlm-format.md}): the system prompt {@link
 * SpeechLmOptions#DEFAULT_SYSTEM_PROMPT}, one audio clip, the {@code Labels:} line, then the target
 * {@link AnswerFormat#formatTarget} (transcript → label → rationale, closed by {@code <|im_end|>}).
 *
 * <p>The loss covers the target tokens only (weight 0 on the prompt). The tokens of {@code " " +
 * label + "\n"} (the positions {@link io.ser4j.model.speechlm.LabelScorer} scores) get {@code
 * labelWeight}, the other target tokens 1. Immutable; thread-safe if the tokenizer is.
 */
public final class SftFormat {
  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*(\\r\\n|\\r|\\n)\\s*");

  private final SpeechTokenizer tokenizer;
  private final float labelWeight;

  /**
   * @param tokenizer the checkpoint's tokenizer
   * @param labelWeight loss weight of the label tokens ({@code >= 1}; 1 = no extra weight)
   * @throws IllegalArgumentException when {@code labelWeight} is below 1 or not finite
   */
  public SftFormat(SpeechTokenizer tokenizer, double labelWeight) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    if (!(labelWeight >= 1) || Double.isInfinite(labelWeight)) {
      throw new IllegalArgumentException("labelWeight must be >= 1 and finite: " + labelWeight);
    }
    this.labelWeight = (float) labelWeight;
  }

  /**
   * An example as ids: the prompt (one {@code <|AUDIO|>} placeholder) followed by the target.
   *
   * @param ids prompt + target token ids
   * @param weights per id, the loss weight of predicting that id (0 on the prompt)
   * @param promptLength number of prompt ids (the target starts there)
   */
  public record Encoded(int[] ids, float[] weights, int promptLength) {
    /** Copies. */
    public Encoded {
      ids = ids.clone();
      weights = weights.clone();
      if (ids.length != weights.length) {
        throw new IllegalArgumentException("ids and weights differ in length");
      }
    }

    @Override
    public int[] ids() {
      return ids.clone();
    }

    @Override
    public float[] weights() {
      return weights.clone();
    }
  }

  /** The user instruction of the prompt for these candidate labels (as the recognizer builds it). */
  public static String instruction(LabelSet candidates) {
    return AnswerFormat.labelsLine(candidates) + "\n";
  }

  /** The prompt messages for these candidate labels. */
  public static List<ChatTemplate.Message> prompt(LabelSet candidates) {
    return ChatTemplate.audioPrompt(SpeechLmOptions.DEFAULT_SYSTEM_PROMPT, instruction(candidates));
  }

  /** The target text: {@link AnswerFormat#formatTarget}; no rationale when {@code labelOnly}. */
  public static String target(SftExample e, boolean labelOnly) {
    return AnswerFormat.formatTarget(e.transcript(), e.label(), labelOnly ? null : e.rationale());
  }

  /** Every text the tokenizer must cover for these examples (prompts and targets). */
  public static List<String> texts(List<SftExample> examples) {
    List<String> out = new ArrayList<>();
    out.add(ChatTemplate.render(prompt(LabelSet.UNIFIED), true));
    for (Label l : LabelSet.UNIFIED) {
      out.add(" " + l.name() + "\n");
    }
    java.util.Set<LabelSet> seen = new java.util.HashSet<>();
    for (SftExample e : examples) {
      if (seen.add(e.corpusLabels())) {
        out.add(ChatTemplate.render(prompt(e.corpusLabels()), true));
        for (Label l : e.corpusLabels()) {
          out.add(" " + l.name() + "\n");
        }
      }
      out.add(target(e, false));
    }
    return out;
  }

  /**
   * Encodes an example.
   *
   * @param e the example
   * @param candidates the labels offered in the prompt (must contain the example's label)
   * @param labelOnly true: the target has no rationale
   * @return ids and weights
   * @throws RecognitionException when the label is not a candidate, or the tokenizer does not
   *     reproduce the target when its three pieces are tokenized apart
   */
  public Encoded encode(SftExample e, LabelSet candidates, boolean labelOnly) {
    if (!candidates.contains(e.label())) {
      throw new RecognitionException(e.key(), "label " + e.label() + " is not among " + candidates);
    }
    int[] prompt = ChatTemplate.promptIds(tokenizer, prompt(candidates));
    String t = oneLine(e.transcript());
    String r = labelOnly ? "" : oneLine(e.rationale());
    String head = (t.isEmpty() ? "Transcript:" : "Transcript: " + t) + "\nEmotion:";
    String label = " " + e.label().name() + "\n";
    String tail = "Rationale:" + (r.isEmpty() ? "" : " " + r) + AnswerFormat.END_OF_TURN;
    if (!(head + label + tail).equals(target(e, labelOnly))) {
      throw new RecognitionException(e.key(), "target pieces do not form the answer format");
    }
    int[] a = tokenizer.encode(head);
    int[] b = tokenizer.encode(label);
    int[] c = tokenizer.encode(tail);
    int n = prompt.length + a.length + b.length + c.length;
    int[] ids = Arrays.copyOf(prompt, n);
    float[] w = new float[n];
    int p = prompt.length;
    for (int x : a) {
      w[p] = 1f;
      ids[p++] = x;
    }
    for (int x : b) {
      w[p] = labelWeight;
      ids[p++] = x;
    }
    for (int x : c) {
      w[p] = 1f;
      ids[p++] = x;
    }
    return new Encoded(ids, w, prompt.length);
  }

  private static String oneLine(String text) {
    return text == null ? "" : LINE_BREAKS.matcher(text.trim()).replaceAll(" ");
  }
}
