package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import io.ser4j.model.safetensors.SafeTensorsFile;
import io.ser4j.model.train.AdamW;
import io.ser4j.model.train.GradientClipping;
import io.ser4j.model.train.MaskedCrossEntropy;
import io.ser4j.model.train.ParameterGroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA on tiny-untied: merge equals the unmerged forward, unmerge restores, PEFT save/load round
 * trip, and a short fine-tuning run that lowers the masked loss with the base frozen and no native
 * array growth.
 */
class LoraTest extends GenerationTestBase {
  static final List<String> ALL = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  private Case audioCase() {
    return cases.stream().filter(c -> c.audio() != null).findFirst().orElseThrow();
  }

  @Test
  void newAdaptersChangeNothingAndMergeEqualsUnmergedForward() {
    Case c = audioCase();
    float[][] base = model.logits(c.ids(), c.audio());
    try (LoraAdapters lora = LoraAdapters.create(model, LoraConfig.of(4, 8, 0.1, ALL), 7)) {
      model.setAdapters(lora);
      try {
        assertThat(SpeechLmFixtures.maxAbs(model.logits(c.ids(), c.audio()), base)).isEqualTo(0.0); // B = 0
        lora.randomizeB(11, 0.05);
        float[][] unmerged = model.logits(c.ids(), c.audio());
        assertThat(SpeechLmFixtures.maxAbs(unmerged, base)).as("adapters change the logits").isGreaterThan(1e-3);
        lora.merge();
        assertThat(lora.merged()).isTrue();
        double mergedErr = SpeechLmFixtures.maxAbs(model.logits(c.ids(), c.audio()), unmerged);
        System.out.println("LoRA merged vs unmerged max |Δlogit| = " + mergedErr);
        assertThat(mergedErr).isLessThan(1e-5);
        assertThatThrownBy(lora::merge).isInstanceOf(RecognitionException.class);
        lora.unmerge();
        model.setAdapters(null);
        double restoredErr = SpeechLmFixtures.maxAbs(model.logits(c.ids(), c.audio()), base);
        System.out.println("LoRA unmerged base vs original max |Δlogit| = " + restoredErr);
        assertThat(restoredErr).isLessThan(1e-5);
        assertThatThrownBy(lora::unmerge).isInstanceOf(RecognitionException.class);
      } finally {
        model.setAdapters(null);
      }
    }
  }

  @Test
  void savesAndLoadsPeftLayout(@TempDir Path dir) throws Exception {
    Case c = audioCase();
    try (LoraAdapters lora = LoraAdapters.create(model, LoraConfig.of(2, 4, 0.0, List.of("q_proj", "v_proj")), 3)) {
      lora.randomizeB(5, 0.05);
      lora.save(dir);
      JsonNode cfg = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
      assertThat(cfg.get("r").asInt()).isEqualTo(2);
      assertThat(cfg.get("lora_alpha").asDouble()).isEqualTo(4.0);
      assertThat(cfg.get("peft_type").asText()).isEqualTo("LORA");
      assertThat(cfg.get("task_type").asText()).isEqualTo("CAUSAL_LM");
      assertThat(cfg.get("bias").asText()).isEqualTo("none");
      try (SafeTensorsFile st = SafeTensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
        assertThat(st.names()).hasSize(3 * 2 * 2);
        String a = "base_model.model.language_model.model.layers.0.self_attn.q_proj.lora_A.weight";
        String b = "base_model.model.language_model.model.layers.2.self_attn.v_proj.lora_B.weight";
        assertThat(st.info(a).shape()).containsExactly(2, 64); // (r, in)
        assertThat(st.info(b).shape()).containsExactly(32, 2); // (out = KV·d, r)
      }
      model.setAdapters(lora);
      float[][] before = model.logits(c.ids(), c.audio());
      try (LoraAdapters loaded = LoraAdapters.load(model, dir)) {
        model.setAdapters(loaded);
        assertThat(SpeechLmFixtures.maxAbs(model.logits(c.ids(), c.audio()), before)).isEqualTo(0.0);
        assertThat(loaded.config()).isEqualTo(lora.config());
      } finally {
        model.setAdapters(null);
      }
      Files.writeString(dir.resolve("adapter_config.json"), cfg.toString().replace("\"r\":2", "\"r\":3"));
      assertThatThrownBy(() -> LoraAdapters.load(model, dir)).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("lora_A.weight").hasMessageContaining("expected [3, 64]");
    }
    assertThatThrownBy(() -> LoraConfig.of(0, 1, 0, ALL)).isInstanceOf(RecognitionException.class);
    assertThatThrownBy(() -> LoraConfig.of(2, 1, 0, List.of("lm_head"))).isInstanceOf(RecognitionException.class)
        .hasMessageContaining("lm_head");
  }

