package io.ser4j.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link RealFft} against a direct double-precision DFT. */
class RealFftTest {
  @Test
  void matchesDirectDftForSeveralSizes() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int n : new int[] {2, 4, 6, 10, 16, 30, 48, 90, 120, 400, 512, 1000}) {
      RealFft fft = new RealFft(n);
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        x[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
      float[] out = new float[n + 2];
      fft.forward(x, out, new float[fft.scratchLength()]);
      double maxErr = 0;
      for (int k = 0; k <= n / 2; k++) {
        double re = 0;
        double im = 0;
        for (int j = 0; j < n; j++) {
          double ang = -2 * Math.PI * ((long) j * k % n) / n;
          re += x[j] * Math.cos(ang);
          im += x[j] * Math.sin(ang);
        }
        maxErr = Math.max(maxErr, Math.hypot(out[2 * k] - re, out[2 * k + 1] - im));
      }
      // float32 FFT: error grows like eps * sqrt(n) * log(n) relative to sqrt(n) * rms(x)
      assertThat(maxErr).as("n=%d", n).isLessThan(2e-5 * Math.sqrt(n) * Math.log(n + 1));
    }
  }

  @Test
  void pureToneLandsInItsBin() {
    int n = 400;
    RealFft fft = new RealFft(n);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) Math.cos(2 * Math.PI * 17 * i / n);
    }
    float[] out = new float[n + 2];
    fft.forward(x, out, new float[fft.scratchLength()]);
    for (int k = 0; k <= n / 2; k++) {
      double mag = Math.hypot(out[2 * k], out[2 * k + 1]);
      assertThat(mag).as("bin %d", k).isCloseTo(k == 17 ? n / 2.0 : 0.0,
          org.assertj.core.api.Assertions.within(1e-3));
    }
  }

  @Test
  void rejectsUnsupportedSizes() {
    assertThatThrownBy(() -> new RealFft(7)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RealFft(2 * 7)).isInstanceOf(IllegalArgumentException.class);
  }
}
