package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ProsodyMathTest {
  @Test
  void praatQuantileInterpolatesAtQnPlusHalf() {
    double[] a = {1, 2, 3, 4};
    assertThat(ProsodyMath.praatQuantile(a, 4, 0.5)).isEqualTo(2.5); // median of an even count
    // beyond the outer half-samples Praat extrapolates along the first/last pair
    assertThat(ProsodyMath.praatQuantile(a, 4, 0.0)).isEqualTo(0.5);
    assertThat(ProsodyMath.praatQuantile(a, 4, 1.0)).isEqualTo(4.5);
    assertThat(ProsodyMath.praatQuantile(a, 4, 0.75)).isCloseTo(3.5, within(1e-12));
    assertThat(ProsodyMath.praatQuantile(a, 1, 0.3)).isEqualTo(1.0);
    assertThat(ProsodyMath.praatQuantile(a, 0, 0.3)).isNaN();
  }

  @Test
  void interpolatorsReproduceSamplesAndLines() {
    double[] line = new double[200];
    for (int i = 0; i < line.length; i++) {
      line[i] = 3 + 0.5 * i;
    }
    assertThat(ProsodyMath.cubicAt(line, 50.3)).isCloseTo(3 + 0.5 * 50.3, within(1e-12));
    assertThat(ProsodyMath.sincAt(line, 40.0, 70)).isEqualTo(line[40]);
    assertThat(ProsodyMath.sincAt(line, 0.4, 70)).isCloseTo(3.2, within(1e-12)); // linear at the edge
    assertThat(ProsodyMath.sincAt(line, -1, 70)).isEqualTo(line[0]);
    assertThat(ProsodyMath.sincAt(line, 500, 70)).isEqualTo(line[199]);
  }

  @Test
  void sincPeakOfASampledCosineIsItsTruePeak() {
    // a slow cosine peaking at index 100.3: band-limited, so sinc interpolation recovers the peak
    double[] y = new double[201];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.cos(2 * Math.PI * (i - 100.3) / 40.0);
    }
    double x = ProsodyMath.sincPeakIndex(y, 100, 70);
    assertThat(x).isCloseTo(100.3, within(2e-3));
    assertThat(ProsodyMath.sincAt(y, x, 70)).isCloseTo(1.0, within(1e-3));
  }

  @Test
  void besselI0MatchesKnownValues() {
    assertThat(ProsodyMath.besselI0(0)).isEqualTo(1.0);
    assertThat(ProsodyMath.besselI0(1)).isCloseTo(1.2660658777520084, within(1e-14));
    assertThat(ProsodyMath.besselI0(20.239208802)).isCloseTo(5.5e7, within(0.1e7));
  }
}
