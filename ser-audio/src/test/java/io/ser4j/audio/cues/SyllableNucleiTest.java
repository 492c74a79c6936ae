package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.PitchContour;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyllableNucleiTest {
  private static final int SR = 22050;

  @Test
  void agreesWithPraatReferenceOnAllEmodbClips() {
    JsonNode ref = ProsodyFixtures.fixture("nuclei.json").get("clips");
    JsonNode pitch = ProsodyFixtures.fixture("pitch.json").get("clips");
    assertThat(ref.size()).isEqualTo(408);
    SyllableNuclei detector = SyllableNuclei.create(SR);
    int n = 0;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, absDiff = 0;
    int exact = 0;
    double soundingErr = 0, pauseErr = 0, thresholdErr = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = ref.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode r = e.getValue();
      JsonNode p = pitch.get(e.getKey());
      ProsodyFixtures.Wav wav = ProsodyFixtures.readWav(ProsodyFixtures.emodbWavDir().resolve(e.getKey()));
      SyllableNuclei.Result res = detector.detect(
          wav.samples(), ProsodyFixtures.doubles(p.get("f0")), p.get("t1").asDouble(), p.get("dt").asDouble());
      double x = res.nucleusCount();
      double y = r.get("nuclei").asDouble();
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
      absDiff += Math.abs(x - y);
      exact += x == y ? 1 : 0;
      soundingErr = Math.max(soundingErr, Math.abs(res.soundingS() - r.get("sounding_s").asDouble()));
      pauseErr = Math.max(pauseErr, Math.abs(res.pauseInsideS() - r.get("pause_inside_s").asDouble()));
      thresholdErr = Math.max(thresholdErr, Math.abs(res.thresholdDb() - r.get("threshold_db").asDouble()));
    }
    double pearson = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    double mad = absDiff / n;
    System.out.printf(
        "Nuclei vs Praat: r=%.4f, mean|diff|=%.4f, exact %d/%d; max |sounding diff|=%.4f s, "
            + "max |pause diff|=%.4f s, max |threshold diff|=%.2e dB%n",
        pearson, mad, exact, n, soundingErr, pauseErr, thresholdErr);
    assertThat(pearson).isGreaterThanOrEqualTo(0.99); // target 0.8; measured 1.0 (408/408 equal)
    assertThat(mad).isLessThanOrEqualTo(0.02); // target 1; measured 0
    assertThat(exact).isGreaterThanOrEqualTo(404); // a last-ulp tie may flip on another JVM
    assertThat(thresholdErr).isLessThan(1e-3);
    assertThat(soundingErr).isLessThan(1e-6);
    assertThat(pauseErr).isLessThan(1e-6);
  }

  @Test
  void countsSyllablesOfASyntheticUtterance() {
    // five 150 ms "syllables" (200 Hz harmonic tone, raised-cosine envelope) separated by 100 ms of
    // low noise, then a 400 ms pause and three more syllables: 8 nuclei, one inner silent pause
    int total = (int) (2.6 * SR);
    float[] s = new float[total];
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < total; i++) {
      s[i] = (float) (1e-4 * rnd.nextGaussian());
    }
    double[] onsets = {0.2, 0.45, 0.7, 0.95, 1.2, 1.75, 2.0, 2.25};
    double[] f0 = new double[(int) (2.6 / 0.01)];
    for (double on : onsets) {
      int a = (int) (on * SR);
      int len = (int) (0.15 * SR);
      for (int i = 0; i < len; i++) {
        double env = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / len);
        double t = (double) i / SR;
        double v = 0;
        for (int h = 1; h <= 5; h++) {
          v += Math.sin(2 * Math.PI * 200 * h * t) / h;
        }
        s[a + i] += (float) (0.3 * env * v);
      }
      for (int k = (int) Math.round(on / 0.01); k <= (int) Math.round((on + 0.15) / 0.01); k++) {
        f0[k] = 200;
      }
    }
    SyllableNuclei.Result r = SyllableNuclei.create(SR).detect(s, new PitchContour(0.01, times(f0.length), f0));
    // the last peak has no following dip and is dropped, as in de Jong & Wempe's script
    assertThat(r.nucleusCount()).isEqualTo(7);
    assertThat(r.speechRate()).isCloseTo(7 / 2.6, within(1e-9));
    assertThat(r.pauseFraction()).isGreaterThan(0.1).isLessThan(0.35);
    assertThat(r.articulationRate()).isGreaterThan(r.speechRate());
    // without voicing there are no nuclei
    SyllableNuclei.Result unvoiced =
        SyllableNuclei.create(SR).detect(s, new double[f0.length], 0.0, 0.01);
    assertThat(unvoiced.nucleusCount()).isZero();
    assertThat(unvoiced.pauseFraction()).isEqualTo(r.pauseFraction());
  }

  private static double[] times(int n) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * 0.01;
    }
    return t;
  }

  @Test
  void silenceDcAndShortClipsAreUndefined() {
    SyllableNuclei d = SyllableNuclei.create(SR);
    double[] voiced = new double[300];
    java.util.Arrays.fill(voiced, 150);
    SyllableNuclei.Result zeros = d.detect(new float[SR * 2], voiced, 0.02, 0.01);
    assertThat(zeros.isDefined()).isFalse();
    assertThat(zeros.speechRate()).isNaN();
    assertThat(zeros.pauseFraction()).isNaN();
    float[] dc = new float[SR * 2];
    java.util.Arrays.fill(dc, -0.2f);
    assertThat(d.detect(dc, voiced, 0.02, 0.01).speechRate()).isNaN();
    SyllableNuclei.Result tiny = d.detect(new float[SR / 10], voiced, 0.02, 0.01);
    assertThat(tiny.speechRate()).isNaN();
    assertThat(d.detect(new float[0], voiced, 0.02, 0.01).speechRate()).isNaN();
    assertThat(d.detect(new float[SR], (PitchContour) null).speechRate()).isNaN();
  }

  @Test
  void badInputIsTyped() {
    SyllableNuclei d = SyllableNuclei.create(SR);
    float[] s = new float[SR];
    s[3] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> d.detect(s, new double[10], 0, 0.01)).isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> d.detect(new float[SR], new double[10], 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void longClipWithManyShortIntervalsStaysConsistent() {
    // 120 s of 50 ms tone bursts alternating with 60-400 ms gaps: thousands of intervals
    int rate = 16000;
    int n = 120 * rate;
    float[] s = new float[n];
    java.util.Random rnd = new java.util.Random(5);
    int pos = 0;
    while (pos < n) {
      int burst = (int) (0.05 * rate);
      for (int i = 0; i < burst && pos + i < n; i++) {
        s[pos + i] = (float) (0.2 * Math.sin(2 * Math.PI * 150 * i / rate) * Math.sin(Math.PI * i / burst));
      }
      pos += burst + (int) ((0.06 + 0.34 * rnd.nextDouble()) * rate);
    }
    double[] f0 = new double[n / 160];
    java.util.Arrays.fill(f0, 150);
    SyllableNuclei.Result r = SyllableNuclei.create(rate).detect(s, f0, 0.02, 0.01);
    assertThat(r.isDefined()).isTrue();
    assertThat(r.pauseFraction()).isBetween(0.0, 1.0);
    assertThat(r.soundingS() + r.pauseInsideS()).isLessThanOrEqualTo(r.durationS() + 1e-9);
    assertThat(r.nucleusCount()).isGreaterThan(50);
    double[] t = r.nucleusTimesS();
    for (int i = 1; i < t.length; i++) {
      assertThat(t[i]).isGreaterThan(t[i - 1]);
    }
  }
}
