package io.ser4j.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import org.junit.jupiter.api.Test;

class LabelLogprobsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LabelSet LABELS = LabelSet.of("anger", "happiness", "neutral", "sadness");

  /** A logprobs node for these tokens; the alternatives go to the token at {@code altAt}. */
  static JsonNode logprobs(String[] tokens, int altAt, Object... alternatives) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode content = root.putArray("content");
    for (int i = 0; i < tokens.length; i++) {
      ObjectNode t = content.addObject();
      t.put("token", tokens[i]);
      t.put("logprob", -0.01);
      ArrayNode top = t.putArray("top_logprobs");
      if (i == altAt) {
        for (int k = 0; k < alternatives.length; k += 2) {
          top.addObject().put("token", (String) alternatives[k]).put("logprob", (double) alternatives[k + 1]);
        }
      } else {
        top.addObject().put("token", tokens[i]).put("logprob", -0.01);
      }
    }
    return root;
  }

  static final String[] TOKENS = {
    "Transcript", ":", " Hallo", "\n", "Emotion", ":", " anger", "\n", "Rationale", ":", " loud"
  };

  @Test
  void sumsAlternativesPerCandidateAndRenormalises() {
    JsonNode lp =
        logprobs(TOKENS, 6, " anger", -0.2, " happiness", -2.0, " sad", -3.0, " excited", -1.0,
            "anger", -1.5, " ang", -2.5);
    LabelDistribution d = LabelLogprobs.fromLogprobs(lp, LABELS, Label.of("anger"));
    double a = Math.exp(-0.2) + Math.exp(-2.5);
    double h = Math.exp(-2.0);
    double s = Math.exp(-3.0);
    double z = a + h + s;
    assertThat(d.toArray()).containsExactly(new double[] {a / z, h / z, 0, s / z}, within(1e-12));
    assertThat(d.argmax()).isEqualTo(Label.of("anger"));
  }

  @Test
  void colonAndSpaceInOneTokenAndMultiTokenLabels() {
    String[] tokens = {"Emotion", ": ", "sad", "ness", "\n"};
    JsonNode lp = logprobs(tokens, 2, "sad", -0.1, "happ", -1.0, "n", -2.0);
    LabelDistribution d = LabelLogprobs.fromLogprobs(lp, LABELS, Label.of("sadness"));
    assertThat(d).isNotNull();
    assertThat(d.probability(Label.of("neutral"))).isGreaterThan(0);
    assertThat(d.argmax()).isEqualTo(Label.of("sadness"));
  }

  @Test
  void ambiguousPrefixesAreDropped() {
    String[] tokens = {"Emotion", ":", " s", "adness"};
    JsonNode lp = logprobs(tokens, 2, " s", -0.1, " anger", -3.0);
    // " s" begins both sadness and surprise: no usable mass for sadness -> no distribution
    assertThat(LabelLogprobs.fromLogprobs(lp, LabelSet.UNIFIED, Label.of("sadness"))).isNull();
    // with sadness the only candidate starting with s, it counts
    assertThat(LabelLogprobs.fromLogprobs(lp, LABELS, Label.of("sadness")).argmax())
        .isEqualTo(Label.of("sadness"));
  }

  @Test
  void missingOrUselessLogprobsGiveNull() {
    assertThat(LabelLogprobs.fromLogprobs(null, LABELS, Label.of("anger"))).isNull();
    assertThat(LabelLogprobs.fromLogprobs(JSON.createObjectNode(), LABELS, Label.of("anger"))).isNull();
    String[] noEmotion = {"Transcript", ":", " x"};
    assertThat(LabelLogprobs.fromLogprobs(logprobs(noEmotion, 2, " x", -0.1), LABELS, Label.of("anger")))
        .isNull();
    // parsed label got no mass: inconsistent, fall back
    JsonNode lp = logprobs(TOKENS, 6, " happiness", -0.1);
    assertThat(LabelLogprobs.fromLogprobs(lp, LABELS, Label.of("anger"))).isNull();
  }
}
