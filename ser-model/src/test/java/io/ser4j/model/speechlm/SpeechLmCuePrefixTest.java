package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import io.ser4j.model.baseline.BaselineFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cue prefix (ser4j extension): config keys and their validation, the four tensors, the K rows
 * {@code W·z + b} after the audio frames in inference and in the batched training loss (gradients
 * reach the projector), typed errors for missing or wrong features, a bit-exact save/load round
 * trip, and {@link SpeechLmRecognizer} feeding {@link BaselineFeatures} to such a checkpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeechLmCuePrefixTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final long SEED = 77;
  static final int K = 3;
  static final int F = BaselineFeatures.dimension();

  SpeechTokenizer tokenizer;
  SpeechLmConfig plain;
  SpeechLmConfig config;
  float[][] melA;
  float[][] melB;
  double[] featuresA;
  double[] featuresB;

  @BeforeAll
  void setUp() {
    tokenizer = SpeechTokenizer.load(SpeechLmFixtures.checkpoint("tiny-untied"));
    plain = SpeechLmConfig.preset("tiny", tokenizer.vocabSize(), tokenizer.specialId(SpeechTokenizer.AUDIO));
    config = plain.withCuePrefix(F, K, BaselineFeatures.FEATURE_SET);
    melA = SpeechLmFixtures.logMel("03a01Fa");
    melB = SpeechLmTrainingTest.slice(SpeechLmFixtures.logMel("14a01Aa_cut"), 151);
    Path wav = DATA.resolve("emodb/wav/03a01Fa.wav");
    assertThat(wav).as("EmoDB clip (ser4j.data.dir)").exists();
    featuresA = BaselineFeatures.create().extract(AudioLoader.load(wav)).features();
    featuresB = synthetic(new Random(5));
  }

  @AfterAll
  void tearDown() {
    tokenizer.close();
  }

  /** A feature vector with a NaN, an infinity and a far out-of-range value. */
  static double[] synthetic(Random r) {
    double[] x = new double[F];
    for (int i = 0; i < F; i++) {
      x[i] = r.nextGaussian() * 3 + 1;
    }
    x[0] = Double.NaN;
    x[1] = 1e6; // clamps to +5
    x[2] = -1e6; // clamps to -5
    x[3] = Double.POSITIVE_INFINITY; // not finite: z = 0
    return x;
  }

  /** A model with a non-trivial standardisation (mean ≠ 0, scale ≠ 1). */
  SpeechLm model() {
    SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu());
    float[] mean = new float[F];
    float[] scale = new float[F];
    Random r = new Random(9);
    for (int i = 0; i < F; i++) {
      mean[i] = (float) (r.nextGaussian() * 2);
      scale[i] = (float) (0.5 + r.nextDouble() * 2);
    }
    m.setCueStandardisation(mean, scale);
    return m;
  }

  int[] prompt() {
    return tokenizer.encode("<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\n"
        + "What is the emotion?<|im_end|>\n<|im_start|>assistant\n");
  }

  TrainingBatch.Item item(float[][] mel, double[] cue, String answer) {
    int[] p = prompt();
    int[] ans = tokenizer.encode(answer + "<|im_end|>");
    int[] ids = Arrays.copyOf(p, p.length + ans.length);
    System.arraycopy(ans, 0, ids, p.length, ans.length);
    return TrainingBatch.Item.answer(mel, ids, ans.length).withCueFeatures(cue);
  }

  @Test
  void configKeysRoundTripAndAreValidated() {
    ObjectNode json = config.toJson();
    assertThat(json.get(SpeechLmConfig.CUE_FEATURES_KEY).asInt()).isEqualTo(F);
    assertThat(json.get(SpeechLmConfig.CUE_TOKENS_KEY).asInt()).isEqualTo(K);
    assertThat(json.get(SpeechLmConfig.CUE_FEATURE_SET_KEY).asText()).isEqualTo("baseline-v" + BaselineFeatures.VERSION);
    assertThat(SpeechLmConfig.parse(json, "x")).isEqualTo(config);
    assertThat(config.cuePrefix()).isEqualTo(new SpeechLmConfig.CuePrefix(F, K, BaselineFeatures.FEATURE_SET));
    // without the keys: no cue prefix, and toJson writes none
    ObjectNode p = plain.toJson();
    assertThat(p.has(SpeechLmConfig.CUE_FEATURES_KEY)).isFalse();
    assertThat(SpeechLmConfig.parse(p, "x").cuePrefix()).isNull();
    assertThat(SpeechLmConfig.parse(p, "x")).isEqualTo(plain);
    // a plain config prints as the record did before the extension (resume fingerprints use it)
    assertThat(plain.toString()).doesNotContain("cuePrefix").endsWith(", audioTokenIndex="
        + plain.audioTokenIndex() + "]");
    assertThat(config.toString()).contains("cuePrefix=CuePrefix[features=" + F + ", tokens=" + K);
    // 0 = none
    ObjectNode zero = plain.toJson();
    zero.put(SpeechLmConfig.CUE_FEATURES_KEY, 0);
    zero.put(SpeechLmConfig.CUE_TOKENS_KEY, 0);
    assertThat(SpeechLmConfig.parse(zero, "x").hasCuePrefix()).isFalse();
    // both or neither
    ObjectNode onlyF = plain.toJson();
    onlyF.put(SpeechLmConfig.CUE_FEATURES_KEY, F);
    onlyF.put(SpeechLmConfig.CUE_FEATURE_SET_KEY, "baseline-v1");
    assertThatThrownBy(() -> SpeechLmConfig.parse(onlyF, "cfg.json")).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("cfg.json").hasMessageContaining(SpeechLmConfig.CUE_TOKENS_KEY);
    ObjectNode onlyK = plain.toJson();
    onlyK.put(SpeechLmConfig.CUE_TOKENS_KEY, K);
    assertThatThrownBy(() -> SpeechLmConfig.parse(onlyK, "cfg.json")).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(SpeechLmConfig.CUE_FEATURES_KEY);
    ObjectNode noSet = config.toJson();
    noSet.remove(SpeechLmConfig.CUE_FEATURE_SET_KEY);
    assertThatThrownBy(() -> SpeechLmConfig.parse(noSet, "cfg.json")).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(SpeechLmConfig.CUE_FEATURE_SET_KEY);
    ObjectNode setOnly = plain.toJson();
    setOnly.put(SpeechLmConfig.CUE_FEATURE_SET_KEY, "baseline-v1");
    assertThatThrownBy(() -> SpeechLmConfig.parse(setOnly, "cfg.json")).isInstanceOf(ModelLoadException.class);
    ObjectNode negative = config.toJson();
    negative.put(SpeechLmConfig.CUE_TOKENS_KEY, -2);
    assertThatThrownBy(() -> SpeechLmConfig.parse(negative, "cfg.json")).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(SpeechLmConfig.CUE_TOKENS_KEY);
    assertThatThrownBy(() -> plain.withCuePrefix(F, 0, "baseline-v1")).isInstanceOf(ModelLoadException.class);
    assertThatThrownBy(() -> plain.withCuePrefix(F, K, " ")).isInstanceOf(ModelLoadException.class);
  }

  @Test
  void tensorsInitialisationAndScopes() {
    Map<String, long[]> shapes = SpeechLm.tensorShapes(config);
    long h = config.textConfig().hiddenSize();
    assertThat(shapes.get(SpeechLm.CUE_WEIGHT)).containsExactly(K * h, F);
    assertThat(shapes.get(SpeechLm.CUE_BIAS)).containsExactly(K * h);
    assertThat(shapes.get(SpeechLm.CUE_MEAN)).containsExactly(F);
    assertThat(shapes.get(SpeechLm.CUE_SCALE)).containsExactly(F);
    assertThat(SpeechLm.tensorShapes(plain).keySet()).noneMatch(k -> k.startsWith(SpeechLm.CUE_PROJECTOR_PREFIX));
    try (SpeechLm m = SpeechLm.initialise(config, tokenizer, SEED, Device.cpu())) {
      Map<String, float[]> s = m.snapshot();
      float[] w = s.get(SpeechLm.CUE_WEIGHT);
      double sq = 0;
      for (float v : w) {
        sq += v * v;
      }
      assertThat(Math.sqrt(sq / w.length)).isCloseTo(SpeechLm.INITIALIZER_RANGE, within(0.002));
      assertThat(s.get(SpeechLm.CUE_BIAS)).containsOnly(0f);
      assertThat(s.get(SpeechLm.CUE_MEAN)).containsOnly(0f);
      assertThat(s.get(SpeechLm.CUE_SCALE)).containsOnly(1f);
      m.setTrainable(TrainingScope.FROZEN_ENCODER);
      assertThat(m.trainableParameters()).containsKeys(SpeechLm.CUE_WEIGHT, SpeechLm.CUE_BIAS)
          .doesNotContainKeys(SpeechLm.CUE_MEAN, SpeechLm.CUE_SCALE);
      m.setTrainable(TrainingScope.DECODER);
      assertThat(m.trainableParameters()).doesNotContainKeys(SpeechLm.CUE_WEIGHT, SpeechLm.CUE_BIAS,
          SpeechLm.CUE_MEAN, SpeechLm.CUE_SCALE, "multi_modal_projector.linear.weight");
      // the standardisation is validated
      float[] bad = new float[F];
      Arrays.fill(bad, 1f);
      bad[7] = 0f;
      float[] mean = new float[F];
      assertThatThrownBy(() -> m.setCueStandardisation(mean, bad)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining(SpeechLm.CUE_SCALE + "[7]");
      Map<String, float[]> snap = m.snapshot();
      snap.put(SpeechLm.CUE_SCALE, bad);
      assertThatThrownBy(() -> m.restore(snap)).isInstanceOf(RecognitionException.class);
      assertThat(m.cueStandardisation()[1]).containsOnly(1f); // nothing changed
      assertThatThrownBy(() -> m.setCueStandardisation(new float[3], new float[3]))
          .isInstanceOf(RecognitionException.class).hasMessageContaining(Integer.toString(F));
    }
  }

  @Test
  void cueRowsAreTheProjectionOfTheClampedStandardisedVector() {
    try (SpeechLm m = model()) {
      Map<String, float[]> s = m.snapshot();
      float[] w = s.get(SpeechLm.CUE_WEIGHT);
      float[] b = s.get(SpeechLm.CUE_BIAS);
      float[] mean = s.get(SpeechLm.CUE_MEAN);
      float[] scale = s.get(SpeechLm.CUE_SCALE);
      int h = config.textConfig().hiddenSize();
      for (double[] x : List.of(featuresB, featuresA)) {
        double[] z = new double[F];
        for (int i = 0; i < F; i++) {
          z[i] = Double.isFinite(x[i]) ? Math.max(-5, Math.min(5, (x[i] - mean[i]) / scale[i])) : 0;
        }
        float[][] rows = m.cueRows(x);
        assertThat(rows.length).isEqualTo(K);
        for (int k = 0; k < K; k++) {
          assertThat(rows[k]).hasSize(h);
          for (int j = 0; j < h; j++) {
            int o = k * h + j;
            double e = b[o];
            for (int i = 0; i < F; i++) {
              e += (double) w[o * F + i] * z[i];
            }
            assertThat((double) rows[k][j]).as("row %d col %d", k, j).isCloseTo(e, within(1e-5));
          }
        }
      }
      // the clamp and the NaN rule matter: x[1] = 1e6 gives the same rows as any value >= 5 sd away
      double[] far = featuresB.clone();
      far[1] = mean[1] + 5 * scale[1] + 1;
      assertThat(m.cueRows(far)).isDeepEqualTo(m.cueRows(featuresB));
      double[] meanAt0 = featuresB.clone();
      meanAt0[0] = mean[0]; // z = 0 exactly like the NaN
      assertThat(m.cueRows(meanAt0)).isDeepEqualTo(m.cueRows(featuresB));
      // encodeAudio appends the K rows after the N audio frames
      SpeechLm.AudioEncoding enc = m.encodeAudioDetailed(melA, featuresA);
      float[][] all = m.encodeAudio(melA, featuresA);
      int n = SpeechLm.audioFrames(melA[0].length);
      assertThat(all.length).isEqualTo(n + K);
      assertThat(Arrays.copyOf(all, n)).isDeepEqualTo(enc.projected());
      assertThat(Arrays.copyOfRange(all, n, n + K)).isDeepEqualTo(m.cueRows(featuresA));
      assertThat(m.cueTokens()).isEqualTo(K);
    }
  }

  @Test
  void missingOrWrongFeaturesAreTypedErrors() {
    try (SpeechLm m = model(); SpeechLm p = SpeechLm.initialise(plain, tokenizer, SEED, Device.cpu())) {
      assertThatThrownBy(() -> m.encodeAudio(melA)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("cue features").hasMessageContaining("missing");
      assertThatThrownBy(() -> m.encodeAudio(melA, new double[F - 1])).isInstanceOf(RecognitionException.class)
          .hasMessageContaining((F - 1) + " values").hasMessageContaining(SpeechLmConfig.CUE_FEATURES_KEY);
      assertThatThrownBy(() -> p.encodeAudio(melA, featuresA)).isInstanceOf(RecognitionException.class)
          .hasMessageContaining("no cue prefix");
      assertThatThrownBy(() -> p.cueRows(featuresA)).isInstanceOf(RecognitionException.class);
      assertThat(p.encodeAudio(melA, null)).isDeepEqualTo(p.encodeAudio(melA));
      m.setTrainable(TrainingScope.FULL);
      for (TrainingBatch.Item bad : List.of(item(melA, null, "anger"), item(melA, new double[5], "anger"))) {
        try (NDManager sub = NDManager.newBaseManager(Device.cpu())) {
          assertThatThrownBy(() -> m.trainingLoss(sub, new TrainingBatch(List.of(bad)), false, false))
              .isInstanceOf(RecognitionException.class).hasMessageContaining("training item 0 cue features");
        }
      }
      try (NDManager sub = NDManager.newBaseManager(Device.cpu())) {
        assertThatThrownBy(() -> p.trainingLoss(sub, new TrainingBatch(List.of(item(melA, featuresA, "anger"))),
            false, false)).isInstanceOf(RecognitionException.class).hasMessageContaining("no cue prefix");
      }
    }
  }

  @Test
  void trainingLossPlacesTheRowsAfterTheAudioAndGradientsReachTheProjector() {
    try (SpeechLm m = model()) {
      m.setTrainable(TrainingScope.FULL);
      TrainingBatch.Item a = item(melA, featuresA, "anger because loud");
      TrainingBatch.Item b = item(melB, featuresB, "sadness");
      NDManager base = NDManager.newBaseManager(Device.cpu());
      try (base; NDManager step = base.newSubManager();
          GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        TrainingLoss loss = m.trainingLoss(step, new TrainingBatch(List.of(a, b)), true, true);
        // the target logits equal those of the inference path on encodeAudio's N + K rows
        float[] batched = loss.logits().toFloatArray();
        int v = config.textConfig().vocabSize();
        int r = 0;
        for (TrainingBatch.Item it : List.of(a, b)) {
          float[][] rows = m.encodeAudio(it.logMel(), it.cueFeatures());
          float[][] full = m.logits(it.inputIds(), rows);
          int p = prompt().length - 1; // placeholder index
          for (int k = 1; k < it.inputIds().length; k++) {
            if (it.lossWeights()[k] > 0) {
              float[] expected = full[k - 1 + rows.length - 1];
              for (int j = 0; j < v; j++) {
                assertThat(batched[r * v + j]).isCloseTo(expected[j], within(2e-4f));
              }
              r++;
            }
          }
          assertThat(p).isPositive();
        }
        assertThat(r).isEqualTo(loss.targets().length);
        gc.backward(loss.loss());
        Map<String, NDArray> params = m.parameters();
        for (String key : List.of(SpeechLm.CUE_WEIGHT, SpeechLm.CUE_BIAS)) {
          float norm = params.get(key).getGradient().norm().getFloat();
          assertThat(norm).as("gradient of " + key).isGreaterThan(0f).isFinite();
        }
        assertThat(params.get(SpeechLm.CUE_MEAN).hasGradient()).isFalse();
        assertThat(params.get(SpeechLm.CUE_SCALE).hasGradient()).isFalse();
      }
    }
  }

  @Test
  void saveLoadRoundTripIsBitExact(@TempDir Path tmp) {
    Path dir = tmp.resolve("ckpt");
    float[][] before;
    float[][] std;
    try (SpeechLm m = model()) {
      before = m.logits(prompt(), m.encodeAudio(melA, featuresA));
      std = m.cueStandardisation();
      m.save(dir);
    }
    assertThat(SpeechLmConfig.load(dir)).isEqualTo(config);
    try (SpeechLm back = SpeechLm.load(dir, Device.cpu())) {
      assertThat(back.cueStandardisation()).isDeepEqualTo(std);
      assertThat(back.logits(prompt(), back.encodeAudio(melA, featuresA))).isDeepEqualTo(before);
    }
    try (SpeechLm back = SpeechLm.loadTrainable(dir, Device.cpu())) {
      assertThat(back.logits(prompt(), back.encodeAudio(melA, featuresA))).isDeepEqualTo(before);
    }
    // float16: the standardisation stays float32 (exact), the rows are close to float32's
    try (SpeechLm fp32 = SpeechLm.load(dir, Device.cpu());
        SpeechLm half = SpeechLm.load(dir, Device.cpu(), SpeechLm.Precision.FP16)) {
      assertThat(half.cueStandardisation()).isDeepEqualTo(std);
      float[][] a = fp32.cueRows(featuresA);
      float[][] b = half.cueRows(featuresA);
      assertThat(SpeechLmFixtures.maxAbs(a, b)).isLessThan(5e-3);
    }
  }

  @Test
  void recognizerFeedsBaselineFeaturesAndRefusesAnotherFeatureSet(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("ckpt");
    try (SpeechLm m = model()) {
      m.save(dir);
    }
    AudioClip clip = AudioLoader.load(DATA.resolve("emodb/wav/03a01Fa.wav"));
    BaselineFeatures.Result expected = BaselineFeatures.create().extract(clip);
    LabelSet labels = LabelSet.of("anger", "sadness", "neutral");
    try (SpeechLmRecognizer r = SpeechLmRecognizer.open(dir, SpeechLmOptions.defaults())) {
      SpeechLmRecognizer.Result res = r.analyze(clip, labels);
      assertThat(labels.contains(res.recognition().label())).isTrue();
      int samples16k = io.ser4j.audio.Resampler.create(clip.sampleRate(), SpeechLmRecognizer.SAMPLE_RATE_HZ)
          .resample(clip.samples()).length;
      int n = SpeechLm.audioFrames(io.ser4j.audio.LogMelSpectrogram.frameCount(samples16k));
      // the prompt's positions include the K cue rows
      int[] promptIds = ChatTemplate.promptIds(tokenizer, ChatTemplate.audioPrompt(
          r.options().systemPrompt(), r.instruction(labels, res.recognition().cues())));
      assertThat(res.promptTokens()).isEqualTo(promptIds.length - 1 + n + K);
      // the recognition's cues are those of the feature analysis of the clip as given
      assertThat(res.recognition().cues().get(Cue.F0_MEAN_HZ)).isEqualTo(expected.cues().get(Cue.F0_MEAN_HZ));
      assertThat(res.recognition().cues().get(Cue.INTENSITY_MEAN_DB))
          .isEqualTo(expected.cues().get(Cue.INTENSITY_MEAN_DB));
    }
    // another feature set: refused at load with a typed error
    Path other = tmp.resolve("other");
    Files.createDirectories(other);
    for (Path f : Files.list(dir).toList()) {
      Files.copy(f, other.resolve(f.getFileName()));
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode c = (ObjectNode) json.readTree(other.resolve(SpeechLmConfig.FILE_NAME).toFile());
    c.put(SpeechLmConfig.CUE_FEATURE_SET_KEY, "baseline-v0");
    json.writeValue(other.resolve(SpeechLmConfig.FILE_NAME).toFile(), c);
    assertThatThrownBy(() -> SpeechLmRecognizer.open(other, SpeechLmOptions.defaults()))
        .isInstanceOf(ModelLoadException.class).hasMessageContaining("baseline-v0")
        .hasMessageContaining(BaselineFeatures.FEATURE_SET);
  }
}
