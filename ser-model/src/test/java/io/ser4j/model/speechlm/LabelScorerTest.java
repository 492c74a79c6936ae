package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import java.util.Arrays;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link LabelScorer}: the batched pass equals scoring each label on its own, the distribution sums
 * to 1, restricting the candidates renormalises, the label is the argmax.
 */
class LabelScorerTest extends GenerationTestBase {
  static final LabelSet EMODB =
      LabelSet.of("anger", "boredom", "disgust", "fear", "happiness", "neutral", "sadness");

  private int[] prefix(Case c) {
    int[] answer = tokenizer.encode("Transcript: Der Lappen liegt auf dem Eisschrank.\nEmotion:");
    int[] ids = Arrays.copyOf(c.ids(), c.ids().length + answer.length);
    System.arraycopy(answer, 0, ids, c.ids().length, answer.length);
    return ids;
  }

  @Test
  void batchedScoresEqualBruteForceAndRestrictionRenormalises() {
    LabelScorer scorer = new LabelScorer(model, tokenizer);
    for (Case c : cases) {
      int[] prefix = prefix(c);
      LabelScorer.Scores s = scorer.score(prefix, c.audio(), EMODB);
      double[] p = s.distribution().toArray();
      assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, Offset.offset(1e-9));
      double[] brute = new double[EMODB.size()];
      for (int i = 0; i < brute.length; i++) {
        int[] tokens = scorer.labelTokens(EMODB.get(i));
        assertThat(tokens).hasSize(2); // label word + "\n" in the tiny vocabulary
        brute[i] = generator.logProb(prefix, c.audio(), tokens);
        assertThat(s.logProbs()[i]).as(c.name() + " " + EMODB.get(i)).isCloseTo(brute[i], Offset.offset(1e-5));
      }
      double[] bp = LabelDistribution.softmax(EMODB, brute).toArray();
      for (int i = 0; i < p.length; i++) {
        assertThat(p[i]).isCloseTo(bp[i], Offset.offset(1e-5));
      }
      assertThat(s.label()).isEqualTo(s.distribution().argmax());
      assertThat(EMODB.contains(s.label())).isTrue();

      LabelSet subset = LabelSet.of("fear", "anger", "sadness");
      LabelScorer.Scores r = scorer.score(prefix, c.audio(), subset);
      LabelDistribution expected = s.distribution().restrictTo(subset);
      for (int i = 0; i < subset.size(); i++) {
        assertThat(r.distribution().probability(subset.get(i)))
            .isCloseTo(expected.probability(subset.get(i)), Offset.offset(1e-5));
      }
      System.out.println(c.name() + " " + s.distribution());
    }
  }

  @Test
  void multiTokenLabelsAreSummed() {
    LabelScorer scorer = new LabelScorer(model, tokenizer);
    Case c = cases.get(0);
    int[] prefix = prefix(c);
    LabelSet odd = LabelSet.of("anger", "happiness, fear", "sadness");
    LabelScorer.Scores s = scorer.score(prefix, c.audio(), odd);
    int[] multi = scorer.labelTokens(odd.get(1));
    assertThat(multi.length).isGreaterThan(2);
    assertThat(s.logProbs()[1]).isCloseTo(generator.logProb(prefix, c.audio(), multi), Offset.offset(1e-5));
  }

  @Test
  void indistinguishableLabelsAreRejected() {
    LabelScorer scorer = new LabelScorer(model, tokenizer);
    Case c = cases.get(2);
    assertThatThrownBy(() -> scorer.score(prefix(c), null, LabelSet.of("zzqx", "qqzx")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenize identically");
  }
}
