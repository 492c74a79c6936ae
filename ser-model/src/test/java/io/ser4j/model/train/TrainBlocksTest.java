package io.ser4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.RecognitionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MaskedCrossEntropy, GradientClipping and AdamW against torch (fixtures/lora/reference.json). */
class TrainBlocksTest {
  static final double TOL = 1e-6;
  JsonNode ref;
  NDManager manager;

  @BeforeEach
  void setUp() throws IOException {
    ref = new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/lora/reference.json").toFile());
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
  }

  static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }

  static void assertClose(float[] actual, JsonNode expected, double tol) {
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected.get(i).asDouble(),
          org.assertj.core.data.Offset.offset(tol));
    }
  }

  @Test
  void maskedCrossEntropyMatchesTorchLossAndGradient() {
    JsonNode c = ref.get("masked_ce");
    int n = c.get("n").asInt();
    int v = c.get("v").asInt();
    int[] targets = new int[n];
    for (int i = 0; i < n; i++) {
      targets[i] = c.get("targets").get(i).asInt();
    }
    try (NDManager sub = manager.newSubManager()) {
      NDArray logits = sub.create(floats(c.get("logits")), new Shape(n, v));
      logits.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray loss = MaskedCrossEntropy.loss(logits, targets, floats(c.get("mask")), floats(c.get("weights")));
        assertThat((double) loss.getFloat()).isCloseTo(c.get("loss").asDouble(), org.assertj.core.data.Offset.offset(TOL));
        gc.backward(loss);
      }
      assertClose(logits.getGradient().toFloatArray(), c.get("grad"), TOL);
    }
  }

  @Test
  void maskedCrossEntropyRejectsBadInput() {
    try (NDManager sub = manager.newSubManager()) {
      NDArray logits = sub.zeros(new Shape(2, 3));
      assertThatThrownBy(() -> MaskedCrossEntropy.loss(logits, new int[] {0, 5}, new float[] {1, 1}, null))
          .isInstanceOf(RecognitionException.class).hasMessageContaining("outside [0, 3)");
      assertThatThrownBy(() -> MaskedCrossEntropy.loss(logits, new int[] {0, 1}, new float[] {0, 0}, null))
          .isInstanceOf(RecognitionException.class).hasMessageContaining("no row counts");
      assertThatThrownBy(() -> MaskedCrossEntropy.loss(logits, new int[] {0}, new float[] {1}, null))
          .isInstanceOf(RecognitionException.class);
      // all logits equal: loss is log(3) regardless of the (masked-in) target
      assertThat((double) MaskedCrossEntropy.loss(logits, new int[] {0, -100}, new float[] {1, 0}, null).getFloat())
          .isCloseTo(Math.log(3), org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  @Test
  void clipByGlobalNormMatchesTorch() {
    JsonNode c = ref.get("clip");
    try (NDManager sub = manager.newSubManager()) {
      List<NDArray> grads = new ArrayList<>();
      for (int i = 0; i < c.get("shapes").size(); i++) {
        long[] shape = new long[c.get("shapes").get(i).size()];
        for (int j = 0; j < shape.length; j++) {
          shape[j] = c.get("shapes").get(i).get(j).asLong();
        }
        grads.add(sub.create(floats(c.get("grads").get(i)), new Shape(shape)));
      }
      int before = sub.getManagedArrays().size();
      double norm = GradientClipping.clipByGlobalNorm(grads, c.get("max_norm").asDouble());
      assertThat(sub.getManagedArrays()).hasSize(before);
      assertThat(norm).isCloseTo(c.get("norm").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
      assertThat(norm).isGreaterThan(c.get("max_norm").asDouble());
      for (int i = 0; i < grads.size(); i++) {
        assertClose(grads.get(i).toFloatArray(), c.get("clipped").get(i), TOL);
      }
      // already under the limit: unchanged
      float[] copy = grads.get(0).toFloatArray();
      GradientClipping.clipByGlobalNorm(grads, 100.0);
      assertThat(grads.get(0).toFloatArray()).containsExactly(copy);
      assertThatThrownBy(() -> GradientClipping.clipByGlobalNorm(grads, 0))
          .isInstanceOf(RecognitionException.class);
    }
  }

  @Test
  void parameterGroupsSplitNormsAndBiases() {
    try (NDManager sub = manager.newSubManager()) {
      Map<String, NDArray> named = new LinkedHashMap<>();
      named.put("layers.0.self_attn.q_proj.weight", sub.zeros(new Shape(2, 2)));
      named.put("layers.0.self_attn.q_proj.bias", sub.zeros(new Shape(2)));
      named.put("layers.0.input_layernorm.weight", sub.zeros(new Shape(2)));
      named.put("model.norm.weight", sub.zeros(new Shape(2)));
      named.put("embed_tokens.weight", sub.zeros(new Shape(3, 2)));
      ParameterGroups g = ParameterGroups.split(named, false);
      assertThat(g.decay()).containsOnlyKeys("layers.0.self_attn.q_proj.weight");
      assertThat(g.noDecay()).hasSize(4);
      assertThat(ParameterGroups.split(named, true).decay()).containsOnlyKeys(
          "layers.0.self_attn.q_proj.weight", "embed_tokens.weight");
    }
  }

  @Test
  void adamWMatchesTorchOverThreeSteps() {
    JsonNode c = ref.get("adamw");
    try (NDManager params = manager.newSubManager()) {
      NDArray w = params.create(floats(c.get("init").get("W")), new Shape(3, 4));
      NDArray b = params.create(floats(c.get("init").get("b")), new Shape(3));
      NDArray g = params.create(floats(c.get("init").get("g")), new Shape(4));
      Map<String, NDArray> named = new LinkedHashMap<>();
      named.put("lin.weight", w);
      named.put("lin.bias", b);
      named.put("norm.weight", g);
      for (NDArray p : named.values()) {
        p.setRequiresGradient(true);
      }
      ParameterGroups groups = ParameterGroups.split(named, false);
      assertThat(groups.decay()).containsOnlyKeys("lin.weight");
      try (AdamW opt = new AdamW(manager, c.get("lr").asDouble(), c.get("beta1").asDouble(),
          c.get("beta2").asDouble(), c.get("eps").asDouble(), c.get("weight_decay").asDouble())) {
        int resident = -1;
        for (int step = 0; step < 3; step++) {
          JsonNode expected = c.get("steps").get(step);
          try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.create(floats(c.get("x")), new Shape(5, 4));
            NDArray y = sub.create(floats(c.get("y")), new Shape(5, 3));
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
              NDArray wT = w.transpose(); // attaches to w's manager: move it into the step's
              wT.attach(sub);
              NDArray out = x.mul(g).matMul(wT).add(b);
              NDArray loss = out.sub(y).square().mean();
              assertThat((double) loss.getFloat()).isCloseTo(expected.get("loss").asDouble(),
                  org.assertj.core.data.Offset.offset(1e-5));
              gc.backward(loss);
            }
          }
          opt.step(groups);
          AdamW.zeroGradients(groups.all());
          assertClose(w.toFloatArray(), expected.get("W"), TOL);
          assertClose(b.toFloatArray(), expected.get("b"), TOL);
          assertClose(g.toFloatArray(), expected.get("g"), TOL);
          int now = params.getManagedArrays().size() + manager.getManagedArrays().size();
          if (resident >= 0) {
            assertThat(now).as("native arrays after step %d", step).isEqualTo(resident);
          }
          resident = now;
        }
        assertThat(opt.stepCount()).isEqualTo(3);
      }
    }
  }
}
