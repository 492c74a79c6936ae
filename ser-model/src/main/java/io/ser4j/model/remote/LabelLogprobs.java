package io.ser4j.model.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.model.speechlm.AnswerFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a label distribution from the {@code logprobs} of a Chat Completions reply: at the first
 * token of the {@code Emotion:} value, every {@code top_logprobs} alternative whose text (after the
 * part of the token before the value, trimmed, lower case) is a non-empty prefix of exactly one
 * candidate label (or of one of its {@link AnswerFormat#SYNONYMS synonyms}) adds its probability to
 * that candidate; the sums are renormalised over the candidates. Alternatives that fit no candidate
 * or several (an ambiguous prefix such as {@code "s"}) are dropped; candidates with no alternative in
 * the top list get probability 0. This is a first-token approximation of the scoring in {@code
 * docs/speechlm-format.md}, not the full multi-token score. Stateless; thread-safe.
 */
final class LabelLogprobs {
  private static final Pattern EMOTION_VALUE =
      Pattern.compile(
          "(?im)^[\\s*_#>-]*?[*_]*\\s*emotion\\s*[*_]*\\s*:[*_\\s]*(?=\\S)");

  private LabelLogprobs() {}

  /**
   * The distribution, or {@code null} when the logprobs do not allow one (missing, no {@code
   * Emotion:} field, no alternative naming a candidate, or {@code expected} got no mass).
   *
   * @param logprobs the choice's {@code logprobs} node ({@code {"content": [{token, logprob,
   *     top_logprobs: [...]}, ...]}})
   * @param candidates the candidate labels
   * @param expected the label parsed from the answer text; must receive mass
   */
  static LabelDistribution fromLogprobs(JsonNode logprobs, LabelSet candidates, Label expected) {
    JsonNode tokens = logprobs == null ? null : logprobs.path("content");
    if (tokens == null || !tokens.isArray() || tokens.isEmpty()) {
      return null;
    }
    int n = tokens.size();
    int[] start = new int[n + 1];
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < n; i++) {
      start[i] = text.length();
      text.append(tokens.get(i).path("token").asText(""));
    }
    start[n] = text.length();
    Matcher m = EMOTION_VALUE.matcher(text);
    if (!m.find()) {
      return null;
    }
    int valueStart = m.end();
    int p = 0;
    while (p < n - 1 && start[p + 1] <= valueStart) {
      p++;
    }
    String lead = text.substring(start[p], valueStart);
    JsonNode top = tokens.get(p).path("top_logprobs");
    if (!top.isArray() || top.isEmpty()) {
      return null;
    }
    double[] mass = new double[candidates.size()];
    double total = 0;
    for (JsonNode alt : top) {
      String tok = alt.path("token").asText("");
      double lp = alt.path("logprob").asDouble(Double.NaN);
      if (!tok.startsWith(lead) || !Double.isFinite(lp)) {
        continue;
      }
      String rest = tok.substring(lead.length()).replaceAll("^[\\s*_\"']+", "").toLowerCase(Locale.ROOT);
      rest = rest.strip();
      if (rest.isEmpty()) {
        continue;
      }
      int match = uniqueCandidate(rest, candidates);
      if (match >= 0) {
        mass[match] += Math.exp(lp);
        total += Math.exp(lp);
      }
    }
    int e = candidates.indexOf(expected);
    if (total <= 0 || e < 0 || mass[e] <= 0) {
      return null;
    }
    return LabelDistribution.normalise(candidates, mass);
  }

  /** The index of the one candidate that {@code prefix} can begin, or -1 (none or several). */
  private static int uniqueCandidate(String prefix, LabelSet candidates) {
    int found = -1;
    for (int i = 0; i < candidates.size(); i++) {
      String name = candidates.get(i).name();
      boolean fits = name.startsWith(prefix) || prefix.startsWith(name);
      for (Map.Entry<String, String> syn : AnswerFormat.SYNONYMS.entrySet()) {
        if (!fits && syn.getValue().equals(name)) {
          fits = syn.getKey().startsWith(prefix) || prefix.startsWith(syn.getKey());
        }
      }
      if (fits) {
        if (found >= 0) {
          return -1;
        }
        found = i;
      }
    }
    return found;
  }
}
