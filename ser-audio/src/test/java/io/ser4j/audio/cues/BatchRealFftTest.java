package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link BatchRealFft} (double precision: power, real part, spectrum) against a direct DFT. */
class BatchRealFftTest {
  @Test
  void powerAndRealPartMatchDirectDft() {
    for (int n : new int[] {1350, 600, 2048, 30}) {
      int batch = 5;
      BatchRealFft fft = new BatchRealFft(n, batch);
      BatchRealFft.Workspace ws = fft.newWorkspace();
      Random rnd = new Random(n);
      double[][] x = new double[batch][n];
      for (int f = 0; f < batch; f++) {
        for (int i = 0; i < n; i++) {
          x[f][i] = rnd.nextGaussian();
        }
      }
      int count = 3; // fewer frames than the batch holds
      for (int mode = 0; mode < 3; mode++) { // power, real part, complex spectrum
        for (int f = 0; f < count; f++) {
          for (int j = 0; j < n / 2; j++) {
            ws.even[j][f] = x[f][2 * j];
            ws.odd[j][f] = x[f][2 * j + 1];
          }
        }
        if (mode == 1) {
          fft.realPart(ws, count);
        } else if (mode == 2) {
          fft.spectrum(ws, count);
        } else {
          fft.power(ws, count);
        }
        double worst = 0;
        for (int f = 0; f < count; f++) {
          for (int k = 0; k <= n / 2; k++) {
            double re = 0;
            double im = 0;
            for (int i = 0; i < n; i++) {
              double ang = -2 * Math.PI * ((long) i * k % n) / n;
              re += x[f][i] * Math.cos(ang);
              im += x[f][i] * Math.sin(ang);
            }
            double expected = mode > 0 ? re : re * re + im * im;
            double scale = mode > 0 ? Math.sqrt(n) : n;
            worst = Math.max(worst, Math.abs(ws.power[k][f] - expected) / scale);
            if (mode == 2) {
              worst = Math.max(worst, Math.abs(ws.imag[k][f] - im) / scale);
            }
          }
        }
        assertThat(worst).as("n=%d mode=%d", n, mode).isLessThan(1e-12);
      }
    }
  }

  @Test
  void acFftSizeIsSmoothAndLargeEnough() {
    // The cheapest length by the radix cost model, not merely the smallest smooth one.
    assertThat(PeriodicityAnalysis.acFftSize(1246)).isEqualTo(1280); // pitch at 22.05 kHz
    assertThat(PeriodicityAnalysis.acFftSize(584)).isEqualTo(640); // harmonicity at 22.05 kHz
    assertThat(PeriodicityAnalysis.acFftSize(1280)).isEqualTo(1280);
    assertThat(PeriodicityAnalysis.acFftSize(2)).isEqualTo(2);
    for (int min = 2; min < 3000; min += 37) {
      int n = PeriodicityAnalysis.acFftSize(min);
      assertThat(n).isGreaterThanOrEqualTo(min);
      new BatchRealFft(n, 1); // factors into the supported radices, or throws
    }
  }

  @Test
  void acPairFftSizeHasSmoothHalfAndIsLargeEnough() {
    assertThat(PeriodicityAnalysis.acPairFftSize(1246)).isEqualTo(1280); // pitch at 22.05 kHz
    for (int min = 2; min < 3000; min += 37) {
      int n = PeriodicityAnalysis.acPairFftSize(min);
      assertThat(n).isGreaterThanOrEqualTo(min);
      assertThat(n % 4).isZero();
      new BatchRealFft(n, 1); // both lengths factor into the supported radices, or throw
      new BatchRealFft(n / 2, 1);
    }
  }

  @Test
  void loadAndUnloadTransposeExactly() {
    int n = 40;
    BatchRealFft fft = new BatchRealFft(n, 6);
    BatchRealFft.Workspace ws = fft.newWorkspace();
    Random rnd = new Random(7);
    int length = 27; // odd, shorter than n: zero padding beyond
    double[][] frames = new double[5][length];
    for (double[] f : frames) {
      for (int i = 0; i < length; i++) {
        f[i] = rnd.nextGaussian();
      }
    }
    for (double[] row : ws.even) {
      java.util.Arrays.fill(row, Double.NaN); // stale values must be overwritten
    }
    for (double[] row : ws.odd) {
      java.util.Arrays.fill(row, Double.NaN);
    }
    fft.load(ws, frames, 5, length);
    for (int f = 0; f < 5; f++) {
      for (int i = 0; i < n; i++) {
        double got = (i % 2 == 0 ? ws.even : ws.odd)[i / 2][f];
        assertThat(got).as("frame %d sample %d", f, i).isEqualTo(i < length ? frames[f][i] : 0.0);
      }
    }
    double[][] pointMajor = new double[length][5];
    for (int p = 0; p < length; p++) {
      for (int f = 0; f < 5; f++) {
        pointMajor[p][f] = frames[f][p];
      }
    }
    double[][] back = new double[5][length];
    BatchRealFft.unload(pointMajor, 1, length - 1, 5, back);
    for (int f = 0; f < 5; f++) {
      assertThat(back[f][0]).isZero(); // row 0 not copied
      for (int p = 1; p < length; p++) {
        assertThat(back[f][p]).isEqualTo(frames[f][p]);
      }
    }
  }
}
