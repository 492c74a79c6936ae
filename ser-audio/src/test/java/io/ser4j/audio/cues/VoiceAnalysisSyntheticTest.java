package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.core.AudioFormatException;
import io.ser4j.core.SerException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pitch, point process, jitter, shimmer and HNR on synthetic signals with known answers. */
class VoiceAnalysisSyntheticTest {
  private static final int SR = 22050;

  /** A harmonic tone whose consecutive periods and amplitudes follow the given factors. */
  private static float[] pulseTone(double f0, double seconds, int sr, double periodDelta,
      double amplitudeDelta) {
    float[] x = new float[(int) (seconds * sr)];
    double t = 0;
    int k = 0;
    double periodStart = 0;
    double period = (1 + periodDelta) / f0;
    double amp = 0.5 * (1 + amplitudeDelta);
    for (int i = 0; i < x.length; i++) {
      t = (double) i / sr;
      while (t >= periodStart + period) {
        periodStart += period;
        k++;
        double sign = k % 2 == 0 ? 1 : -1;
        period = (1 + sign * periodDelta) / f0;
        amp = 0.5 * (1 + sign * amplitudeDelta);
      }
      double phase = 2 * Math.PI * (t - periodStart) / period;
      x[i] = (float) (amp * (Math.sin(phase) + 0.5 * Math.sin(2 * phase)
          + 0.25 * Math.sin(3 * phase)));
    }
    return x;
  }

