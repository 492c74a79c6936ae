package io.ser4j.model.speechlm;

/**
 * {@link GenerationConfig#noRepeatNgramSize}: bans the tokens that would repeat an n-gram of the
 * tokens generated so far. Stateless; thread-safe.
 */
final class NgramBlocker {
  private NgramBlocker() {}

  /**
   * Sets to {@code -inf}, in place, the logit of every token {@code t} such that the last {@code n-1}
   * generated tokens followed by {@code t} already occur in {@code generated[0, count)}.
   *
   * @param logits next-token logits, changed in place
   * @param generated the tokens generated so far (only the first {@code count} are read)
   * @param count how many tokens have been generated
   * @param n the n-gram size; {@code n <= 0} does nothing
   */
  static void ban(float[] logits, int[] generated, int count, int n) {
    if (n <= 0 || count < n - 1) {
      return;
    }
    if (n == 1) {
      for (int i = 0; i < count; i++) {
        banId(logits, generated[i]);
      }
      return;
    }
    int prefixStart = count - (n - 1); // the n-1 tokens an n-gram ending now would start with
    for (int start = 0; start + n - 1 < count; start++) { // every earlier n-gram generated[start, start+n)
      boolean same = true;
      for (int j = 0; j < n - 1 && same; j++) {
        same = generated[start + j] == generated[prefixStart + j];
      }
      if (same) {
        banId(logits, generated[start + n - 1]);
      }
    }
  }

  private static void banId(float[] logits, int id) {
    if (id >= 0 && id < logits.length) {
      logits[id] = Float.NEGATIVE_INFINITY;
    }
  }
}
