package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parity of {@link Pitch#track} with Praat 6.3.07 "To Pitch: 0.01, 75, 600" on all 408 EmoDB clips
 * (fixtures from tools/reference/praat_voice_reference.py), frames aligned by time.
 */
class PraatPitchParityTest {
  private static final double GROSS_ERROR_RATIO = 0.2;

  @Test
  void matchesPraatOnEmoDb() throws Exception {
    var contours = PraatVoiceFixtures.contours();
    assertThat(contours).hasSize(408);
    compare("default", contours, PitchSettings.PRAAT_DEFAULT);
  }

  /** Every 10th clip with "very accurate" on (Gaussian window, 6 periods). */
  @Test
  void matchesPraatVeryAccurateOnEmoDbSubset() throws Exception {
    var contours = PraatVoiceFixtures.contours("contours_accurate.csv");
    assertThat(contours).hasSize(41);
    PitchSettings d = PitchSettings.PRAAT_DEFAULT;
    PitchSettings accurate = new PitchSettings(d.timeStepSeconds(), d.pitchFloorHz(),
        d.pitchCeilingHz(), d.periodsPerWindow(), d.maxCandidates(), true, d.silenceThreshold(),
        d.voicingThreshold(), d.octaveCost(), d.octaveJumpCost(), d.voicedUnvoicedCost());
    compare("very accurate", contours, accurate);
  }

  private static void compare(String name, List<PraatVoiceFixtures.Contour> contours,
      PitchSettings settings) throws Exception {
    var dir = PraatVoiceFixtures.emodbWavDir();
    long frames = 0;
    long agree = 0;
    long bothVoiced = 0;
    long gross = 0;
    long praatVoiced = 0;
    long javaVoiced = 0;
    List<Double> cents = new ArrayList<>();
    for (var ref : contours) {
      var clip = PraatVoiceFixtures.readWav(dir.resolve(ref.file()));
      Pitch p = Pitch.track(clip.samples(), clip.sampleRate(), settings);
      assertThat(p.size()).as(ref.file() + " frames").isEqualTo(ref.f0().length);
      for (int i = 0; i < ref.f0().length; i++) {
        double t = ref.t1() + i * ref.dt();
        int j = (int) Math.round((t - p.firstFrameTimeSeconds()) / p.timeStepSeconds());
        double fj = j >= 0 && j < p.size() ? p.f0At(j) : 0.0;
        double fp = ref.f0()[i];
        frames++;
        boolean vj = fj > 0;
        boolean vp = fp > 0;
        praatVoiced += vp ? 1 : 0;
        javaVoiced += vj ? 1 : 0;
        if (vj == vp) {
          agree++;
        }
        if (vj && vp) {
          bothVoiced++;
          if (Math.abs(fj / fp - 1) > GROSS_ERROR_RATIO) {
            gross++;
          } else {
            cents.add(Math.abs(1200 * Math.log(fj / fp) / Math.log(2)));
          }
        }
      }
    }
    Collections.sort(cents);
    double voicingAgreement = (double) agree / frames;
    double grossRate = (double) gross / bothVoiced;
    double medianCents = cents.get(cents.size() / 2);
    double p95Cents = cents.get((int) (cents.size() * 0.95));
    System.out.printf(
        "pitch parity (%s): frames=%d voicing agreement=%.4f (praat voiced %d, java voiced %d), "
            + "gross errors=%.4f of %d, median fine error=%.3f cents, p95=%.2f cents%n",
        name, frames, voicingAgreement, praatVoiced, javaVoiced, grossRate, bothVoiced, medianCents,
        p95Cents);
    assertThat(voicingAgreement).isGreaterThanOrEqualTo(0.90);
    assertThat(grossRate).isLessThanOrEqualTo(0.05);
    assertThat(medianCents).isLessThanOrEqualTo(50.0);
  }
}
