package io.ser4j.model.speechlm;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SpeechLM answer format of {@code docs/speechlm-format.md}: three fields, {@code Transcript:},
 * {@code Emotion:}, {@code Rationale:}, each starting a line. One formatter (for fine-tuning targets)
 * and one tolerant parser (for local generation and remote OpenAI-compatible SpeechLMs).
 *
 * <p>Label synonyms accepted by {@link #parse} when the surface form itself is not a candidate:
 * {@code angry}→anger, {@code happy}/{@code joy}/{@code joyful}→happiness, {@code sad}→sadness,
 * {@code bored}→boredom, {@code fearful}/{@code afraid}/{@code scared}→fear, {@code
 * disgusted}→disgust, {@code surprised}→surprise, {@code calmness}→calm, {@code neutrality}→neutral.
 * A synonym is only accepted when its target is one of the candidate labels.
 *
 * <p>Stateless; thread-safe.
 */
public final class AnswerFormat {
  /** The end-of-turn marker that closes an answer in the Qwen2 chat layout. */
  public static final String END_OF_TURN = "<|im_end|>";

  /** The end-of-text marker some servers leave in the text. */
  public static final String END_OF_TEXT = "<|endoftext|>";

  /** Synonyms: surface form → label name (documented in the class javadoc). */
  public static final Map<String, String> SYNONYMS =
      Map.ofEntries(
          Map.entry("angry", "anger"),
          Map.entry("happy", "happiness"),
          Map.entry("joy", "happiness"),
          Map.entry("joyful", "happiness"),
          Map.entry("sad", "sadness"),
          Map.entry("bored", "boredom"),
          Map.entry("fearful", "fear"),
          Map.entry("afraid", "fear"),
          Map.entry("scared", "fear"),
          Map.entry("disgusted", "disgust"),
          Map.entry("surprised", "surprise"),
          Map.entry("calmness", "calm"),
          Map.entry("neutrality", "neutral"));

  private static final Pattern FIELD_LINE =
      Pattern.compile(
          "^[\\s*_#>-]*?[*_]*\\s*(transcript|emotion|rationale)\\s*[*_]*\\s*:[*_]*[ \\t]?(.*)$",
          Pattern.CASE_INSENSITIVE);

  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*(\\r\\n|\\r|\\n)\\s*");

  private AnswerFormat() {}

  /**
   * Formats an answer (without {@link #END_OF_TURN}; see {@link #formatTarget}). Line breaks inside
   * {@code transcript} and {@code rationale} are replaced by single spaces so that the result parses
   * back to the same three values.
   *
   * @param transcript what was said; {@code null} or empty for models that do not transcribe
   * @param label the emotion label
   * @param rationale the explanation; {@code null} for none
   * @return e.g. {@code "Transcript: Hallo.\nEmotion: anger\nRationale: Loud."}
   */
  public static String format(String transcript, Label label, String rationale) {
    Objects.requireNonNull(label, "label");
    String t = oneLine(transcript);
    String r = oneLine(rationale);
    return "Transcript:"
        + (t.isEmpty() ? "" : " " + t)
        + "\nEmotion: "
        + label.name()
        + "\nRationale:"
        + (r.isEmpty() ? "" : " " + r);
  }

  /** {@link #format} followed by {@link #END_OF_TURN}: a fine-tuning target. */
  public static String formatTarget(String transcript, Label label, String rationale) {
    return format(transcript, label, rationale) + END_OF_TURN;
  }

  /**
   * The {@code Labels:} line of the prompt: the candidates in the canonical order (those of {@link
   * LabelSet#UNIFIED} in its order, then any others alphabetically), lower case, comma + space.
   */
  public static String labelsLine(LabelSet candidates) {
    List<Label> ordered = new ArrayList<>();
    for (Label l : LabelSet.UNIFIED) {
      if (candidates.contains(l)) {
        ordered.add(l);
      }
    }
    candidates.labels().stream().filter(l -> !LabelSet.UNIFIED.contains(l)).sorted().forEach(ordered::add);
    StringBuilder sb = new StringBuilder("Labels: ");
    for (int i = 0; i < ordered.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(ordered.get(i).name());
    }
    return sb.toString();
  }

  /**
   * Parses an answer by the rules of {@code docs/speechlm-format.md}: cut at the first end marker,
   * normalise line ends, take the first line of each key (markdown {@code *}/{@code _} around keys
   * tolerated, keys case-insensitive), ignore any preamble. Never throws on malformed text: missing
   * fields come back empty with a warning, an emotion that is not a candidate comes back as a
   * {@code null} label with a warning (callers decide whether that is an error).
   *
   * @param text the model's answer; {@code null} is treated as empty
   * @param candidates the labels the emotion must be one of
   * @return the parsed answer
   */
  public static ParsedAnswer parse(String text, LabelSet candidates) {
    Objects.requireNonNull(candidates, "candidates");
    List<String> warnings = new ArrayList<>();
    String s = text == null ? "" : text;
    int cut = firstMarker(s);
    if (cut >= 0) {
      s = s.substring(0, cut);
    }
    String[] lines = s.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
    String transcript = null;
    String emotion = null;
    StringBuilder rationale = null;
    String current = null; // the key whose value the following non-field lines belong to
    int ignored = 0;
    for (String line : lines) {
      Matcher m = FIELD_LINE.matcher(line);
      String key = m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
      boolean firstOfKey =
          key != null
              && switch (key) {
                case "transcript" -> transcript == null;
                case "emotion" -> emotion == null;
                default -> rationale == null;
              };
      if (firstOfKey) {
        String value = m.group(2).trim();
        switch (key) {
          case "transcript" -> transcript = stripEmphasis(value);
          case "emotion" -> emotion = value;
          default -> rationale = new StringBuilder(stripEmphasis(value));
        }
        current = key;
      } else if ("rationale".equals(current)) {
        rationale.append('\n').append(line);
      } else if (current != null && !line.isBlank()) {
        ignored++;
      }
    }
    if (ignored > 0) {
      warnings.add(ignored + " line(s) after a one-line field ignored");
    }
    if (transcript == null) {
      warnings.add("no Transcript field");
      transcript = "";
    }
    String rationaleText = "";
    if (rationale == null) {
      warnings.add("no Rationale field");
    } else {
      rationaleText = rationale.toString().trim();
    }
    Label label = null;
    String rawEmotion = "";
    if (emotion == null) {
      warnings.add("no Emotion field");
    } else {
      rawEmotion = emotion;
      label = resolveLabel(emotion, candidates);
      if (label == null) {
        warnings.add("emotion '" + emotion + "' is not one of " + candidates);
      }
    }
    return new ParsedAnswer(transcript, label, rawEmotion, rationaleText, warnings);
  }

  private static final java.util.regex.Pattern SPACE_BEFORE_PUNCT =
      java.util.regex.Pattern.compile(" +([.,;:!?)])");
  private static final java.util.regex.Pattern SPACE_AFTER_OPEN = java.util.regex.Pattern.compile("([(]) +");
  private static final java.util.regex.Pattern SPACED_APOSTROPHE =
      java.util.regex.Pattern.compile("(\\p{L}) ?' ?(s|t|re|ve|ll|d|m)\\b");

  /**
   * Undoes the spacing a word-level tokenizer's decoder puts around punctuation ({@code "speaker ' s
   * voice , loud ."} becomes {@code "speaker's voice, loud."}); other text is returned unchanged.
   *
   * @param text decoded text, may be empty
   * @return the tidied text
   */
  public static String tidy(String text) {
    String t = SPACE_BEFORE_PUNCT.matcher(text).replaceAll("$1");
    t = SPACE_AFTER_OPEN.matcher(t).replaceAll("$1");
    return SPACED_APOSTROPHE.matcher(t).replaceAll("$1'$2");
  }

  /**
   * Maps a surface form of an emotion to a candidate label: lower-cased, trimmed, markdown emphasis,
   * quotes and trailing {@code .}/{@code !}/{@code ,} removed, then an exact (case-insensitive) match
   * or a {@link #SYNONYMS synonym} whose target is a candidate.
   *
   * @return the label, or {@code null} when the value names no candidate
   */
  public static Label resolveLabel(String value, LabelSet candidates) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    v = v.replaceAll("^[\\s*_\"'`]+|[\\s*_\"'`.!,;]+$", "");
    if (v.isEmpty()) {
      return null;
    }
    Label direct = new Label(v);
    if (candidates.contains(direct)) {
      return direct;
    }
    String mapped = SYNONYMS.get(v);
    if (mapped != null && candidates.contains(new Label(mapped))) {
      return new Label(mapped);
    }
    return null;
  }

  private static int firstMarker(String s) {
    int a = s.indexOf(END_OF_TURN);
    int b = s.indexOf(END_OF_TEXT);
    if (a < 0) {
      return b;
    }
    return b < 0 ? a : Math.min(a, b);
  }

  private static String stripEmphasis(String value) {
    return value.replaceAll("^[*_]+\\s*|\\s*[*_]+$", "").trim();
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    return LINE_BREAKS.matcher(text.trim()).replaceAll(" ");
  }

  /**
   * A parsed answer.
   *
   * @param transcript the transcript; empty when missing
   * @param label the candidate label named by the answer, or {@code null} when the answer names none
   * @param rawEmotion the {@code Emotion:} value as written (trimmed); empty when the field is missing
   * @param rationale the rationale (may span lines); empty when missing
   * @param warnings what was missing or odd, in plain words; empty for a well-formed answer
   */
  public record ParsedAnswer(
      String transcript, Label label, String rawEmotion, String rationale, List<String> warnings) {
    /** Copies the warnings; rejects null strings. */
    public ParsedAnswer {
      Objects.requireNonNull(transcript, "transcript");
      Objects.requireNonNull(rawEmotion, "rawEmotion");
      Objects.requireNonNull(rationale, "rationale");
      warnings = List.copyOf(warnings);
    }

    /** True when the answer named a candidate label. */
    public boolean hasLabel() {
      return label != null;
    }
  }
}
