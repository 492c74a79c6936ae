package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.model.speechlm.SpeechLmDevice;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code --device} of {@code ser analyze} and {@code ser model-check}: cpu runs, a GPU on this
 * GPU-less machine is bad input (exit 3, one line), an unknown device is a usage error (exit 2), and
 * the option does not leak into the JVM's system properties.
 */
class DeviceOptionTest {
  static final Path TINY = SerCliTest.REPO.resolve("ser-model/src/test/resources/checkpoints/tiny-untied");

  @Test
  void modelCheckHonoursDevice() throws Exception {
    SerCliTest.Run ok = SerCliTest.run("model-check", "--json", "--model", TINY.toString(), "--device", "cpu",
        "--input-ids", "1,20,7", "--greedy", "2");
    assertThat(ok.exit()).as(ok.err()).isZero();
    JsonNode n = ok.jsonLines().get(0);
    assertThat(n.get("device").asText()).isEqualTo("cpu");
    assertThat(n.get("precision").asText()).isEqualTo("fp32");
    SerCliTest.Run gpu = SerCliTest.run("model-check", "--model", TINY.toString(), "--device", "gpu:0");
    assertThat(gpu.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(gpu.err()).contains("gpu:0").contains("no GPU");
    SerCliTest.Run bad = SerCliTest.run("model-check", "--model", TINY.toString(), "--device", "tpu");
    assertThat(bad.exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(bad.err()).contains("--device");
  }

  @Test
  void analyzeHonoursDevice() throws Exception {
    Path clip = SerCliTest.DATA.resolve("emodb/wav/03a01Wa.wav");
    SerCliTest.Run gpu = SerCliTest.run("analyze", "--json", "--model", TINY.toString(), "--device", "gpu",
        clip.toString());
    assertThat(gpu.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(gpu.err()).contains("no GPU");
    assertThat(System.getProperty(SpeechLmDevice.PROPERTY)).isNull();
    SerCliTest.Run cpu = SerCliTest.run("analyze", "--json", "--model", TINY.toString(), "--device", "cpu",
        "--labels", "anger,neutral", clip.toString());
    assertThat(cpu.exit()).as(cpu.err()).isZero();
    assertThat(cpu.jsonLines()).hasSize(1);
    assertThat(System.getProperty(SpeechLmDevice.PROPERTY)).isNull();
    SerCliTest.Run bad = SerCliTest.run("analyze", "--device", "gpu:x", clip.toString());
    assertThat(bad.exit()).isEqualTo(SerCli.EXIT_USAGE);
  }
}
