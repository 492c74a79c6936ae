package io.ser4j.rationale.llm;

import io.ser4j.core.Cue;
import io.ser4j.core.Label;
import io.ser4j.rationale.CueLevel;
import io.ser4j.rationale.RelativeCue;
import io.ser4j.rationale.TeachingInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The versioned prompt of the LLM teacher ({@value #VERSION}). The version is part of every stored
 * rationale's key: any change to the wording below, to the cues listed or to how numbers are
 * written must bump {@link #VERSION}, so that new rationales do not mix with old ones in a store.
 *
 * <p>The system message fixes the role and the reply format (one JSON object {@code {"label":
 * ..., "rationale": ...}}). The user message gives the utterance id, the transcript, the label to
 * explain, every annotator's label with counts, the reference the cues are compared with (the
 * speaker's usual voice or the corpus average), and one line per cue: value with unit, z-score and
 * level (very low, low, typical, high, very high, undefined) as computed by {@link
 * io.ser4j.rationale.CueNorms}; then the rules the rationale must follow (ground every acoustic
 * statement in a level given, use "very" only for very high/low levels, use voice-quality words only
 * when their proxies support them, optionally acknowledge minority readings, length limit).
 *
 * <p>Stateless and thread-safe.
 */
public final class LlmPrompt {
  /** Prompt version; part of every stored rationale's key. */
  public static final String VERSION = "llm-v1";

  /** The system message of {@value #VERSION}. */
  public static final String SYSTEM =
      "You are an expert in vocal expression of emotion. You explain, for a short recorded utterance,"
          + " why listeners heard the emotion they did. You use only the evidence given to you: the"
          + " words and acoustic measurements of the clip compared with a reference voice. You never"
          + " invent measurements. You reply with one JSON object and nothing else:"
          + " {\"label\": \"<the label you are asked to explain>\", \"rationale\": \"<your"
          + " explanation>\"}.";

  /** Cues listed in the prompt, with their plain-English names, in this order. */
  static final Map<Cue, String> CUE_NAMES = cueNames();

  private LlmPrompt() {}

  private static Map<Cue, String> cueNames() {
    Map<Cue, String> m = new LinkedHashMap<>();
    m.put(Cue.F0_MEAN_HZ, "pitch level (mean F0)");
    m.put(Cue.F0_SD_SEMITONES, "pitch range (F0 standard deviation)");
    m.put(Cue.F0_SLOPE_SEMITONES_PER_S, "pitch contour (F0 slope; positive = rising)");
    m.put(Cue.INTENSITY_MEAN_DB, "loudness (mean intensity)");
    m.put(Cue.INTENSITY_RANGE_DB, "loudness range");
    m.put(Cue.SPEECH_RATE_SYLLABLES_PER_S, "speech rate");
    m.put(Cue.PAUSE_FRACTION, "pauses (share of time in pauses)");
    m.put(Cue.HNR_DB, "harmonics-to-noise ratio (low = breathy proxy)");
    m.put(Cue.JITTER_LOCAL, "jitter (pitch perturbation)");
    m.put(Cue.SHIMMER_LOCAL, "shimmer (amplitude perturbation)");
    m.put(Cue.HAMMARBERG_INDEX_DB, "Hammarberg index (low = tense proxy)");
    m.put(Cue.ALPHA_RATIO_DB, "alpha ratio");
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The user message for one utterance.
   *
   * @param in the utterance; its {@link TeachingInput#label()} must not be null
   * @param maxChars the longest rationale accepted, in characters
   * @throws IllegalArgumentException when {@code in} has no label
   */
  public static String user(TeachingInput in, int maxChars) {
    if (in.label() == null) {
      throw new IllegalArgumentException("utterance " + in.utteranceId() + " has no label to explain");
    }
    String label = in.label().name();
    StringBuilder sb = new StringBuilder();
    sb.append("Utterance: ").append(in.utteranceId()).append('\n');
    sb.append("Transcript: ")
        .append(in.transcript().isBlank() ? "(not available)" : "\"" + in.transcript().strip() + "\"")
        .append('\n');
    sb.append("Label to explain (the majority of listeners): ").append(label).append('\n');
    sb.append("All listeners' labels: ").append(annotations(in)).append('\n');
    sb.append("Reference: ").append(reference(in)).append('\n');
    sb.append("Measurements (value; z-score against the reference; level):\n");
    for (Map.Entry<Cue, String> e : CUE_NAMES.entrySet()) {
      RelativeCue r = in.relative().get(e.getKey());
      sb.append("- ").append(e.getValue()).append(": ").append(describe(e.getKey(), r)).append('\n');
    }
    sb.append("Rules:\n")
        .append("1. Explain in English, in 2 to 4 sentences, why a listener would hear \"")
        .append(label)
        .append("\".\n")
        .append("2. Every acoustic statement must agree with a level above: call a cue high or low only"
            + " when its level is high/low or very high/very low, use words like \"very\" or"
            + " \"extremely\" only for very high/very low levels, call a typical cue typical, and say"
            + " nothing about undefined cues.\n")
        .append("3. Use voice-quality words only when their proxies support them: breathy only with"
            + " low or very low harmonics-to-noise ratio; tense or pressed only with a low or very low"
            + " Hammarberg index; creaky only with low pitch and high jitter; trembling or shaky only"
            + " with high jitter and high shimmer.\n")
        .append("4. Mention the words when they bear on the emotion; say so when they are neutral.\n")
        .append("5. If some listeners chose other labels, you may briefly acknowledge those readings"
            + " as plausible, but the label you explain stays \"")
        .append(label)
        .append("\".\n")
        .append("6. Do not quote the numbers; describe them in words.\n")
        .append("7. The rationale must be at most ")
        .append(maxChars)
        .append(" characters.\n")
        .append("Reply with only this JSON object: {\"label\": \"")
        .append(label)
        .append("\", \"rationale\": \"...\"}");
    return sb.toString();
  }

  /**
   * The corrective message sent after a reply that failed validation.
   *
   * @param in the utterance
   * @param problem what was wrong with the previous reply
   * @param maxChars the longest rationale accepted, in characters
   */
  public static String correction(TeachingInput in, String problem, int maxChars) {
    String label = in.label() == null ? "" : in.label().name();
    return "Your previous reply was rejected: "
        + problem
        + ". Reply again with only the JSON object {\"label\": \""
        + label
        + "\", \"rationale\": \"...\"}; the label must be exactly \""
        + label
        + "\" and the rationale at most "
        + maxChars
        + " characters.";
  }

  private static String annotations(TeachingInput in) {
    if (in.annotations().isEmpty()) {
      return "not recorded";
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Label l : in.annotations()) {
      counts.merge(l.name(), 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder();
    List<Map.Entry<String, Integer>> entries =
        counts.entrySet().stream()
            .sorted((a, b) -> Integer.compare(b.getValue(), a.getValue()))
            .toList();
    for (Map.Entry<String, Integer> e : entries) {
      sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue());
    }
    return sb.toString();
  }

  private static String reference(TeachingInput in) {
    RelativeCue r = in.relative().get(Cue.F0_MEAN_HZ);
    if (r != null && r.reference().startsWith("speaker")) {
      return "this speaker's usual voice (" + r.reference() + ")";
    }
    return "the corpus average";
  }

  /** {@code "231 Hz; z = +1.84; very high"}, or {@code "undefined"}. Package-private for tests. */
  static String describe(Cue cue, RelativeCue r) {
    if (r == null || !Double.isFinite(r.value())) {
      return "undefined";
    }
    String unit = switch (cue) {
      case F0_MEAN_HZ -> " Hz";
      case F0_SD_SEMITONES -> " semitones";
      case F0_SLOPE_SEMITONES_PER_S -> " semitones/s";
      case INTENSITY_MEAN_DB, INTENSITY_RANGE_DB, HNR_DB, HAMMARBERG_INDEX_DB, ALPHA_RATIO_DB -> " dB";
      case SPEECH_RATE_SYLLABLES_PER_S -> " syllables/s";
      default -> "";
    };
    String value = String.format(Locale.ROOT, "%.3g", r.value()) + unit;
    if (r.level() == CueLevel.UNDEFINED) {
      return value + "; no reference; undefined";
    }
    return value
        + String.format(Locale.ROOT, "; z = %+.2f; ", r.z())
        + r.level().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
