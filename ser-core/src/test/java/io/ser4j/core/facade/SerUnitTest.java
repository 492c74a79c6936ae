package io.ser4j.core.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.core.AnalysisCancelledException;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.AudioInput;
import io.ser4j.core.BatchJob;
import io.ser4j.core.BatchResult;
import io.ser4j.core.GenerationOptions;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ProgressListener;
import io.ser4j.core.ProviderNotFoundException;
import io.ser4j.core.Recognition;
import io.ser4j.core.RecognitionException;
import io.ser4j.core.Ser;
import io.ser4j.core.UnknownLabelException;
import io.ser4j.core.UnknownModelException;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's contract on a tiny real recognizer (see {@link LoudnessProvider}); no decoders installed here. */
class SerUnitTest {
  private static float[] tone(double amplitude, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (amplitude * Math.sin(2 * Math.PI * 220 * i / 16000.0));
    }
    return x;
  }

  @Test
  void unknownModelListsTheInstalledProviders() {
    assertThatThrownBy(() -> Ser.create("no-such-model"))
        .isInstanceOf(UnknownModelException.class)
        .hasMessageContaining("no-such-model")
        .hasMessageContaining("loudness-test")
        .satisfies(e -> assertThat(((UnknownModelException) e).installed()).containsExactly("loudness-test"));
  }

  @Test
  void analyzesPcmWithTheRecognizersDistribution() {
    try (Ser ser = Ser.create("loudness")) {
      // a sine of amplitude 0.1 has RMS 0.0707 = -23.0 dBFS -> p(loud) = 1/(1+exp(-7/5)) = 0.802
      Recognition r = ser.analyze(tone(0.1, 16000), 16000, "tone");
      assertThat(r.label()).isEqualTo(Label.of("loud"));
      double db = 20 * Math.log10(0.1 / Math.sqrt(2));
      assertThat(r.probabilities().probability(Label.of("loud")))
          .isCloseTo(1 / (1 + Math.exp(-(db + 30) / 5)), within(1e-4));
      assertThat(r.sourceId()).isEqualTo("tone");
      assertThat(ser.modelName()).isEqualTo("loudness");
      // -63 dBFS: quiet
      assertThat(ser.analyze(tone(0.001, 8000), 16000, "soft").label()).isEqualTo(Label.of("quiet"));
    }
  }

  @Test
  void optionsReachTheProvider() {
    try (Ser ser =
        Ser.builder()
            .optModel("loudness")
            .optDevice("GPU:1")
            .optGeneration(GenerationOptions.sampling(0.7, 0.9, 42))
            .optProperty("remote.model", "qwen")
            .build()) {
      assertThat(LoudnessProvider.LAST_OPTIONS.device()).isEqualTo("gpu:1");
      assertThat(LoudnessProvider.LAST_OPTIONS.generation().seed()).isEqualTo(42);
      assertThat(LoudnessProvider.LAST_OPTIONS.generation().strategy())
          .isEqualTo(GenerationOptions.Strategy.SAMPLING);
      assertThat(LoudnessProvider.LAST_OPTIONS.property("remote.model", "")).isEqualTo("qwen");
    }
    assertThatThrownBy(() -> Ser.builder().optModel("loudness").optDevice("tpu").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tpu");
    assertThatThrownBy(() -> Ser.builder().optModel("loudness").optThreads(0).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void candidateLabelsAreCheckedAndApplied() {
    assertThatThrownBy(() -> Ser.builder().optModel("loudness").optLabels(LabelSet.of("anger")).build())
        .isInstanceOf(UnknownLabelException.class)
        .hasMessageContaining("anger")
        .hasMessageContaining("loud");
    try (Ser ser = Ser.builder().optModel("loudness").optLabels(LabelSet.of("quiet")).build()) {
      Recognition r = ser.analyze(tone(0.5, 1600), 16000, "x");
      assertThat(r.probabilities().labels()).isEqualTo(LabelSet.of("quiet"));
      assertThat(r.probabilities().probability(Label.of("quiet"))).isEqualTo(1.0);
    }
  }

  @Test
  void missingDecoderAndTeacherAreTypedAndListWhatIsInstalled(@TempDir Path dir) throws Exception {
    Path wav = dir.resolve("x.wav");
    java.nio.file.Files.write(wav, "RIFF....WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    try (Ser ser = Ser.create("loudness")) {
      assertThatThrownBy(() -> ser.analyze(wav))
          .isInstanceOf(ProviderNotFoundException.class)
          .hasMessageContaining("no audio decoder is installed")
          .hasMessageContaining("ser-audio");
      assertThatThrownBy(() -> ser.analyze(dir.resolve("missing.wav")))
          .isInstanceOf(AudioFormatException.class)
          .hasMessageContaining("missing.wav: no such file");
      assertThatThrownBy(() -> ser.analyze(new ByteArrayInputStream(new byte[0]), "empty"))
          .isInstanceOf(AudioFormatException.class)
          .hasMessage("empty: empty input");
    }
    assertThatThrownBy(() -> Ser.builder().optModel("loudness").optTeacher("cue-grounded").build())
        .isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("cue-grounded")
        .hasMessageContaining("ser-rationale");
  }

  @Test
  void batchKeepsInputOrderAndReportsPerItemFailures(@TempDir Path dir) {
    List<AudioInput> items = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      double amp = i % 2 == 0 ? 0.3 : 0.0005;
      items.add(AudioInput.of(tone(amp, 1600 + i), 16000, "item" + i));
    }
    float[] bad = tone(0.1, 100);
    bad[7] = Float.NaN;
    items.add(5, AudioInput.of(bad, 16000, "nan"));
    items.add(9, AudioInput.of(new float[0], 16000, "empty"));
    items.add(11, AudioInput.of(dir.resolve("gone.wav")));
    AtomicInteger progressed = new AtomicInteger();
    List<String> events = new CopyOnWriteArrayList<>();
    ProgressListener pl =
        new ProgressListener() {
          @Override
          public void onStart(String task, long total) {
            events.add("start " + task + " " + total);
          }

          @Override
          public void onProgress(long done, long total, String message) {
            progressed.incrementAndGet();
          }

          @Override
          public void onFinish() {
            events.add("finish");
          }
        };
    try (Ser ser = Ser.builder().optModel("loudness").optThreads(4).optProgressListener(pl).build()) {
      List<BatchResult> rs = ser.analyzeAll(items);
      assertThat(rs).hasSize(43);
      for (int i = 0; i < rs.size(); i++) {
        assertThat(rs.get(i).index()).isEqualTo(i);
        assertThat(rs.get(i).input()).isEqualTo(items.get(i).id());
      }
      assertThat(rs.get(5).error()).isInstanceOf(AudioFormatException.class).hasMessageContaining("sample 7 is NaN");
      assertThat(rs.get(9).error()).isInstanceOf(RecognitionException.class).hasMessageContaining("empty clip");
      assertThat(rs.get(11).error()).isInstanceOf(AudioFormatException.class).hasMessageContaining("no such file");
      assertThat(rs.stream().filter(BatchResult::isOk).count()).isEqualTo(40);
      for (BatchResult r : rs) {
        if (r.isOk()) {
          String expected = r.input().matches("item\\d*[02468]") ? "loud" : "quiet";
          assertThat(r.recognition().label().name()).as(r.input()).isEqualTo(expected);
          // identical to a single call
          assertThat(r.recognition().probabilities())
              .isEqualTo(ser.analyze(((AudioInput.Pcm) items.get(r.index())).pcm(), 16000, r.input()).probabilities());
        }
      }
      assertThatThrownBy(() -> rs.get(5).recognitionOrThrow()).isInstanceOf(AudioFormatException.class);
    }
    assertThat(progressed.get()).isEqualTo(43);
    assertThat(events).containsExactly("start analyze 43", "finish");
  }

  @Test
  void cancellationSkipsItemsNotYetStarted() throws Exception {
    LoudnessProvider.GATE = new CountDownLatch(1);
    LoudnessProvider.STARTED.set(0);
    List<AudioInput> items = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      items.add(AudioInput.of(tone(0.2, 800), 16000, "c" + i));
    }
    try (Ser ser = Ser.builder().optModel("loudness-gated").optThreads(2).build()) {
      BatchJob job = ser.submitAll(items, ProgressListener.NONE);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (LoudnessProvider.STARTED.get() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(job.isDone()).isFalse();
      job.cancel();
      LoudnessProvider.GATE.countDown();
      List<BatchResult> rs = job.await();
      assertThat(job.isDone()).isTrue();
      assertThat(rs).hasSize(30);
      long ok = rs.stream().filter(BatchResult::isOk).count();
      long cancelled = rs.stream().filter(BatchResult::isCancelled).count();
      assertThat(ok).isEqualTo(2); // the two items running on the two threads when cancelled
      assertThat(cancelled).isEqualTo(28);
      assertThat(rs.get(29).error()).isInstanceOf(AnalysisCancelledException.class).hasMessage("c29: cancelled before it was analysed");
    } finally {
      LoudnessProvider.GATE = new CountDownLatch(0);
    }
  }

  @Test
  void aRecognizerThatIsNotThreadSafeIsSerialised() throws Exception {
    LoudnessProvider.MAX_ACTIVE.set(0);
    try (Ser ser = Ser.builder().optModel("loudness-unsafe").optThreads(8).build()) {
      List<AudioInput> items = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        items.add(AudioInput.of(tone(0.2, 800), 16000, "u" + i));
      }
      assertThat(ser.analyzeAll(items)).allMatch(BatchResult::isOk);
    }
    assertThat(LoudnessProvider.MAX_ACTIVE.get()).isEqualTo(1);
  }

  @Test
  void closedFacadeRefusesWork() {
    Ser ser = Ser.create("loudness");
    ser.close();
    ser.close();
    assertThatThrownBy(() -> ser.analyze(tone(0.1, 100), 16000, "x")).isInstanceOf(IllegalStateException.class);
  }
}
