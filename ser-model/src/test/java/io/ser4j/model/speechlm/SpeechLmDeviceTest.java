package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.RecognitionException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Device selection ({@link SpeechLmDevice}) with simulated GPU counts, the typed error when a GPU is
 * requested but absent (this machine has none), and the float16 path (run on the CPU) against float32.
 */
class SpeechLmDeviceTest {
  static final Path DIR = SpeechLmFixtures.checkpoint("tiny-untied");

  @Test
  void parsesSpecs() {
    assertThat(SpeechLmDevice.parse("auto")).isEqualTo(SpeechLmDevice.AUTO);
    assertThat(SpeechLmDevice.parse(" CPU ")).isEqualTo(SpeechLmDevice.CPU);
    assertThat(SpeechLmDevice.parse("gpu")).isEqualTo(new SpeechLmDevice(SpeechLmDevice.Kind.GPU, 0));
    assertThat(SpeechLmDevice.parse("gpu:3").index()).isEqualTo(3);
    assertThat(SpeechLmDevice.parse("cuda:1")).isEqualTo(SpeechLmDevice.parse("gpu:1"));
    for (String s : new String[] {"gpu:3", "cpu", "auto"}) {
      assertThat(SpeechLmDevice.parse(SpeechLmDevice.parse(s).toString()).toString()).isEqualTo(s);
    }
    for (String bad : new String[] {"", "tpu", "gpu:", "gpu:-1", "gpu:x", "cpu:1", null}) {
      assertThatThrownBy(() -> SpeechLmDevice.parse(bad)).as(String.valueOf(bad))
          .isInstanceOf(ModelLoadException.class).hasMessageContaining("use auto, cpu, gpu or gpu:N");
    }
  }

  @Test
  void resolvesByGpuCount() {
    assertThat(SpeechLmDevice.AUTO.resolve(0)).isEqualTo(Device.cpu());
    assertThat(SpeechLmDevice.AUTO.resolve(2)).isEqualTo(Device.gpu(0));
    assertThat(SpeechLmDevice.CPU.resolve(2)).isEqualTo(Device.cpu());
    assertThat(SpeechLmDevice.parse("gpu:1").resolve(2)).isEqualTo(Device.gpu(1));
    assertThatThrownBy(() -> SpeechLmDevice.parse("gpu:2").resolve(2)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("gpu:2").hasMessageContaining("only 2 visible");
    assertThatThrownBy(() -> SpeechLmDevice.parse("gpu").resolve(0)).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no GPU is visible");
  }

  @Test
  void thisMachineFallsBackToCpuAndRejectsGpu() {
    int gpus = Engine.getEngine(SpeechLm.ENGINE).getGpuCount();
    assertThat(gpus).as("this test assumes a machine without a GPU").isZero();
    assertThat(SpeechLmDevice.AUTO.resolve()).isEqualTo(Device.cpu());
    assertThatThrownBy(() -> SpeechLm.load(DIR, SpeechLmDevice.parse("gpu"))).isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("device gpu:0").hasMessageContaining("no GPU");
    String old = System.getProperty(SpeechLmDevice.PROPERTY);
    try {
      System.setProperty(SpeechLmDevice.PROPERTY, "gpu:1");
      assertThat(SpeechLmDevice.fromSystemProperty().index()).isEqualTo(1);
      assertThatThrownBy(() -> new SpeechLmProvider().create(DIR.toString())).isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("no GPU");
      System.clearProperty(SpeechLmDevice.PROPERTY);
      assertThat(SpeechLmDevice.fromSystemProperty()).isEqualTo(SpeechLmDevice.AUTO);
    } finally {
      if (old == null) {
        System.clearProperty(SpeechLmDevice.PROPERTY);
      } else {
        System.setProperty(SpeechLmDevice.PROPERTY, old);
      }
    }
    try (SpeechLm m = SpeechLm.load(DIR, SpeechLmDevice.AUTO)) {
      assertThat(m.device()).isEqualTo(Device.cpu());
      assertThat(m.precision()).isEqualTo(SpeechLm.Precision.FP32);
    }
  }

  @Test
  void float16PathRunsAndStaysCloseToFloat32() {
    float[][] mel = SpeechLmFixtures.logMel("03a01Fa");
    int[] ids = SpeechLmFixtures.ints(SpeechLmFixtures.checkpointEntry("tiny-untied").get("cases").get(0).get("input_ids"));
    try (SpeechLm f32 = SpeechLm.load(DIR, Device.cpu(), SpeechLm.Precision.FP32);
        SpeechLm f16 = SpeechLm.load(DIR, Device.cpu(), SpeechLm.Precision.FP16)) {
      assertThat(f16.precision()).isEqualTo(SpeechLm.Precision.FP16);
      float[][] a32 = f32.encodeAudio(mel);
      float[][] a16 = f16.encodeAudio(mel);
      float[][] l32 = f32.logits(ids, a32);
      float[][] l16 = f16.logits(ids, a16);
      double audioErr = SpeechLmFixtures.maxAbs(a16, a32);
      double logitErr = SpeechLmFixtures.maxAbs(l16, l32);
      System.out.println("float16 vs float32 on tiny-untied: audio max |Δ| " + audioErr + ", logits max |Δ| " + logitErr);
      assertThat(audioErr).isLessThan(5e-2);
      assertThat(logitErr).isLessThan(5e-2);
      assertThat(logitErr).isGreaterThan(0.0); // really computed in half precision
      int[] g16 = f16.greedy(ids, a16, 8);
      assertThat(g16).hasSize(8);
      assertThatThrownBy(() -> f16.setAdapters(LoraAdapters.create(f16, LoraConfig.of(2, 4, 0, java.util.List.of("q_proj")), 1)))
          .isInstanceOf(RecognitionException.class).hasMessageContaining("float16");
      assertThatThrownBy(() -> f16.setTrainable(TrainingScope.FULL)).isInstanceOf(RecognitionException.class);
    }
  }
}
