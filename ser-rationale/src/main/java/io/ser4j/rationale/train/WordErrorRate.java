package io.ser4j.rationale.train;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Word error rate of transcripts: both texts are lower-cased (Unicode NFC), every character that is
 * not a letter, digit or apostrophe becomes a space, and the words are compared by Levenshtein
 * distance (substitutions, insertions, deletions each cost 1). Corpus WER = total edits / total
 * reference words (not a mean of per-utterance rates). Stateless; thread-safe.
 */
public final class WordErrorRate {
  private WordErrorRate() {}

  /** The normalised words of a text. */
  public static List<String> words(String text) {
    if (text == null) {
      return List.of();
    }
    String s = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> b.appendCodePoint(Character.isLetterOrDigit(cp) || cp == '\'' ? cp : ' '));
    String t = b.toString().trim();
    return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
  }

  /** Word-level edit distance between a reference and a hypothesis. */
  public static int edits(String reference, String hypothesis) {
    List<String> r = words(reference);
    List<String> h = words(hypothesis);
    int[] prev = new int[h.size() + 1];
    int[] cur = new int[h.size() + 1];
    for (int j = 0; j <= h.size(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= r.size(); i++) {
      cur[0] = i;
      for (int j = 1; j <= h.size(); j++) {
        int sub = prev[j - 1] + (r.get(i - 1).equals(h.get(j - 1)) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[h.size()];
  }

  /**
   * Corpus WER over pairs.
   *
   * @param references reference transcripts
   * @param hypotheses hypotheses, aligned with the references
   * @return total edits / total reference words; NaN when the references hold no word
   * @throws IllegalArgumentException when the lists differ in length
   */
  public static double corpus(List<String> references, List<String> hypotheses) {
    if (references.size() != hypotheses.size()) {
      throw new IllegalArgumentException(references.size() + " references but " + hypotheses.size() + " hypotheses");
    }
    long e = 0;
    long n = 0;
    for (int i = 0; i < references.size(); i++) {
      e += edits(references.get(i), hypotheses.get(i));
      n += words(references.get(i)).size();
    }
    return n == 0 ? Double.NaN : e / (double) n;
  }
}
