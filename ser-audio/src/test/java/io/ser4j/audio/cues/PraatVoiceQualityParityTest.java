package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-clip parity of jitter (local), shimmer (local) and mean HNR (cc) with Praat 6.3.07 on all
 * 408 EmoDB clips (fixtures from tools/reference/praat_voice_reference.py).
 */
class PraatVoiceQualityParityTest {

  @Test
  void matchesPraatOnEmoDb() throws Exception {
    var dir = PraatVoiceFixtures.emodbWavDir();
    var refs = PraatVoiceFixtures.scalars();
    assertThat(refs).hasSize(408);
    List<double[]> jitter = new ArrayList<>();
    List<double[]> shimmer = new ArrayList<>();
    List<double[]> hnr = new ArrayList<>();
    int definedMismatch = 0;
    for (var ref : refs.values()) {
      var clip = PraatVoiceFixtures.readWav(dir.resolve(ref.file()));
      float[] x = clip.samples();
      int sr = clip.sampleRate();
      Pitch pitch = Pitch.track(x, sr, PitchSettings.PRAAT_DEFAULT);
      PointProcess pulses = PointProcess.fromSoundAndPitch(x, sr, pitch);
      double j = VoiceQuality.jitterLocal(pulses);
      double s = VoiceQuality.shimmerLocal(pulses, x, sr);
      double h = Harmonicity.track(x, sr).meanDb();
      definedMismatch += add(jitter, j, ref.jitter()) + add(shimmer, s, ref.shimmer())
          + add(hnr, h, ref.hnr());
    }
    double rJitter = pearson(jitter);
    double rShimmer = pearson(shimmer);
    double rHnr = pearson(hnr);
    double medianAbsHnr = medianAbsDiff(hnr);
    System.out.printf("voice quality parity: clips=%d jitter r=%.4f (median |d|=%.5f) "
            + "shimmer r=%.4f (median |d|=%.5f) HNR r=%.5f median |dHNR|=%.4f dB "
            + "(defined/undefined mismatches %d)%n",
        refs.size(), rJitter, medianAbsDiff(jitter), rShimmer, medianAbsDiff(shimmer), rHnr,
        medianAbsHnr, definedMismatch);
    assertThat(jitter.size()).isGreaterThan(400);
    assertThat(rJitter).isGreaterThanOrEqualTo(0.8);
    assertThat(rShimmer).isGreaterThanOrEqualTo(0.8);
    assertThat(rHnr).isGreaterThanOrEqualTo(0.9);
    assertThat(medianAbsHnr).isLessThanOrEqualTo(1.5);
  }

  private static int add(List<double[]> pairs, double java, double praat) {
    if (Double.isNaN(java) != Double.isNaN(praat)) {
      return 1;
    }
    if (!Double.isNaN(java)) {
      pairs.add(new double[] {java, praat});
    }
    return 0;
  }

  static double pearson(List<double[]> pairs) {
    int n = pairs.size();
    double ma = 0;
    double mb = 0;
    for (double[] p : pairs) {
      ma += p[0];
      mb += p[1];
    }
    ma /= n;
    mb /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (double[] p : pairs) {
      sab += (p[0] - ma) * (p[1] - mb);
      saa += (p[0] - ma) * (p[0] - ma);
      sbb += (p[1] - mb) * (p[1] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  static double medianAbsDiff(List<double[]> pairs) {
    double[] d = pairs.stream().mapToDouble(p -> Math.abs(p[0] - p[1])).sorted().toArray();
    return d[d.length / 2];
  }

  static String fmt(double[] a) {
    return Arrays.toString(a);
  }
}
