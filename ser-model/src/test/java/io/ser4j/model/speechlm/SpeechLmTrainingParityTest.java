package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Loss and gradients of {@link SpeechLm#trainingLoss} over every trainable parameter (encoder convs
 * included) against torch in float64 (fixtures/speechlm_train/gradients.json from
 * tools/reference/speechlm_train_reference.py): a padded batch of three clips (200, 137, 63 frames)
 * and one text-only item, compared with each item run alone in the reference.
 */
class SpeechLmTrainingParityTest {
  /** Largest allowed relative error (loss, per-tensor gradient norm, slice values vs the tensor's max |g|). */
  static final double REL_TOL = 1e-4;

  @Test
  void lossAndGradientsMatchTorch() throws IOException {
    JsonNode fix = new ObjectMapper().readTree(
        SpeechLmFixtures.RESOURCES.resolve("fixtures/speechlm_train/gradients.json").toFile());
    List<TrainingBatch.Item> items = new ArrayList<>();
    for (JsonNode it : fix.get("batch")) {
      float[][] mel = null;
      if (it.hasNonNull("clip")) {
        float[][] full = SpeechLmFixtures.logMel(it.get("clip").asText());
        int frames = it.get("mel_frames").asInt();
        mel = new float[full.length][];
        for (int m = 0; m < full.length; m++) {
          mel[m] = Arrays.copyOf(full[m], frames);
        }
      }
      JsonNode w = it.get("loss_weights");
      float[] weights = new float[w.size()];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = (float) w.get(i).asDouble();
      }
      items.add(new TrainingBatch.Item(mel, SpeechLmFixtures.ints(it.get("input_ids")), weights));
    }
    TrainingBatch batch = new TrainingBatch(items);
    Engine engine = Engine.getEngine(SpeechLm.ENGINE);
    for (JsonNode ck : fix.get("checkpoints")) {
      String name = ck.get("name").asText();
      try (SpeechLm m = SpeechLm.loadTrainable(SpeechLmFixtures.RESOURCES.resolve(ck.get("dir").asText()), Device.cpu());
          NDManager sub = engine.newBaseManager()) {
        m.setTrainable(TrainingScope.FULL);
        float loss;
        try (GradientCollector gc = engine.newGradientCollector()) {
          NDArray l = m.trainingLoss(sub, batch, false, false).loss();
          loss = l.getFloat();
          gc.backward(l);
        }
        double lossRef = ck.get("loss").asDouble();
        double lossErr = Math.abs(loss - lossRef) / Math.abs(lossRef);
        Map<String, NDArray> trainable = m.trainableParameters();
        assertThat(trainable.keySet()).containsExactlyInAnyOrderElementsOf(() -> ck.get("tensors").fieldNames());
        double worstNorm = 0;
        double worstSlice = 0;
        String worstName = "";
        for (Iterator<Map.Entry<String, JsonNode>> f = ck.get("tensors").fields(); f.hasNext(); ) {
          Map.Entry<String, JsonNode> e = f.next();
          JsonNode t = e.getValue();
          try (NDArray g = trainable.get(e.getKey()).getGradient()) {
            assertThat(g.getShape().getShape()).as(e.getKey())
                .containsExactly(SpeechLmFixtures.longs(t.get("shape")));
            float[] v = g.toFloatArray();
            double sq = 0;
            for (float x : v) {
              sq += (double) x * x;
            }
            double normRef = t.get("norm").asDouble();
            double rel = Math.abs(Math.sqrt(sq) - normRef) / normRef;
            if (rel > worstNorm) {
              worstNorm = rel;
              worstName = e.getKey();
            }
            assertThat(rel).as("gradient norm of " + e.getKey() + " (" + name + ")").isLessThanOrEqualTo(REL_TOL);
            if (t.has("slice")) {
              int off = t.get("slice_offset").asInt();
              double scale = t.get("max_abs").asDouble();
              for (int i = 0; i < t.get("slice").size(); i++) {
                double err = Math.abs(v[off + i] - t.get("slice").get(i).asDouble()) / scale;
                worstSlice = Math.max(worstSlice, err);
                assertThat(err).as("gradient slice of " + e.getKey() + " [" + (off + i) + "] (" + name + ")")
                    .isLessThanOrEqualTo(REL_TOL);
              }
            }
          }
        }
        System.out.printf("%s: loss %.7f vs torch %.7f (rel %.2e); %d gradients: worst rel. norm error %.2e (%s),"
            + " worst slice error %.2e of max |g|%n", name, loss, lossRef, lossErr, trainable.size(), worstNorm,
            worstName, worstSlice);
        assertThat(lossErr).as("loss " + name).isLessThanOrEqualTo(REL_TOL);
      }
    }
  }
}
