package io.ser4j.rationale.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.ser4j.audio.AudioLoader;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ProgressListener;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.model.safetensors.SafeTensorsFile;
import io.ser4j.model.speechlm.SpeechLm;
import io.ser4j.model.speechlm.SpeechLmConfig;
import io.ser4j.model.speechlm.SpeechLmOptions;
import io.ser4j.model.speechlm.SpeechLmRecognizer;
import io.ser4j.model.speechlm.SpeechTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cuePrefixTokens}: a micro model from the preset gets a cue prefix of the baseline features,
 * its standardisation fitted on the training clips before step 1, the projector trains, an
 * interrupted run resumes to the same bytes, {@code --init} keeps the standardisation, and the saved
 * checkpoint answers in {@link SpeechLmRecognizer} with a candidate label.
 */
class SftTrainerCuePrefixTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final int K = 2;

  /** Stops the run (as a crash would) after the given step has been checkpointed. */
  static final class Interrupt extends RuntimeException {
    Interrupt() {
      super("interrupted for the test");
    }
  }

  @Test
  void cuePrefixTrainsResumesAndRecognizes(@TempDir Path tmp) throws Exception {
    Corpus emodb = Corpora.readEmoDb(DATA.resolve("emodb/manifest.csv"));
    List<SftExample> all = SftDataset.build(List.of(emodb), SftFormatTest.rationales(emodb, 1), null, false).examples();
    List<SftExample> train = all.stream().filter(e -> e.speaker().equals("emodb/03")).limit(4).toList();
    assertThat(train).hasSize(4);
    SftConfig cfg = SftConfig.builder().epochs(2).batchSize(2).learningRate(3e-3).checkpointEvery(1)
        .patience(0).seed(3).cuePrefixTokens(K).build();
    assertThat(SftConfig.fromJson(cfg.toJson(), "x")).isEqualTo(cfg);
    Path cache = tmp.resolve("cache");

    // straight run
    Path a = tmp.resolve("a");
    SftTrainer.Result ra = new SftTrainer(null).train(new SftTrainer.Request(cfg, train, List.of(), a, null,
        ModelShapes.preset("micro"), cache, false));
    assertThat(ra.steps()).isEqualTo(4);
    SpeechLmConfig saved = SpeechLmConfig.load(a);
    assertThat(saved.cuePrefix()).isEqualTo(
        new SpeechLmConfig.CuePrefix(BaselineFeatures.dimension(), K, BaselineFeatures.FEATURE_SET));
    assertThat(Files.list(cache.resolve("emodb")).map(p -> p.getFileName().toString()))
        .anyMatch(n -> n.endsWith("." + BaselineFeatures.FEATURE_SET + ".f64"));

    // the standardisation: mean and (population) sd of the finite training values, computed here
    // independently from the audio files
    BaselineFeatures bf = BaselineFeatures.create();
    double[][] x = new double[train.size()][];
    for (int i = 0; i < train.size(); i++) {
      x[i] = bf.extract(AudioLoader.load(train.get(i).audio())).features();
    }
    try (SafeTensorsFile f = SafeTensorsFile.open(a.resolve(SpeechLm.WEIGHTS_FILE))) {
      float[] mean = f.readFloats(SpeechLm.CUE_MEAN);
      float[] scale = f.readFloats(SpeechLm.CUE_SCALE);
      int checked = 0;
      for (int j = 0; j < BaselineFeatures.dimension(); j++) {
        double s = 0;
        int n = 0;
        for (double[] v : x) {
          if (Double.isFinite(v[j])) {
            s += v[j];
            n++;
          }
        }
        if (n == 0) {
          assertThat(mean[j]).isZero();
          assertThat(scale[j]).isEqualTo(1f);
          continue;
        }
        double mu = s / n;
        double ss = 0;
        for (double[] v : x) {
          if (Double.isFinite(v[j])) {
            ss += (v[j] - mu) * (v[j] - mu);
          }
        }
        assertThat((double) mean[j]).as("mean of " + BaselineFeatures.names().get(j)).isEqualTo((float) mu);
        assertThat((double) scale[j]).as("scale of " + BaselineFeatures.names().get(j))
            .isEqualTo((float) Math.max(SftTrainer.CUE_SCALE_FLOOR, Math.sqrt(ss / n)));
        checked++;
      }
      assertThat(checked).isGreaterThan(BaselineFeatures.dimension() / 2);
      // the projector trained: its weight left the seeded initial values
      try (SpeechTokenizer tok = SpeechTokenizer.load(a);
          SpeechLm init = SpeechLm.initialise(saved, tok, cfg.seed(), Device.cpu())) {
        assertThat(f.readFloats(SpeechLm.CUE_WEIGHT)).isNotEqualTo(init.snapshot().get(SpeechLm.CUE_WEIGHT));
        assertThat(f.readFloats(SpeechLm.CUE_BIAS)).isNotEqualTo(init.snapshot().get(SpeechLm.CUE_BIAS));
      }
    }

    // interrupted after step 2 (checkpointed), then resumed: the same bytes
    Path b = tmp.resolve("b");
    ProgressListener crash = new ProgressListener() {
      @Override
      public void onProgress(long done, long total, String message) {
        if (total == 4 && done == 2 && !message.isEmpty()) {
          throw new Interrupt();
        }
      }
    };
    assertThatThrownBy(() -> new SftTrainer(crash).train(new SftTrainer.Request(cfg, train, List.of(), b, null,
        ModelShapes.preset("micro"), cache, false))).isInstanceOf(Interrupt.class);
    assertThat(SftTrainer.latestCheckpoint(b.resolve(SftTrainer.STATE_DIR)).getFileName().toString())
        .isEqualTo("ckpt-00000002");
    SftTrainer.Result rb = new SftTrainer(null).train(new SftTrainer.Request(cfg, train, List.of(), b, null,
        ModelShapes.preset("micro"), cache, true));
    assertThat(rb.resumedFromStep()).isEqualTo(2);
    assertThat(Files.readAllBytes(b.resolve(SpeechLm.WEIGHTS_FILE))).isEqualTo(Files.readAllBytes(a.resolve(SpeechLm.WEIGHTS_FILE)));

    // --init a checkpoint with a cue prefix: its standardisation is kept; another K is refused
    Path c = tmp.resolve("c");
    SftConfig fine = cfg.toBuilder().epochs(1).cuePrefixTokens(0).build();
    new SftTrainer(null).train(new SftTrainer.Request(fine, train.subList(0, 2), List.of(), c, a, null, cache, false));
    try (SafeTensorsFile fa = SafeTensorsFile.open(a.resolve(SpeechLm.WEIGHTS_FILE));
        SafeTensorsFile fc = SafeTensorsFile.open(c.resolve(SpeechLm.WEIGHTS_FILE))) {
      assertThat(fc.readFloats(SpeechLm.CUE_MEAN)).isEqualTo(fa.readFloats(SpeechLm.CUE_MEAN));
      assertThat(fc.readFloats(SpeechLm.CUE_SCALE)).isEqualTo(fa.readFloats(SpeechLm.CUE_SCALE));
      assertThat(fc.readFloats(SpeechLm.CUE_WEIGHT)).isNotEqualTo(fa.readFloats(SpeechLm.CUE_WEIGHT));
    }
    assertThatThrownBy(() -> new SftTrainer(null).train(new SftTrainer.Request(fine.toBuilder().cuePrefixTokens(K + 1)
        .build(), train, List.of(), tmp.resolve("d"), a, null, cache, false)))
        .isInstanceOf(TrainingException.class).hasMessageContaining("cue prefix of " + K + " rows");

    // the saved model answers with a candidate label
    LabelSet candidates = LabelSet.of("anger", "happiness", "sadness", "neutral");
    try (SpeechLmRecognizer r = SpeechLmRecognizer.open(a, SpeechLmOptions.defaults())) {
      SpeechLmRecognizer.Result res = r.analyze(AudioLoader.load(all.get(10).audio()), candidates);
      assertThat(candidates.contains(res.recognition().label())).isTrue();
      assertThat(Arrays.stream(res.recognition().probabilities().toArray()).sum()).isCloseTo(1.0,
          org.assertj.core.api.Assertions.within(1e-9));
      assertThat(res.recognition().cues()).isNotNull();
    }
  }
}