  @Test
  void fineTuningLowersMaskedLossWithFrozenBaseAndStableMemory() {
    Case c = audioCase();
    int[] answer = {60, 61, 62, 63, 2};
    int[] ids = Arrays.copyOf(c.ids(), c.ids().length + answer.length);
    System.arraycopy(answer, 0, ids, c.ids().length, answer.length);
    int promptPositions = c.ids().length - 1 + c.audio().length;
    int s = promptPositions + answer.length;
    int[] targets = new int[s];
    float[] mask = new float[s];
    Arrays.fill(targets, -100);
    for (int k = 0; k < answer.length; k++) { // position p predicts the token at p + 1
      targets[promptPositions + k - 1] = answer[k];
      mask[promptPositions + k - 1] = 1f;
    }
    float[][] baseLogits = model.logits(ids, c.audio());
    Engine engine = Engine.getEngine(SpeechLm.ENGINE);
    engine.setRandomSeed(42); // LoRA dropout masks
    int modelResident = model.residentArrayCount();
    try (NDManager root = engine.newBaseManager();
        LoraAdapters lora = LoraAdapters.create(model, LoraConfig.of(8, 16, 0.05, ALL), 1);
        AdamW opt = new AdamW(root, 1e-2, 0.9, 0.999, 1e-8, 0.01)) {
      model.setAdapters(lora);
      ParameterGroups groups = ParameterGroups.split(lora.parameters(), false);
      assertThat(groups.noDecay()).isEmpty(); // LoRA matrices all decay
      Map<String, float[]> initial = new java.util.HashMap<>();
      lora.parameters().forEach((k, v) -> initial.put(k, v.toFloatArray()));
      float first = Float.NaN;
      float last = Float.NaN;
      int[] resident = null;
      long t0 = System.nanoTime();
      for (int step = 0; step < 20; step++) {
        try (NDManager sub = root.newSubManager()) {
          try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray logits = model.trainingLogits(sub, ids, c.audio(), true);
            NDArray loss = MaskedCrossEntropy.loss(logits, targets, mask, null);
            last = loss.getFloat();
            gc.backward(loss);
          }
          List<NDArray> grads = new ArrayList<>();
          for (NDArray p : groups.all()) {
            NDArray g = p.getGradient();
            g.attach(sub); // closed with the step
            grads.add(g);
          }
          double norm = GradientClipping.clipByGlobalNorm(grads, 1.0);
          assertThat(norm).isFinite().isPositive();
        }
        opt.step(groups);
        AdamW.zeroGradients(groups.all());
        if (step == 0) {
          first = last;
        }
        int[] now = {model.residentArrayCount(), lora.residentArrayCount(), root.getManagedArrays().size()};
        if (step == 1) {
          resident = now;
        } else if (step > 1) {
          assertThat(now).as("native arrays after step %d", step).containsExactly(resident);
        }
      }
      System.out.printf("LoRA fine-tuning: masked loss %.4f -> %.4f in 20 steps, %.1f ms/step (%d positions)%n",
          first, last, (System.nanoTime() - t0) / 20e6, s);
      assertThat(last).isLessThan(0.5f * first);
      assertThat(model.residentArrayCount()).isEqualTo(modelResident);
      // only the adapters changed: A and B moved, the base model without adapters is bit-identical
      lora.parameters().forEach((k, v) -> assertThat(v.toFloatArray()).as(k).isNotEqualTo(initial.get(k)));
      model.setAdapters(null);
      assertThat(SpeechLmFixtures.maxAbs(model.logits(ids, c.audio()), baseLogits)).isEqualTo(0.0);
    } finally {
      model.setAdapters(null);
    }
  }

  /** Masked loss of the current adapters (no dropout), evaluated without a gradient. */
  private double loss(NDManager root, int[] ids, float[][] audio, int[] targets, float[] mask) {
    try (NDManager sub = root.newSubManager()) {
      return MaskedCrossEntropy.loss(model.trainingLogits(sub, ids, audio, false), targets, mask, null).getFloat();
    }
  }

  @Test
  void adapterGradientsMatchFiniteDifferences() {
    Case c = audioCase();
    int[] ids = c.ids();
    int s = ids.length - 1 + c.audio().length;
    int[] targets = new int[s];
    float[] mask = new float[s];
    for (int p = 0; p < s - 1; p++) { // predict the next id of the text tail: positions after the audio
      targets[p] = -100;
    }
    for (int p = s - 6; p < s - 1; p++) {
      targets[p] = ids[ids.length - (s - p) + 1];
      mask[p] = 1f;
    }
    Engine engine = Engine.getEngine(SpeechLm.ENGINE);
    try (NDManager root = engine.newBaseManager();
        LoraAdapters lora = LoraAdapters.create(model, LoraConfig.of(2, 4, 0.0, ALL), 5)) {
      lora.randomizeB(9, 0.2);
      model.setAdapters(lora);
      Map<String, NDArray> params = lora.parameters();
      try (NDManager sub = root.newSubManager()) {
        try (GradientCollector gc = engine.newGradientCollector()) {
          gc.backward(MaskedCrossEntropy.loss(model.trainingLogits(sub, ids, c.audio(), false), targets, mask, null));
        }
        double h = 1e-2;
        int checked = 0;
        for (String name : List.of(
            "base_model.model.language_model.model.layers.0.self_attn.q_proj.lora_B.weight",
            "base_model.model.language_model.model.layers.1.self_attn.k_proj.lora_A.weight",
            "base_model.model.language_model.model.layers.2.mlp.down_proj.lora_B.weight",
            "base_model.model.language_model.model.layers.1.self_attn.o_proj.lora_A.weight")) {
          NDArray p = params.get(name);
          float[] grad;
          try (NDArray g = p.getGradient()) {
            grad = g.toFloatArray();
          }
          float[] v = p.toFloatArray();
          for (int idx : new int[] {0, 3, v.length - 1}) {
            float keep = v[idx];
            v[idx] = (float) (keep + h);
            p.set(java.nio.FloatBuffer.wrap(v));
            double up = loss(root, ids, c.audio(), targets, mask);
            v[idx] = (float) (keep - h);
            p.set(java.nio.FloatBuffer.wrap(v));
            double down = loss(root, ids, c.audio(), targets, mask);
            v[idx] = keep;
            p.set(java.nio.FloatBuffer.wrap(v));
            double numeric = (up - down) / (2 * h);
            assertThat((double) grad[idx]).as("%s[%d]", name, idx)
                .isCloseTo(numeric, org.assertj.core.data.Offset.offset(2e-3 + 0.02 * Math.abs(numeric)));
            checked++;
          }
        }
        assertThat(checked).isEqualTo(12);
      }
    } finally {
      model.setAdapters(null);
    }
  }
}
