package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import io.ser4j.model.safetensors.SafeTensorsFile;
import io.ser4j.model.train.AdamW;
import io.ser4j.model.train.ParameterGroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full trainability: seeded initialisation, presets, save/load round trip, padded batched loss equal
 * to the unpadded items, gradients reaching every trainable tensor (encoder convs included),
 * bit-exact determinism of AdamW steps and of a snapshot/restore split run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeechLmTrainingTest {
  static final long SEED = 1234;
  SpeechTokenizer tokenizer;
  SpeechLmConfig config;
  float[][] melA;
  float[][] melB;
  float[][] melC;

  @BeforeAll
  void setUp() {
    tokenizer = SpeechTokenizer.load(SpeechLmFixtures.checkpoint("tiny-untied"));
    config = SpeechLmConfig.preset("tiny", tokenizer.vocabSize(), tokenizer.specialId(SpeechTokenizer.AUDIO));
    melA = SpeechLmFixtures.logMel("03a01Fa"); // 200 frames
    melB = slice(SpeechLmFixtures.logMel("14a01Aa_cut"), 151); // odd length: conv1 padding frame matters
    melC = slice(melA, 64);
  }

  @AfterAll
  void tearDown() {
    tokenizer.close();
  }

  static float[][] slice(float[][] mel, int frames) {
    float[][] out = new float[mel.length][];
    for (int m = 0; m < mel.length; m++) {
      out[m] = Arrays.copyOf(mel[m], frames);
    }
    return out;
  }

  /** prompt ids with the audio placeholder, then an answer whose tokens are the targets. */
  TrainingBatch.Item item(float[][] mel, String answer, float weight) {
    int[] prompt = tokenizer.encode("<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\n"
        + "What is the emotion?<|im_end|>\n<|im_start|>assistant\n");
    int[] ans = tokenizer.encode(answer + "<|im_end|>");
    int[] ids = Arrays.copyOf(prompt, prompt.length + ans.length);
    System.arraycopy(ans, 0, ids, prompt.length, ans.length);
    float[] w = new float[ids.length];
    Arrays.fill(w, prompt.length, ids.length, weight);
    return new TrainingBatch.Item(mel, ids, w);
  }

  TrainingBatch batch() {
    return new TrainingBatch(List.of(item(melA, "anger because loud", 1f), item(melB, "sadness", 1f),
        item(melC, "happy voice with high pitch", 0.5f)));
  }

  static boolean sameBits(Map<String, float[]> a, Map<String, float[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (String k : a.keySet()) {
      if (!Arrays.equals(a.get(k), b.get(k))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void initialisationIsSeededAndHfLike() {
    assertThat(tokenizer.vocabSize()).isEqualTo(300);
    try (SpeechLm a = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu());
        SpeechLm b = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu());
        SpeechLm c = SpeechLm.initialise(config, tokenizer, SEED + 1, Device.cpu())) {
      Map<String, float[]> sa = a.snapshot();
      assertThat(sameBits(sa, b.snapshot())).isTrue();
      assertThat(sameBits(sa, c.snapshot())).isFalse();
      assertThat(sa.keySet()).containsExactlyElementsOf(SpeechLm.tensorShapes(config).keySet());
      float[] emb = sa.get("language_model.model.embed_tokens.weight");
      double sq = 0;
      for (float v : emb) {
        sq += v * v;
      }
      assertThat(Math.sqrt(sq / emb.length)).isCloseTo(SpeechLm.INITIALIZER_RANGE, org.assertj.core.data.Offset.offset(1e-3));
      assertThat(sa.get("audio_tower.conv1.bias")).containsOnly(0f);
      assertThat(sa.get("language_model.model.layers.1.input_layernorm.weight")).containsOnly(1f);
      assertThat(sa.get("audio_tower.layers.0.final_layer_norm.weight")).containsOnly(1f);
      assertThat(sa.get("audio_tower.layers.0.final_layer_norm.bias")).containsOnly(0f);
      float[] pos = sa.get(SpeechLm.EMBED_POSITIONS); // row 1: [sin(inv) | cos(inv)], inv_0 = 1
      assertThat(pos[128]).isEqualTo((float) Math.sin(1.0));
      assertThat(pos[128 + 64]).isEqualTo((float) Math.cos(1.0));
      assertThat(a.config().textConfig().tieWordEmbeddings()).isTrue();
      assertThat(a.parameterCount()).isBetween(1_000_000L, 2_500_000L);
    }
    SpeechLmConfig small = SpeechLmConfig.preset("small", 300, 3);
    assertThat(small.audioConfig().dModel()).isEqualTo(192);
    assertThat(small.textConfig().hiddenSize()).isEqualTo(256);
    assertThatThrownBy(() -> SpeechLmConfig.preset("huge", 300, 3)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("huge");
    SpeechLmConfig wrongAudio = SpeechLmConfig.preset("tiny", 300, 4);
    assertThatThrownBy(() -> SpeechLm.initialise(wrongAudio, tokenizer, 1, Device.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("audio_token_index");
    assertThatThrownBy(() -> SpeechLm.initialise(SpeechLmConfig.preset("tiny", 200, 3), tokenizer, 1, Device.cpu()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("vocab_size");
  }

  @Test
  void savedCheckpointLoadsBitExactly(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("ckpt");
    try (SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu())) {
      m.save(dir);
      m.save(dir); // replacing an existing checkpoint
      for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "generation_config.json")) {
        assertThat(dir.resolve(f)).isRegularFile();
      }
      try (var files = Files.list(tmp)) {
        assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("ckpt");
      }
      try (SafeTensorsFile st = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
        assertThat(st.names()).doesNotContain("language_model.lm_head.weight"); // tied
        assertThat(st.info("audio_tower.conv1.weight").shape()).containsExactly(128, 80, 3);
      }
      assertThat(SpeechLmConfig.load(dir)).isEqualTo(config);
      try (SpeechLm back = SpeechLm.load(dir, Device.cpu())) {
        assertThat(sameBits(back.snapshot(), m.snapshot())).isTrue();
        int[] ids = item(melA, "anger", 1f).inputIds();
        float[][] audio = m.encodeAudio(melA);
        assertThat(SpeechLmFixtures.maxAbs(back.logits(ids, back.encodeAudio(melA)), m.logits(ids, audio))).isEqualTo(0.0);
        assertThatThrownBy(() -> back.setTrainable(TrainingScope.FULL)).isInstanceOf(RecognitionException.class)
            .hasMessageContaining("loadTrainable");
      }
      try (SpeechTokenizer t = SpeechTokenizer.load(dir)) {
        assertThat(t.vocabSize()).isEqualTo(300);
      }
      assertThat(Files.readString(dir.resolve("generation_config.json"))).contains("eos_token_id");
    }
  }

  @Test
  void paddedBatchEqualsItemsAloneAndGradientsReachEveryTrainableTensor() {
    Engine engine = Engine.getEngine(SpeechLm.ENGINE);
    try (SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu());
        NDManager root = engine.newBaseManager()) {
      m.setTrainable(TrainingScope.FULL);
      TrainingBatch batch = batch();
      float[] batchLogits;
      double batchLoss;
      try (NDManager sub = root.newSubManager()) {
        TrainingLoss out = m.trainingLoss(sub, batch, false, true);
        batchLogits = out.logits().toFloatArray();
        batchLoss = out.loss().getFloat();
        assertThat(out.targetTokens()).isEqualTo(out.targets().length);
        assertThat(out.logits().getShape().get(0)).isEqualTo(out.targetTokens());
      }
      List<Float> alone = new ArrayList<>();
      double weighted = 0;
      double weights = 0;
      for (TrainingBatch.Item it : batch.items()) {
        try (NDManager sub = root.newSubManager()) {
          TrainingLoss out = m.trainingLoss(sub, new TrainingBatch(List.of(it)), false, true);
          for (float v : out.logits().toFloatArray()) {
            alone.add(v);
          }
          weighted += out.loss().getFloat() * out.weightSum();
          weights += out.weightSum();
          // the item alone through the inference path: logits at the target positions agree
          float[][] full = m.logits(it.inputIds(), m.encodeAudio(it.logMel()));
          int n = SpeechLm.audioFrames(it.logMel()[0].length);
          int firstTarget = 0;
          while (it.lossWeights()[firstTarget] == 0f) {
            firstTarget++;
          }
          float[] row = full[firstTarget + n - 1 - 1];
          float[] trained = Arrays.copyOf(out.logits().toFloatArray(), row.length);
          double d = 0;
          for (int i = 0; i < row.length; i++) {
            d = Math.max(d, Math.abs(row[i] - trained[i]));
          }
          assertThat(d).as("training forward vs inference logits").isLessThan(1e-4);
        }
      }
      assertThat(batchLogits).hasSize(alone.size());
      double maxDiff = 0;
      for (int i = 0; i < batchLogits.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(batchLogits[i] - alone.get(i)));
      }
      System.out.println("padded batch vs items alone: max |Δlogit| = " + maxDiff + ", loss " + batchLoss
          + " vs " + weighted / weights);
      assertThat(maxDiff).isLessThan(1e-4);
      assertThat(batchLoss).isCloseTo(weighted / weights, org.assertj.core.data.Offset.offset(1e-5));

      try (NDManager sub = root.newSubManager()) {
        try (GradientCollector gc = engine.newGradientCollector()) {
          gc.backward(m.trainingLoss(sub, batch, true, false).loss());
        }
        Map<String, NDArray> trainable = m.trainableParameters();
        assertThat(trainable).doesNotContainKey(SpeechLm.EMBED_POSITIONS).hasSize(m.parameters().size() - 1);
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
          try (NDArray g = e.getValue().getGradient()) {
            float norm = g.norm().getFloat();
            assertThat(norm).as("gradient of " + e.getKey()).isGreaterThan(0f).isFinite();
          }
        }
      }
      m.setTrainable(TrainingScope.FROZEN_ENCODER);
      assertThat(m.trainableParameters().keySet()).noneMatch(k -> k.startsWith("audio_tower."))
          .contains("multi_modal_projector.linear.weight");
      m.setTrainable(TrainingScope.DECODER);
      assertThat(m.trainableParameters().keySet()).noneMatch(k -> k.startsWith("multi_modal_projector."));
      m.setTrainable(TrainingScope.NONE);
      assertThat(m.trainableParameters()).isEmpty();
    }
  }

  @Test
  void badItemsAreTypedErrors() {
    int[] ids = item(melA, "anger", 1f).inputIds();
    float[] w = item(melA, "anger", 1f).lossWeights();
    assertThatThrownBy(() -> new TrainingBatch.Item(melA, ids, Arrays.copyOf(w, 3)))
        .isInstanceOf(RecognitionException.class).hasMessageContaining("loss weights");
    float[] first = w.clone();
    first[0] = 1f;
    assertThatThrownBy(() -> new TrainingBatch.Item(melA, ids, first)).isInstanceOf(RecognitionException.class);
    assertThatThrownBy(() -> new TrainingBatch(List.of(new TrainingBatch.Item(melA, ids, new float[ids.length]))))
        .isInstanceOf(RecognitionException.class).hasMessageContaining("no target");
    try (SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu());
        NDManager sub = Engine.getEngine(SpeechLm.ENGINE).newBaseManager()) {
      int p = 0;
      while (ids[p] != config.audioTokenIndex()) {
        p++;
      }
      float[] onPlaceholder = w.clone();
      onPlaceholder[p] = 1f;
      TrainingBatch bad1 = new TrainingBatch(List.of(new TrainingBatch.Item(melA, ids, onPlaceholder)));
      assertThatThrownBy(() -> m.trainingLoss(sub, bad1, false, false)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("item 0").hasMessageContaining("placeholder");
      int[] outside = ids.clone();
      outside[1] = 999;
      TrainingBatch bad2 = new TrainingBatch(List.of(item(melA, "x", 1f), new TrainingBatch.Item(melA, outside, w)));
      assertThatThrownBy(() -> m.trainingLoss(sub, bad2, false, false)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("item 1").hasMessageContaining("999");
      TrainingBatch bad3 = new TrainingBatch(List.of(new TrainingBatch.Item(null, ids, w)));
      assertThatThrownBy(() -> m.trainingLoss(sub, bad3, false, false)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("no audio");
      TrainingBatch bad4 = new TrainingBatch(List.of(new TrainingBatch.Item(slice(melA, 2), ids, w)));
      assertThatThrownBy(() -> m.trainingLoss(sub, bad4, false, false)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("log-mel");
      assertThatThrownBy(() -> m.restore(Map.of("nope", new float[1]))).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("nope");
    }
  }

  /** {@code steps} AdamW steps on the batch from the model's current weights; returns the losses. */
  static float[] train(SpeechLm m, AdamW opt, ParameterGroups groups, TrainingBatch batch, int steps, NDManager root) {
    Engine engine = Engine.getEngine(SpeechLm.ENGINE);
    float[] losses = new float[steps];
    for (int s = 0; s < steps; s++) {
      try (NDManager sub = root.newSubManager()) {
        try (GradientCollector gc = engine.newGradientCollector()) {
          NDArray loss = m.trainingLoss(sub, batch, true, false).loss();
          losses[s] = loss.getFloat();
          gc.backward(loss);
        }
        opt.step(groups);
        AdamW.zeroGradients(groups.all());
      }
    }
    return losses;
  }

  @Test
  void adamWStepsAreBitExactAndResumable() {
    Engine engine = Engine.getEngine(SpeechLm.ENGINE);
    TrainingBatch batch = batch();
    Map<String, float[]> straight = null;
    float[] straightLosses = null;
    for (int run = 0; run < 2; run++) {
      try (SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu());
          NDManager root = engine.newBaseManager();
          AdamW opt = new AdamW(root, 1e-3, 0.9, 0.999, 1e-8, 0.01)) {
        m.setTrainable(TrainingScope.FULL);
        ParameterGroups groups = ParameterGroups.split(m.trainableParameters(), false);
        float[] losses = train(m, opt, groups, batch, 3, root);
        Map<String, float[]> snap = m.snapshot();
        if (run == 0) {
          straight = snap;
          straightLosses = losses;
          System.out.println("3 full AdamW steps (tiny preset, batch 3): losses " + Arrays.toString(losses));
          assertThat(losses[2]).isLessThan(losses[0]);
        } else {
          assertThat(losses).containsExactly(straightLosses);
          assertThat(sameBits(snap, straight)).as("two runs bit-identical").isTrue();
        }
      }
    }
    Map<String, float[]> afterTwo;
    AdamW.State state;
    try (SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu());
        NDManager root = engine.newBaseManager();
        AdamW opt = new AdamW(root, 1e-3, 0.9, 0.999, 1e-8, 0.01)) {
      m.setTrainable(TrainingScope.FULL);
      ParameterGroups groups = ParameterGroups.split(m.trainableParameters(), false);
      train(m, opt, groups, batch, 2, root);
      afterTwo = m.snapshot();
      state = opt.state(groups);
      assertThat(state.steps()).isEqualTo(2);
    }
    try (SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED + 99, Device.cpu());
        NDManager root = engine.newBaseManager();
        AdamW opt = new AdamW(root, 5e-2, 0.9, 0.999, 1e-8, 0.01)) {
      m.restore(afterTwo);
      m.setTrainable(TrainingScope.FULL);
      ParameterGroups groups = ParameterGroups.split(m.trainableParameters(), false);
      opt.restore(groups, state);
      float[] third = train(m, opt, groups, batch, 1, root);
      assertThat(third[0]).isEqualTo(straightLosses[2]);
      assertThat(sameBits(m.snapshot(), straight)).as("split run (2 + restore + 1) = straight run").isTrue();
    }
  }
}
