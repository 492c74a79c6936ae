package io.ser4j.rationale.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} in the middle of fine-tuning, then resume: the final weights (and the kept best
 * dev weights) are bit-identical to those of a run that was never interrupted. All runs are child
 * JVMs with one libtorch thread.
 */
class SftTrainerResumeTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));

  private static Process child(Path out, boolean resume, long sleepMs, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("-Xmx512m");
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-Dai.djl.pytorch.num_threads=1");
    cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
    cmd.add(ResumeChild.class.getName());
    cmd.add(DATA.toAbsolutePath().toString());
    cmd.add(out.toString());
    cmd.add(resume ? "resume" : "fresh");
    cmd.add(Long.toString(sleepMs));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static String latest(Path out) {
    try {
      return Files.readString(out.resolve(".train").resolve("latest"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void killedRunResumesToIdenticalWeights(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a/model");
    Path b = tmp.resolve("b/model");
    Files.createDirectories(a.getParent());
    Files.createDirectories(b.getParent());
    Process straight = child(a, false, 0, tmp.resolve("a.log"));
    Process killed = child(b, false, 300, tmp.resolve("b.log"));
    // kill -9 once at least 3 of the 6 steps are checkpointed
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (latest(b).compareTo("ckpt-00000003") < 0 && killed.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(killed.isAlive()).as("the run must still be going when it is killed: "
        + Files.readString(tmp.resolve("b.log"))).isTrue();
    killed.destroyForcibly(); // SIGKILL
    assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String at = latest(b);
    assertThat(at).isGreaterThanOrEqualTo("ckpt-00000003").isLessThan("ckpt-00000006");
    assertThat(b.resolve("model.safetensors")).doesNotExist();

    // without --resume the directory is refused
    assertThatThrownBy(() -> new SftTrainer(null).train(new SftTrainer.Request(SftConfig.builder().build(),
        List.of(SftFormatTest.someExample()), List.of(), b, null, ModelShapes.preset("micro"), null, false)))
        .isInstanceOf(TrainingException.class).hasMessageContaining("--resume");

    Process resumed = child(b, true, 0, tmp.resolve("c.log"));
    assertThat(resumed.waitFor(240, TimeUnit.SECONDS)).isTrue();
    assertThat(straight.waitFor(240, TimeUnit.SECONDS)).isTrue();
    String cLog = Files.readString(tmp.resolve("c.log"));
    assertThat(resumed.exitValue()).as(cLog).isZero();
    assertThat(straight.exitValue()).as(Files.readString(tmp.resolve("a.log"))).isZero();
    int from = Integer.parseInt(at.substring("ckpt-".length()));
    assertThat(cLog).contains("resumed-from=" + from + " steps=6");
    assertThat(Files.readString(tmp.resolve("a.log"))).contains("resumed-from=0 steps=6");

    // final (= best dev) weights, last checkpoint weights and optimizer state: identical bytes
    assertThat(Files.readAllBytes(b.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(a.resolve("model.safetensors")));
    Path lastA = a.resolve(".train").resolve("ckpt-00000006");
    Path lastB = b.resolve(".train").resolve("ckpt-00000006");
    assertThat(Files.readAllBytes(lastB.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(lastA.resolve("model.safetensors")));
    assertThat(Files.readAllBytes(lastB.resolve(SftTrainer.OPTIMIZER_FILE)))
        .isEqualTo(Files.readAllBytes(lastA.resolve(SftTrainer.OPTIMIZER_FILE)));
    // the learning curves agree step by step (the resumed one includes the steps before the kill)
    assertThat(Files.readString(b.resolve("learning_curve.csv"))).isEqualTo(Files.readString(a.resolve("learning_curve.csv")));
    // and the run actually learned something: the last training losses are below the first
    LearningCurve curve = LearningCurve.fromCsv(Files.readString(a.resolve("learning_curve.csv")));
    assertThat(curve.points()).hasSize(6);
    assertThat(curve.points().get(5).trainLoss()).isLessThan(curve.points().get(0).trainLoss());
    assertThat(a.resolve("tokenizer.json")).exists();
    assertThat(a.resolve("config.json")).exists();
  }
}
