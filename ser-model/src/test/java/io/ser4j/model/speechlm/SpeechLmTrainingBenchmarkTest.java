package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.ser4j.model.train.AdamW;
import io.ser4j.model.train.GradientClipping;
import io.ser4j.model.train.ParameterGroups;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training-step time of the presets (batch 8 × 3-s clips, full scope, AdamW + clipping) at 1 and 2
 * intra-op threads. Long: {@code mvn -o -Plong -pl ser-model -am test -Dtest=SpeechLmTrainingBenchmarkTest}.
 */
@Tag("long")
class SpeechLmTrainingBenchmarkTest {
  static final int BATCH = 8;
  /** 3 s of 10-ms hops. */
  static final int CLIP_FRAMES = 300;
  static final int WARMUP_STEPS = 2;
  static final int TIMED_STEPS = 6;

  @Test
  void stepTimes() {
    Engine engine = Engine.getEngine(SpeechLm.ENGINE);
    float[][] src = SpeechLmFixtures.logMel("03a01Fa");
    try (SpeechTokenizer tok = SpeechTokenizer.load(SpeechLmFixtures.checkpoint("tiny-untied"))) {
      List<TrainingBatch.Item> items = new ArrayList<>();
      int[] prompt = tok.encode("<|im_start|>system\nYou are an emotion recognizer.<|im_end|>\n"
          + "<|im_start|>user\nAudio 1: <|audio_bos|><|AUDIO|><|audio_eos|>\nWhat is the emotion of the speaker?"
          + "<|im_end|>\n<|im_start|>assistant\n");
      int[] answer = tok.encode("anger because the voice is loud and the pitch is high<|im_end|>");
      for (int b = 0; b < BATCH; b++) {
        float[][] mel = new float[src.length][CLIP_FRAMES];
        for (int m = 0; m < src.length; m++) {
          for (int f = 0; f < CLIP_FRAMES; f++) {
            mel[m][f] = src[m][(f + 17 * b) % src[m].length];
          }
        }
        int[] ids = Arrays.copyOf(prompt, prompt.length + answer.length);
        System.arraycopy(answer, 0, ids, prompt.length, answer.length);
        items.add(TrainingBatch.Item.answer(mel, ids, answer.length));
      }
      TrainingBatch batch = new TrainingBatch(items);
      for (String preset : SpeechLmConfig.PRESETS) {
        SpeechLmConfig config = SpeechLmConfig.preset(preset, tok.vocabSize(), tok.specialId(SpeechTokenizer.AUDIO));
        for (int threads : new int[] {1, 2}) {
          JniUtils.setNumThreads(threads);
          try (SpeechLm m = SpeechLm.initialise(config, tok, 7, Device.cpu());
              NDManager root = engine.newBaseManager();
              AdamW opt = new AdamW(root, 1e-3, 0.9, 0.999, 1e-8, 0.01)) {
            m.setTrainable(TrainingScope.FULL);
            ParameterGroups groups = ParameterGroups.split(m.trainableParameters(), false);
            long[] fwd = new long[TIMED_STEPS];
            long[] bwd = new long[TIMED_STEPS];
            long[] upd = new long[TIMED_STEPS];
            float loss = 0;
            for (int s = 0; s < WARMUP_STEPS + TIMED_STEPS; s++) {
              try (NDManager sub = root.newSubManager()) {
                long t0 = System.nanoTime();
                long t1;
                long t2;
                try (GradientCollector gc = engine.newGradientCollector()) {
                  NDArray l = m.trainingLoss(sub, batch, true, false).loss();
                  loss = l.getFloat();
                  t1 = System.nanoTime();
                  gc.backward(l);
                  t2 = System.nanoTime();
                }
                List<NDArray> grads = new ArrayList<>();
                for (NDArray p : groups.all()) {
                  NDArray g = p.getGradient();
                  g.attach(sub);
                  grads.add(g);
                }
                GradientClipping.clipByGlobalNorm(grads, 1.0);
                opt.step(groups);
                AdamW.zeroGradients(groups.all());
                long t3 = System.nanoTime();
                if (s >= WARMUP_STEPS) {
                  fwd[s - WARMUP_STEPS] = t1 - t0;
                  bwd[s - WARMUP_STEPS] = t2 - t1;
                  upd[s - WARMUP_STEPS] = t3 - t2;
                }
              }
            }
            System.out.printf("train step %s (%d params), batch %d x %d frames, %d thread(s): median %.0f ms"
                + " (forward %.0f, backward %.0f, clip+AdamW %.0f), min total %.0f ms, last loss %.3f%n",
                preset, m.parameterCount(), BATCH, CLIP_FRAMES, threads, median(sum(fwd, bwd, upd)), median(fwd),
                median(bwd), median(upd), min(sum(fwd, bwd, upd)), loss);
            assertThat(loss).isFinite();
          }
        }
      }
      JniUtils.setNumThreads(1);
    }
  }

  static long[] sum(long[] a, long[] b, long[] c) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i] + c[i];
    }
    return out;
  }

  static double median(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return (s[(s.length - 1) / 2] + s[s.length / 2]) / 2e6;
  }

  static double min(long[] ns) {
    return Arrays.stream(ns).min().orElse(0) / 1e6;
  }
}
