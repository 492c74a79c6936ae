package io.ser4j.model.speechlm;

import static io.ser4j.model.speechlm.SpeechLmFixtures.array;
import static io.ser4j.model.speechlm.SpeechLmFixtures.ints;
import static io.ser4j.model.speechlm.SpeechLmFixtures.maxAbs;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DJL forward pass against the PyTorch reference outputs (tools/reference/speechlm_reference.py,
 * fixtures written by make_tiny_checkpoints.py): every array within 1e-4 max abs, identical top-10
 * ids and greedy ids, KV-cached greedy equal to recomputed greedy, and no array left behind in the
 * model's manager.
 */
class SpeechLmParityTest {
  static final double TOLERANCE = 1e-4;

  @ParameterizedTest
  @ValueSource(strings = {"tiny-untied", "tiny-tied", "tiny-bf16", "tiny-sharded"})
  void matchesTheReference(String name) {
    JsonNode ckpt = SpeechLmFixtures.checkpointEntry(name);
    try (SpeechLm model = SpeechLm.load(SpeechLmFixtures.checkpoint(name), Device.cpu())) {
      assertThat(model.architecture()).isEqualTo(ckpt.get("architecture").asText());
      assertThat(model.parameterCount()).isEqualTo(ckpt.get("parameters").asLong());
      assertThat(model.dtype()).isEqualTo(ckpt.get("dtype").asText());
      int resident = model.residentArrayCount();
      StringBuilder report = new StringBuilder(name);
      for (JsonNode c : ckpt.get("cases")) {
        int[] ids = ints(c.get("input_ids"));
        float[][] audio = null;
        String label = c.get("prompt").asText();
        if (c.hasNonNull("clip")) {
          label = c.get("clip").asText();
          SpeechLm.AudioEncoding enc = model.encodeAudioDetailed(SpeechLmFixtures.logMel(label));
          double eh = maxAbs(enc.encoderHidden(), array(c.get("encoder_hidden")));
          double ep = maxAbs(enc.encoderPooled(), array(c.get("encoder_pooled")));
          double eo = maxAbs(enc.encoderOutput(), array(c.get("encoder_output")));
          double po = maxAbs(enc.projected(), array(c.get("projector_output")));
          report.append(String.format(Locale.ROOT, " | %s hidden %.2e pooled %.2e out %.2e proj %.2e",
              label, eh, ep, eo, po));
          assertThat(eh).as("encoder_hidden " + label).isLessThanOrEqualTo(TOLERANCE);
          assertThat(ep).as("encoder_pooled " + label).isLessThanOrEqualTo(TOLERANCE);
          assertThat(eo).as("encoder_output " + label).isLessThanOrEqualTo(TOLERANCE);
          assertThat(po).as("projector_output " + label).isLessThanOrEqualTo(TOLERANCE);
          assertThat(enc.projected().length).isEqualTo(c.get("audio_frames").asInt());
          audio = enc.projected();
        }
        float[][] logits = model.logits(ids, audio);
        assertThat(logits.length).isEqualTo(c.get("sequence_length").asInt());
        double el = maxAbs(logits, array(c.get("logits")));
        report.append(String.format(Locale.ROOT, " | %s logits %.2e", label, el));
        assertThat(el).as("logits " + label).isLessThanOrEqualTo(TOLERANCE);

        float[] last = logits[logits.length - 1];
        Integer[] order = new Integer[last.length];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Float.compare(last[y], last[x]));
        JsonNode top = c.get("logits_last_top10");
        for (int i = 0; i < top.size(); i++) {
          assertThat(order[i]).as("top-10 rank " + i + " " + label).isEqualTo(top.get(i).get(0).asInt());
          assertThat((double) last[order[i]]).isCloseTo(top.get(i).get(1).asDouble(),
              org.assertj.core.data.Offset.offset(TOLERANCE));
        }

        int[] expected = ints(c.get("greedy_ids"));
        long t0 = System.nanoTime();
        int[] cached = model.greedy(ids, audio, expected.length);
        long t1 = System.nanoTime();
        assertThat(cached).as("KV-cached greedy " + label).containsExactly(expected);
        int[] recomputed = model.greedyRecompute(ids, audio, expected.length);
        long t2 = System.nanoTime();
        report.append(String.format(Locale.ROOT, " (greedy %d ms cached, %d ms recomputed)",
            (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000));
        assertThat(recomputed).as("recomputed greedy " + label).containsExactly(cached);
      }
      assertThat(model.residentArrayCount()).as("arrays left in the model manager").isEqualTo(resident);
      System.out.println(report);
    }
  }
}
