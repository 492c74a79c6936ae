package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.core.AudioFormatException;
import io.ser4j.core.SerException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link LogMelSpectrogram} beyond parity: shapes, padding, errors, threads. */
class LogMelSpectrogramTest {
  private static float[] noise(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (0.3 * Math.sin(i * 0.05) + 0.1 * (rnd.nextDouble() - 0.5));
    }
    return x;
  }

  @Test
  void shapeIsMelsByHopCountForAnyLength() {
    LogMelSpectrogram spec = LogMelSpectrogram.whisper(80);
    for (int n : new int[] {201, 319, 320, 321, 16000, 16159, 32000, 12345}) {
      float[][] out = spec.compute(noise(n, n));
      assertThat(out).hasNumberOfRows(80);
      assertThat(out[0]).hasSize(n / LogMelSpectrogram.HOP_LENGTH_SAMPLES);
      assertThat(LogMelSpectrogram.frameCount(n)).isEqualTo(n / 160);
    }
    assertThat(LogMelSpectrogram.whisper(128).compute(noise(16000, 1))).hasNumberOfRows(128);
  }

  @Test
  void outputRespectsTheEightDecadeFloorAndScale() {
    float[][] out = LogMelSpectrogram.whisper(80).compute(noise(16000, 3));
    float max = Float.NEGATIVE_INFINITY;
    float min = Float.POSITIVE_INFINITY;
    for (float[] row : out) {
      for (float v : row) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    // (log - 4) / 4 scale: the floor is exactly 8 decades (= 2.0 after /4) below the maximum
    assertThat(max - min).isLessThanOrEqualTo(2.0f + 1e-6f);
  }

  @Test
  void silenceGivesTheFloorEverywhere() {
    float[][] out = LogMelSpectrogram.whisper(80).compute(new float[4000]);
    for (float[] row : out) {
      for (float v : row) {
        assertThat(v).isCloseTo((-10f + 4f) / 4f, within(1e-6f)); // log10(1e-10) = -10
      }
    }
  }

  @Test
  void paddedEqualsComputeOnZeroPaddedCopyAndTrims() {
    LogMelSpectrogram spec = LogMelSpectrogram.whisper(80);
    float[] x = noise(20000, 5);
    float[][] padded = spec.computePadded(x, LogMelSpectrogram.WHISPER_WINDOW_SAMPLES);
    assertThat(padded[0]).hasSize(LogMelSpectrogram.WHISPER_WINDOW_FRAMES);
    float[][] manual = spec.compute(java.util.Arrays.copyOf(x, 480_000));
    assertThat(ParityFixtures.maxAbsDiff(padded, manual)).isZero();
    float[][] trimmed = spec.computePadded(x, 8000);
    float[][] manualTrim = spec.compute(java.util.Arrays.copyOf(x, 8000));
    assertThat(ParityFixtures.maxAbsDiff(trimmed, manualTrim)).isZero();
    assertThat(spec.computePadded(new float[0], 480)[0]).hasSize(3);
    assertThat(x[0]).isEqualTo(noise(20000, 5)[0]); // input untouched
  }

  @Test
  void rejectsBadInputWithTypedExceptions() {
    LogMelSpectrogram spec = LogMelSpectrogram.whisper(80);
    assertThatThrownBy(() -> LogMelSpectrogram.whisper(64)).isInstanceOf(SerException.class)
        .hasMessageContaining("nMels");
    assertThatThrownBy(() -> spec.compute(null)).isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> spec.compute(new float[200])).isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("at least 201");
    assertThatThrownBy(() -> spec.computePadded(new float[10], 100))
        .isInstanceOf(SerException.class).hasMessageContaining("nSamples");
    for (int pos : new int[] {0, 777, 15999}) {
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
        float[] x = noise(16000, 9);
        x[pos] = bad;
        assertThatThrownBy(() -> spec.compute(x)).as("%s at %d", bad, pos)
            .isInstanceOf(AudioFormatException.class).hasMessageContaining("sample " + pos);
      }
    }
    float[] loud = noise(16000, 2);
    for (int i = 0; i < loud.length; i++) {
      loud[i] *= 1e30f;
    }
    assertThatThrownBy(() -> spec.compute(loud)).isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void isThreadSafe() throws Exception {
    LogMelSpectrogram spec = LogMelSpectrogram.whisper(128);
    List<float[]> inputs = new ArrayList<>();
    List<float[][]> expected = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inputs.add(noise(8000 + 997 * i, i));
      expected.add(spec.compute(inputs.get(i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int r = 0; r < 32; r++) {
        int i = r % 8;
        results.add(pool.submit(
            () -> ParityFixtures.maxAbsDiff(spec.compute(inputs.get(i)), expected.get(i)) == 0));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void fastLog10IsAccurate() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 200_000; i++) {
      float v = (float) Math.exp(rnd.nextDouble(-80, 80));
      double err = Math.abs(LogMelSpectrogram.log10(v) - Math.log10(v));
      assertThat(err).as("log10(%s)", v).isLessThan(6e-6);
    }
    assertThat((double) LogMelSpectrogram.log10(1f)).isCloseTo(0.0, within(1e-7));
    assertThat((double) LogMelSpectrogram.log10(1e-10f)).isCloseTo(-10.0, within(2e-6));
  }

  @Test
  void batchedFftMatchesScalarFft() {
    int n = 400;
    RealFft ref = new RealFft(n);
    FrameBatchFft batch = new FrameBatchFft(n, 7);
    FrameBatchFft.Workspace ws = batch.newWorkspace();
    float[] signal = noise(n + 6 * 33, 4);
    float[] ones = new float[n / 2];
    java.util.Arrays.fill(ones, 1f);
    batch.powerOfFrames(signal, 0, 33, ones, ones, ws, 7);
    float[] spectrum = new float[n + 2];
    float[] scratch = new float[ref.scratchLength()];
    for (int f = 0; f < 7; f++) {
      float[] frame = java.util.Arrays.copyOfRange(signal, f * 33, f * 33 + n);
      ref.forward(frame, spectrum, scratch);
      for (int k = 0; k <= n / 2; k++) {
        double p = spectrum[2 * k] * spectrum[2 * k] + spectrum[2 * k + 1] * spectrum[2 * k + 1];
        assertThat((double) ws.power[k][f]).as("frame %d bin %d", f, k)
            .isCloseTo(p, within(1e-4 * (1 + p)));
      }
    }
  }
}
