package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.AudioFormatException;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntensityTest {
  private static final int SR = 22050;

  @Test
  void matchesPraatOnAllEmodbClips() {
    JsonNode clips = ProsodyFixtures.fixture("intensity.json").get("clips");
    assertThat(clips.size()).isEqualTo(408);
    Intensity analyser = Intensity.create(SR, 100, 0.01);
    double worst = 0;
    String worstClip = "";
    long frames = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = clips.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ProsodyFixtures.Wav wav = ProsodyFixtures.readWav(ProsodyFixtures.emodbWavDir().resolve(e.getKey()));
      assertThat(wav.sampleRate()).isEqualTo(SR);
      Intensity.Contour c = analyser.contour(wav.samples());
      double[] ref = ProsodyFixtures.doubles(e.getValue().get("db"));
      assertThat(c.size()).as(e.getKey()).isEqualTo(ref.length);
      assertThat(c.firstTimeS()).as(e.getKey()).isCloseTo(e.getValue().get("t1").asDouble(), within(1e-6));
      for (int i = 0; i < ref.length; i++) {
        double d = Math.abs(c.dbAt(i) - ref[i]);
        if (d > worst) {
          worst = d;
          worstClip = e.getKey() + "@" + i;
        }
      }
      frames += ref.length;
    }
    System.out.printf("Intensity vs Praat: %d frames, max |diff| = %.2e dB at %s%n", frames, worst, worstClip);
    assertThat(worst).as("max abs dB difference (" + worstClip + ")").isLessThanOrEqualTo(1e-3);
  }

  @Test
  void fullScaleSineIsAbout91DbAtAnyRate() {
    for (int rate : new int[] {8000, 16000, 22050, 44100, 48000}) {
      float[] s = new float[rate];
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) Math.sin(2 * Math.PI * 441 * i / rate);
      }
      Intensity.Contour c = Intensity.compute(s, rate, 100, 0.01);
      assertThat(c.size()).isEqualTo(94); // floor((1 - 0.064) / 0.01) + 1
      assertThat(c.meanDb()).as("rate " + rate).isCloseTo(10 * Math.log10(0.5 / 4e-10), within(0.01));
      assertThat(c.rangeDb()).isLessThan(0.01);
    }
  }

  @Test
  void rangeIsP95MinusP5() {
    // first half at amplitude 1, second half at 0.1: a 20 dB step
    float[] s = new float[2 * SR];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) ((i < SR ? 1.0 : 0.1) * Math.sin(2 * Math.PI * 441 * i / SR));
    }
    Intensity.Contour c = Intensity.compute(s, SR, 100, 0.01);
    assertThat(c.rangeDb()).isCloseTo(20, within(0.05));
    assertThat(c.quantileDb(0.5)).isBetween(70.9, 91.0);
  }

  @Test
  void silenceAndDcGiveUndefinedStatistics() {
    float[] zeros = new float[SR];
    Intensity.Contour z = Intensity.compute(zeros, SR, 100, 0.01);
    assertThat(z.size()).isGreaterThan(0);
    assertThat(z.dbAt(0)).isEqualTo(Intensity.SILENT_FRAME_DB);
    assertThat(z.meanDb()).isNaN();
    assertThat(z.rangeDb()).isNaN();
    float[] dc = new float[SR];
    java.util.Arrays.fill(dc, 0.37f);
    Intensity.Contour d = Intensity.compute(dc, SR, 100, 0.01);
    assertThat(d.meanDb()).isNaN();
    assertThat(d.rangeDb()).isNaN();
  }

  @Test
  void shortClipGivesEmptyContour() {
    float[] s = new float[(int) (0.06 * SR)]; // shorter than the 64 ms physical window
    Intensity.Contour c = Intensity.compute(s, SR, 100, 0.01);
    assertThat(c.isEmpty()).isTrue();
    assertThat(c.meanDb()).isNaN();
    assertThat(Intensity.compute(new float[0], SR, 100, 0.01).isEmpty()).isTrue();
  }

  @Test
  void badInputIsTyped() {
    float[] s = new float[SR];
    s[100] = Float.NaN;
    assertThatThrownBy(() -> Intensity.compute(s, SR, 100, 0.01))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("sample 100");
    assertThatThrownBy(() -> Intensity.compute(new float[10], 0, 100, 0.01))
        .isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> Intensity.compute(null, SR, 100, 0.01))
        .isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> Intensity.create(SR, 0, 0.01)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void automaticTimeStepIsPraats() {
    assertThat(Intensity.create(SR, 50, 0).timeStepS()).isCloseTo(0.016, within(1e-15));
    assertThat(Intensity.create(SR, 50, 0).physicalWindowS()).isCloseTo(0.128, within(1e-15));
  }
}
