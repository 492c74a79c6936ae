package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.audio.WavReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Skipping the correlation analysis of frames below {@link
 * PeriodicityAnalysis#provablyUnvoicedIntensity} must not change the Viterbi path: compared with
 * analysing every frame, on EmoDB clips (speech with pauses) and a tone with silence and a fade.
 */
class UnvoicedSkipTest {
  private static final PitchSettings S = PitchSettings.PRAAT_DEFAULT;

  @Test
  void boundsAreThoseOfTheDefaults() {
    // pitch: (1 + 0.45 - 2 * 0.14) * 0.03 / 1.45; harmonicity: the silence threshold itself
    assertThat(pitchBound(0.01)).isCloseTo(1.17 * 0.03 / 1.45, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(PeriodicityAnalysis.provablyUnvoicedIntensity(0.1, 0, 0, 0, 0))
        .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(PeriodicityAnalysis.provablyUnvoicedIntensity(0.1, 0.45, -0.01, 0.35, 0.14)).isZero();
    assertThat(PeriodicityAnalysis.provablyUnvoicedIntensity(0.0, 0.45, 0.01, 0.35, 0.14)).isZero();
  }

  @Test
  void skippingLeavesPathsUnchanged() throws Exception {
    Path dir = Path.of(System.getProperty("ser4j.data.dir", "../shared/data"), "emodb", "wav");
    assertThat(dir).as("EmoDB audio (ser4j.data.dir)").isDirectory();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".wav")).sorted().limit(25).toList();
    }
    int skippedPitch = 0;
    int skippedHnr = 0;
    int frames = 0;
    for (Path f : files) {
      var clip = WavReader.read(f);
      double[] x = CueInput.toDouble(clip.samples(), clip.sampleRate(), "test");
      int[] counts = compare(x, clip.sampleRate());
      skippedPitch += counts[0];
      skippedHnr += counts[1];
      frames += counts[2];
    }
    // tone with digital silence and a slow fade-out
    int rate = 16000;
    double[] tone = new double[rate * 2];
    for (int i = rate / 2; i < tone.length; i++) {
      double fade = i < rate ? 1.0 : Math.pow(1e-3, (i - rate) / (double) rate);
      tone[i] = 0.5 * fade * Math.sin(2 * Math.PI * 140 * i / rate);
    }
    compare(tone, rate);
    // the shortcut is exercised: a sizeable share of frames is skipped
    assertThat(skippedPitch).isGreaterThan(frames / 20);
    assertThat(skippedHnr).isGreaterThan(frames / 10);
  }

  private static double pitchBound(double timeStep) {
    return PeriodicityAnalysis.provablyUnvoicedIntensity(S.silenceThreshold(),
        S.voicingThreshold(), S.octaveCost(), S.octaveJumpCost(),
        S.voicedUnvoicedCost() * 0.01 / timeStep);
  }

  /** Asserts equal paths with and without skipping; returns {skipped pitch, skipped hnr, frames}. */
  private static int[] compare(double[] x, int rate) {
    double ceiling = Math.min(S.pitchCeilingHz(), 0.5 * rate);
    PeriodicityAnalysis.Candidates all = PeriodicityAnalysis.analyze(x, rate, S.timeStepSeconds(),
        S.pitchFloorHz(), S.periodsPerWindow(), S.maxCandidates(), false, false,
        S.voicingThreshold(), S.octaveCost(), ceiling, Integer.MAX_VALUE, 0.0);
    double bound = pitchBound(S.timeStepSeconds());
    PeriodicityAnalysis.Candidates some = PeriodicityAnalysis.analyze(x, rate, S.timeStepSeconds(),
        S.pitchFloorHz(), S.periodsPerWindow(), S.maxCandidates(), false, false,
        S.voicingThreshold(), S.octaveCost(), ceiling, Integer.MAX_VALUE, bound);
    int[] pAll = PeriodicityAnalysis.choosePath(all, S.silenceThreshold(), S.voicingThreshold(),
        S.octaveCost(), S.octaveJumpCost(), S.voicedUnvoicedCost(), ceiling);
    int[] pSome = PeriodicityAnalysis.choosePath(some, S.silenceThreshold(), S.voicingThreshold(),
        S.octaveCost(), S.octaveJumpCost(), S.voicedUnvoicedCost(), ceiling);
    int skippedPitch = 0;
    for (int i = 0; i < pAll.length; i++) {
      assertThat(all.frequency[i][pAll[i]]).as("pitch frame %d", i)
          .isEqualTo(some.frequency[i][pSome[i]]);
      if (some.intensity[i] < bound) {
        skippedPitch++;
      }
    }
    double nyquist = 0.5 * rate;
    PeriodicityAnalysis.Candidates hAll = PeriodicityAnalysis.analyze(x, rate, 0.01, 75, 1.0, 15,
        true, true, 0.0, 0.0, nyquist, Harmonicity.KEPT_CANDIDATES, 0.0);
    double hBound = PeriodicityAnalysis.provablyUnvoicedIntensity(0.1, 0, 0, 0, 0);
    PeriodicityAnalysis.Candidates hSome = PeriodicityAnalysis.analyze(x, rate, 0.01, 75, 1.0, 15,
        true, true, 0.0, 0.0, nyquist, Harmonicity.KEPT_CANDIDATES, hBound);
    int[] hpAll = PeriodicityAnalysis.choosePath(hAll, 0.1, 0, 0, 0, 0, nyquist);
    int[] hpSome = PeriodicityAnalysis.choosePath(hSome, 0.1, 0, 0, 0, 0, nyquist);
    int skippedHnr = 0;
    for (int i = 0; i < hpAll.length; i++) {
      assertThat(hAll.strength[i][hpAll[i]]).as("hnr frame %d", i)
          .isEqualTo(hSome.strength[i][hpSome[i]]);
      if (hSome.intensity[i] < hBound) {
        skippedHnr++;
      }
    }
    return new int[] {skippedPitch, skippedHnr, pAll.length};
  }
}
