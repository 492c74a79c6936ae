package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NgramBlockerTest {

  private static float[] zeros(int v) {
    return new float[v];
  }

  @Test
  void bansExactlyTheTokensThatWouldRepeatAnNgram() {
    int[] gen = {1, 2, 3, 1, 2, 4, 1, 2};
    float[] l = zeros(8);
    NgramBlocker.ban(l, gen, gen.length, 3); // prefix (1, 2) was followed by 3 and by 4
    assertThat(l[3]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(l[4]).isEqualTo(Float.NEGATIVE_INFINITY);
    for (int t : new int[] {0, 1, 2, 5, 6, 7}) {
      assertThat(l[t]).as("token " + t).isZero();
    }
    float[] bigram = zeros(8);
    NgramBlocker.ban(bigram, gen, gen.length, 2); // prefix (2) was followed by 3 and 4
    assertThat(bigram[3]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(bigram[4]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(bigram[1]).isZero();
  }

  @Test
  void onlyTheFirstCountTokensAndOnlyNPositiveCount() {
    int[] gen = {5, 6, 5, 6, 5, 0, 0};
    float[] l = zeros(8);
    NgramBlocker.ban(l, gen, 3, 2); // generated so far: 5 6 5 -> prefix (5) was followed by 6
    assertThat(l[6]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(l[0]).isZero();
    float[] off = zeros(8);
    NgramBlocker.ban(off, gen, 5, 0);
    assertThat(off).containsOnly(0f);
    float[] tooFew = zeros(8);
    NgramBlocker.ban(tooFew, gen, 1, 3); // an n-gram needs n-1 tokens before the new one
    assertThat(tooFew).containsOnly(0f);
    float[] unigram = zeros(8);
    NgramBlocker.ban(unigram, gen, 2, 1); // n = 1: no token twice
    assertThat(unigram[5]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(unigram[6]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(Arrays.copyOf(unigram, 5)).containsOnly(0f);
  }
}