  private static float[] sine(double f, double seconds, int sr) {
    float[] x = new float[(int) (seconds * sr)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.5 * Math.sin(2 * Math.PI * f * i / sr));
    }
    return x;
  }

  @Test
  void pureToneIsVoicedAt200Hz() {
    for (int sr : new int[] {SR, 16000}) {
      Pitch p = Pitch.track(sine(200, 1.0, sr), sr, PitchSettings.PRAAT_DEFAULT);
      assertThat(p.size()).isGreaterThan(90);
      assertThat(p.voicedFraction()).as("voiced fraction at %d Hz", sr).isEqualTo(1.0);
      for (int i = 0; i < p.size(); i++) {
        assertThat(p.f0At(i)).as("frame %d at %d Hz", i, sr).isCloseTo(200.0, within(0.5));
      }
      assertThat(p.sdSemitones()).isLessThan(0.05);
      assertThat(p.slopeSemitonesPerSecond()).isCloseTo(0.0, within(0.1));
    }
  }

  @Test
  void framesFollowPraatsLayout() {
    Pitch p = Pitch.track(sine(200, 2.0, SR), SR, PitchSettings.PRAAT_DEFAULT);
    assertThat(p.size()).isEqualTo(197); // floor((2 - 0.04) / 0.01) + 1
    assertThat(p.timeAt(0)).isCloseTo(0.02, within(1e-9));
    assertThat(p.toContour().timesSeconds()[196]).isCloseTo(1.98, within(1e-9));
  }

  @Test
  void glidingToneIsTrackedWithoutOctaveJumps() {
    int n = SR;
    float[] x = new float[n];
    double phase = 0;
    for (int i = 0; i < n; i++) {
      double f = 120 + 120.0 * i / n; // 120 -> 240 Hz
      phase += 2 * Math.PI * f / SR;
      x[i] = (float) (0.4 * Math.sin(phase) + 0.2 * Math.sin(2 * phase) + 0.1 * Math.sin(3 * phase));
    }
    Pitch p = Pitch.track(x, SR, PitchSettings.PRAAT_DEFAULT);
    for (int i = 0; i < p.size(); i++) {
      double expected = 120 + 120.0 * p.timeAt(i);
      assertThat(p.f0At(i)).as("frame %d", i).isCloseTo(expected, within(expected * 0.02));
    }
    assertThat(p.slopeSemitonesPerSecond()).isCloseTo(12.0, within(1.0));
  }

  @Test
  void whiteNoiseIsMostlyUnvoiced() {
    Random rnd = new Random(7);
    float[] x = new float[SR];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.3 * rnd.nextGaussian());
    }
    Pitch p = Pitch.track(x, SR, PitchSettings.PRAAT_DEFAULT);
    assertThat(p.voicedFraction()).isLessThan(0.1);
  }

  @Test
  void alternatingPeriodsGiveOnePercentJitter() {
    float[] x = pulseTone(150, 1.5, SR, 0.005, 0.0);
    Pitch p = Pitch.track(x, SR, PitchSettings.PRAAT_DEFAULT);
    PointProcess pulses = PointProcess.fromSoundAndPitch(x, SR, p);
    assertThat(pulses.size()).isBetween(200, 230);
    // Nominal jitter is 0.01; cross-correlation marks are pulled towards the mean period, and Praat
    // 6.3.07 reports 0.0079488 for this very signal (same construction as a 32-bit float WAV).
    assertThat(VoiceQuality.jitterLocal(pulses)).isCloseTo(0.0079488, within(0.0002));
    assertThat(VoiceQuality.shimmerLocal(pulses, x, SR)).isLessThan(0.01);
    assertThat(Harmonicity.track(x, SR).meanDb()).as("Praat gives 31.7191 dB")
        .isCloseTo(31.7191, within(0.05));

    float[] steady = pulseTone(150, 1.5, SR, 0.0, 0.0);
    PointProcess steadyPulses = PointProcess.fromSoundAndPitch(steady, SR,
        Pitch.track(steady, SR, PitchSettings.PRAAT_DEFAULT));
    assertThat(VoiceQuality.jitterLocal(steadyPulses)).isLessThan(0.001);
  }

  @Test
  void alternatingAmplitudesGiveShimmer() {
    float[] x = pulseTone(150, 1.5, SR, 0.0, 0.05);
    Pitch p = Pitch.track(x, SR, PitchSettings.PRAAT_DEFAULT);
    PointProcess pulses = PointProcess.fromSoundAndPitch(x, SR, p);
    double shimmer = VoiceQuality.shimmerLocal(pulses, x, SR);
    // Consecutive amplitudes 1.05 : 0.95 -> mean |difference| / mean = 0.1, blurred a little by
    // the Hann window straddling period boundaries.
    assertThat(shimmer).isBetween(0.05, 0.11);
    assertThat(shimmer).as("Praat 6.3.07 gives 0.099815").isCloseTo(0.099815, within(0.002));
    assertThat(VoiceQuality.jitterLocal(pulses)).as("Praat gives 0.000605")
        .isCloseTo(0.000605, within(0.0002));
    assertThat(Harmonicity.track(x, SR).meanDb()).as("Praat gives 22.9997 dB")
        .isCloseTo(22.9997, within(0.05));
  }

  @Test
  void harmonicityReflectsSignalToNoiseRatio() {
    float[] clean = pulseTone(150, 1.0, SR, 0.0, 0.0);
    assertThat(Harmonicity.track(clean, SR).meanDb()).isGreaterThan(40.0);
    Random rnd = new Random(3);
    double power = 0;
    for (float v : clean) {
      power += v * v;
    }
    power /= clean.length;
    double noiseSd = Math.sqrt(power / 10.0); // 10 dB SNR
    float[] noisy = clean.clone();
    for (int i = 0; i < noisy.length; i++) {
      noisy[i] += (float) (noiseSd * rnd.nextGaussian());
    }
    assertThat(Harmonicity.track(noisy, SR).meanDb()).isCloseTo(10.0, within(2.0));
  }

  @Test
  void silenceIsUnvoicedAndMeasuresAreUndefined() {
    float[] x = new float[SR];
    Pitch p = Pitch.track(x, SR, PitchSettings.PRAAT_DEFAULT);
    assertThat(p.size()).isEqualTo(97);
    assertThat(p.voicedFraction()).isZero();
    assertThat(p.meanHz()).isNaN();
    assertThat(p.sdSemitones()).isNaN();
    PointProcess pulses = PointProcess.fromSoundAndPitch(x, SR, p);
    assertThat(pulses.size()).isZero();
    assertThat(VoiceQuality.jitterLocal(pulses)).isNaN();
    assertThat(VoiceQuality.shimmerLocal(pulses, x, SR)).isNaN();
    Harmonicity h = Harmonicity.track(x, SR);
    assertThat(h.size()).isGreaterThan(0);
    assertThat(h.meanDb()).isNaN();
  }

  @Test
  void clipsShorterThanOneWindowGiveEmptyResults() {
    // Pitch needs 40 ms (3 periods of 75 Hz); harmonicity (cc) needs 1/75 + 1/75 s = 26.7 ms.
    float[] x35 = sine(200, 0.035, SR);
    assertThat(Pitch.track(x35, SR, PitchSettings.PRAAT_DEFAULT).size()).isZero();
    for (int n : new int[] {0, 1, 100, (int) (0.025 * SR)}) {
      float[] x = sine(200, (double) n / SR, SR);
      Pitch p = Pitch.track(x, SR, PitchSettings.PRAAT_DEFAULT);
      assertThat(p.size()).as("frames for %d samples", n).isZero();
      assertThat(p.voicedFraction()).isNaN();
      PointProcess pulses = PointProcess.fromSoundAndPitch(x, SR, p);
      assertThat(pulses.size()).isZero();
      assertThat(VoiceQuality.jitterLocal(pulses)).isNaN();
      assertThat(VoiceQuality.shimmerLocal(pulses, x, SR)).isNaN();
      assertThat(Harmonicity.track(x, SR).meanDb()).isNaN();
    }
  }

  @Test
  void badInputIsATypedError() {
    float[] withNan = sine(200, 0.1, SR);
    withNan[10] = Float.NaN;
    assertThatThrownBy(() -> Pitch.track(withNan, SR, PitchSettings.PRAAT_DEFAULT))
        .isInstanceOf(AudioFormatException.class).hasMessageContaining("sample 10");
    assertThatThrownBy(() -> Pitch.track(null, SR, PitchSettings.PRAAT_DEFAULT))
        .isInstanceOf(AudioFormatException.class);
    assertThatThrownBy(() -> Harmonicity.track(new float[100], 0))
        .isInstanceOf(AudioFormatException.class).hasMessageContaining("sample rate");
    assertThatThrownBy(() -> PitchSettings.withRange(600, 75))
        .isInstanceOf(SerException.class).hasMessageContaining("pitchCeilingHz");
    assertThatThrownBy(() -> Harmonicity.track(new float[100], SR, 1e-9, 75, 0.1, 1))
        .isInstanceOf(SerException.class).hasMessageContaining("time step");
    PointProcess none = new PointProcess(0, 1, new double[0]);
    assertThatThrownBy(() -> VoiceQuality.jitterLocal(none, 0.02, 0.0001, 1.3))
        .isInstanceOf(SerException.class);
  }

  @Test
  void summaryStatisticsUseVoicedFramesOnly() {
    // Frames at t = 0.0, 0.1, ..., 0.5; F0 100, 0, 200, 0, 400, 0 Hz.
    Pitch p = new Pitch(0.1, 0.0, 0.6, 600, new double[] {100, 0, 200, 0, 400, 0},
        new double[] {0.9, 0, 0.9, 0, 0.9, 0});
    assertThat(p.voicedFraction()).isCloseTo(0.5, within(1e-12));
    assertThat(p.meanHz()).isCloseTo(700.0 / 3, within(1e-9));
    assertThat(p.medianHz()).isEqualTo(200.0);
    assertThat(p.minHz()).isEqualTo(100.0);
    assertThat(p.maxHz()).isEqualTo(400.0);
    // Semitones 12*log2(f): 0, 12, 24 above 100 Hz -> sample SD 12, slope 24 st / 0.4 s.
    assertThat(p.sdSemitones()).isCloseTo(12.0, within(1e-9));
    assertThat(p.slopeSemitonesPerSecond()).isCloseTo(60.0, within(1e-9));
    assertThat(p.valueAt(0.04)).isEqualTo(100.0); // neighbour unvoiced: nearest value
    assertThat(p.valueAt(0.1)).isNaN(); // nearest frame unvoiced
    assertThat(p.toContour().f0Hz()).containsExactly(100, 0, 200, 0, 400, 0);
    double[] f0 = p.f0Hz();
    f0[0] = -1;
    assertThat(p.f0At(0)).as("defensive copy").isEqualTo(100.0);
  }
}
