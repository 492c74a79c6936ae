package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.AudioFormatException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpectralCuesTest {
  private static final int SR = 22050;

  @Test
  void matchesNumpyReferenceOnEmodbClips() {
    JsonNode ref = ProsodyFixtures.fixture("spectral.json").get("clips");
    JsonNode pitch = ProsodyFixtures.fixture("pitch.json").get("clips");
    assertThat(ref.size()).isGreaterThanOrEqualTo(10);
    SpectralCues sc = SpectralCues.create(SR);
    double worst = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = ref.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode p = pitch.get(e.getKey());
      ProsodyFixtures.Wav wav = ProsodyFixtures.readWav(ProsodyFixtures.emodbWavDir().resolve(e.getKey()));
      SpectralCues.Result r = sc.compute(
          wav.samples(), ProsodyFixtures.doubles(p.get("f0")), p.get("t1").asDouble(), p.get("dt").asDouble());
      JsonNode x = e.getValue();
      assertThat(r.voicedFrames()).isEqualTo(x.get("voiced_frames").asInt());
      worst = Math.max(worst, rel(r.alphaRatioDb(), x.get("alpha_ratio_db").asDouble()));
      worst = Math.max(worst, rel(r.hammarbergIndexDb(), x.get("hammarberg_index_db").asDouble()));
      worst = Math.max(worst, rel(r.slope0To500DbPerHz(), x.get("slope_0_500").asDouble()));
      worst = Math.max(worst, rel(r.slope500To1500DbPerHz(), x.get("slope_500_1500").asDouble()));
    }
    System.out.printf("SpectralCues vs numpy: %d clips, max relative difference %.2e%n", ref.size(), worst);
    assertThat(worst).isLessThanOrEqualTo(1e-3);
  }

  private static double rel(double a, double b) {
    assertThat(a).isFinite();
    return Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
  }

  private static double[] allVoiced(int samples) {
    double[] f0 = new double[(int) (samples / (0.01 * SR)) + 3]; // the last frames overhang: skipped
    Arrays.fill(f0, 100);
    return f0;
  }

  private static float[] white(int n, long seed) {
    Random r = new Random(seed);
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = (float) (0.1 * r.nextGaussian());
    }
    return s;
  }

  private static float[] pink(int n, long seed) {
    // Paul Kellet's economy pink-noise filter on white noise (-3 dB/octave within ~1 dB)
    Random r = new Random(seed);
    float[] s = new float[n];
    double b0 = 0, b1 = 0, b2 = 0;
    for (int i = 0; i < n; i++) {
      double w = r.nextGaussian();
      b0 = 0.99765 * b0 + w * 0.0990460;
      b1 = 0.96300 * b1 + w * 0.2965164;
      b2 = 0.57000 * b2 + w * 1.0526913;
      s[i] = (float) (0.02 * (b0 + b1 + b2 + w * 0.1848));
    }
    return s;
  }

  @Test
  void pinkNoiseTiltsDownWhiteNoiseIsFlat() {
    int n = 2 * SR;
    SpectralCues sc = SpectralCues.create(SR);
    SpectralCues.Result w = sc.compute(white(n, 7), allVoiced(n), 0.0125, 0.01);
    SpectralCues.Result p = sc.compute(pink(n, 7), allVoiced(n), 0.0125, 0.01);
    // pink: -3 dB/octave; over 500-1500 Hz the least-squares slope is about -10log10(3)/1000 dB/Hz
    assertThat(p.slope500To1500DbPerHz()).isLessThan(-0.002).isGreaterThan(-0.008);
    assertThat(Math.abs(w.slope500To1500DbPerHz())).isLessThan(0.001);
    assertThat(p.slope0To500DbPerHz()).isLessThan(w.slope0To500DbPerHz());
    // white noise: 950 Hz of band below vs 4000 Hz above -> about 10log10(950/4000) = -6.2 dB
    assertThat(w.alphaRatioDb()).isBetween(-7.5, -5.0);
    assertThat(p.alphaRatioDb()).isGreaterThan(w.alphaRatioDb() + 3);
    assertThat(Math.abs(w.hammarbergIndexDb())).isLessThan(4);
    assertThat(w.voicedFrames()).isEqualTo(allVoiced(n).length);
    assertThat(w.analysedFrames()).isEqualTo(198); // centres 0.0125..1.9825 s fit a 551-sample window
  }

  @Test
  void lowPassRaisesAlphaRatioAndHammarberg() {
    int n = 2 * SR;
    float[] w = white(n, 11);
    float[] lp = new float[n];
    double y = 0;
    for (int i = 0; i < n; i++) { // one-pole low-pass, corner ~ 560 Hz
      y += 0.15 * (w[i] - y);
      lp[i] = (float) y;
    }
    SpectralCues sc = SpectralCues.create(SR);
    SpectralCues.Result a = sc.compute(w, allVoiced(n), 0.0125, 0.01);
    SpectralCues.Result b = sc.compute(lp, allVoiced(n), 0.0125, 0.01);
    assertThat(b.alphaRatioDb()).isGreaterThan(a.alphaRatioDb() + 6);
    assertThat(b.hammarbergIndexDb()).isGreaterThan(a.hammarbergIndexDb() + 5);
    assertThat(b.slope500To1500DbPerHz()).isLessThan(a.slope500To1500DbPerHz());
  }

  @Test
  void onlyVoicedFramesCount() {
    int n = 2 * SR;
    float[] s = white(n, 3);
    double[] f0 = new double[190];
    SpectralCues sc = SpectralCues.create(SR);
    SpectralCues.Result none = sc.compute(s, f0, 0.02, 0.01);
    assertThat(none.alphaRatioDb()).isNaN();
    assertThat(none.hammarbergIndexDb()).isNaN();
    assertThat(none.slope0To500DbPerHz()).isNaN();
    assertThat(none.slope500To1500DbPerHz()).isNaN();
    assertThat(none.voicedFrames()).isZero();
    f0[40] = 120;
    assertThat(sc.compute(s, f0, 0.02, 0.01).alphaRatioDb()).isFinite();
  }

  @Test
  void silenceDcAndShortClipsAreUndefined() {
    SpectralCues sc = SpectralCues.create(SR);
    SpectralCues.Result z = sc.compute(new float[2 * SR], allVoiced(2 * SR), 0.0125, 0.01);
    assertThat(z.alphaRatioDb()).isNaN();
    assertThat(z.slope0To500DbPerHz()).isNaN();
    float[] dc = new float[2 * SR];
    Arrays.fill(dc, 0.25f);
    SpectralCues.Result d = sc.compute(dc, allVoiced(2 * SR), 0.0125, 0.01);
    assertThat(d.alphaRatioDb()).isNaN();
    assertThat(d.hammarbergIndexDb()).isNaN();
    assertThat(d.slope0To500DbPerHz()).isNaN();
    assertThat(d.slope500To1500DbPerHz()).isNaN();
    SpectralCues.Result tiny = sc.compute(white(100, 1), new double[] {100}, 0.0, 0.01);
    assertThat(tiny.alphaRatioDb()).isNaN();
  }

  @Test
  void badInputIsTyped() {
    SpectralCues sc = SpectralCues.create(SR);
    float[] s = white(SR, 1);
    s[5000] = Float.NaN;
    double[] f0 = new double[90];
    Arrays.fill(f0, 100);
    assertThatThrownBy(() -> sc.compute(s, f0, 0.02, 0.01)).isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> sc.compute(null, f0, 0.02, 0.01)).isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> sc.compute(white(SR, 1), null, 0.02, 0.01))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpectralCues.create(-1)).isInstanceOf(AudioFormatException.class);
  }

  @Test
  void sharedInstanceIsThreadSafe() throws Exception {
    SpectralCues sc = SpectralCues.create(SR);
    int n = 2 * SR;
    float[][] clips = new float[8][];
    SpectralCues.Result[] expected = new SpectralCues.Result[8];
    for (int c = 0; c < 8; c++) {
      clips[c] = c % 2 == 0 ? white(n, c) : pink(n, c);
      expected[c] = sc.compute(clips[c], allVoiced(n), 0.0125, 0.01);
    }
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> out = new java.util.ArrayList<>();
      for (int rep = 0; rep < 16; rep++) {
        int c = rep % 8;
        out.add(pool.submit(() -> sc.compute(clips[c], allVoiced(n), 0.0125, 0.01).equals(expected[c])));
      }
      for (java.util.concurrent.Future<Boolean> f : out) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
