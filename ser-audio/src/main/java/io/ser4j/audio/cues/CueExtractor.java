package io.ser4j.audio.cues;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.Resampler;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures every {@link Cue} of a clip: the entry point of ser4j's acoustic front end.
 *
 * <p>The analyses and their references (full definitions in {@code docs/cues.md}):
 *
 * <ul>
 *   <li>F0: {@link Pitch}, Praat's autocorrelation method ({@code To Pitch: 0.01, 75, 600}) with its
 *       Viterbi path (octave-jump and voicing costs); F0 statistics over voiced 10 ms frames.
 *   <li>Jitter and shimmer (local): {@link PointProcess} (Praat's cc period marks) and {@link
 *       VoiceQuality} with 0.0001 s / 0.02 s / 1.3 / 1.6.
 *   <li>HNR: {@link Harmonicity}, Praat's {@code To Harmonicity (cc): 0.01, 75, 0.1, 1.0}, mean
 *       over voiced frames.
 *   <li>Intensity: {@link Intensity}, Praat's {@code To Intensity: 100, 0.01, yes}.
 *   <li>Speech rate and pauses: {@link SyllableNuclei} (de Jong &amp; Wempe 2009).
 *   <li>Spectral slope, alpha ratio, Hammarberg index: {@link SpectralCues} (eGeMAPS definitions).
 * </ul>
 *
 * <p>Clips are analysed at their own rate when it is at most {@value #MAX_ANALYSIS_RATE_HZ} Hz
 * (so EmoDB's 22.05 kHz files give Praat's numbers); higher rates are first resampled to
 * {@value #HIGH_RATE_ANALYSIS_HZ} Hz, which keeps every band the cues use (&le; 5 kHz) and bounds the
 * cost. Cues that cannot be measured (silence, no voiced frame, a clip shorter than one analysis
 * window) are {@link Double#NaN}, never an exception.
 *
 * <p>Instances are immutable and thread-safe: share one across threads.
 */
public final class CueExtractor {
  /** Clips above this rate are resampled before analysis. */
  public static final int MAX_ANALYSIS_RATE_HZ = 24_000;
  /** The rate high-rate clips are resampled to. */
  public static final int HIGH_RATE_ANALYSIS_HZ = 16_000;

  private final PitchSettings pitchSettings;
  private final Map<Integer, RateTools> tools = new ConcurrentHashMap<>();

  private CueExtractor(PitchSettings pitchSettings) {
    this.pitchSettings = Objects.requireNonNull(pitchSettings, "pitchSettings");
  }

  /** The default extractor (pitch range 75–600 Hz, Praat's default costs). */
  public static CueExtractor create() {
    return new CueExtractor(PitchSettings.PRAAT_DEFAULT);
  }

  /** An extractor with custom pitch-tracker settings (e.g. a narrower range for one speaker). */
  public static CueExtractor create(PitchSettings pitchSettings) {
    return new CueExtractor(pitchSettings);
  }

  /** The pitch-tracker settings in use. */
  public PitchSettings pitchSettings() {
    return pitchSettings;
  }

  /**
   * Measures the cues of {@code clip}.
   *
   * @param clip mono audio at any rate
   * @param includeContour whether to attach the F0 contour (10 ms hop, 0 = unvoiced)
   * @return the cues; undefined ones are NaN
   */
  public Cues extract(AudioClip clip, boolean includeContour) {
    return analyze(clip, includeContour).cues();
  }

  /**
   * Runs every analysis and keeps the intermediate contours (pitch, intensity, harmonicity, syllable
   * nuclei, spectral cues), for callers that need more than the summary cues (feature extraction
   * for classifiers, rationale checking).
   *
   * @param clip mono audio at any rate
   * @param includeContour whether the returned {@link Cues} carry the F0 contour
   */
  public Analysis analyze(AudioClip clip, boolean includeContour) {
    Objects.requireNonNull(clip, "clip");
    AudioClip analysed = clip;
    if (clip.sampleRate() > MAX_ANALYSIS_RATE_HZ) {
      AudioLoader.checkResamplable(clip.sourceId(), clip.sampleRate(), HIGH_RATE_ANALYSIS_HZ);
      float[] resampled =
          Resampler.create(clip.sampleRate(), HIGH_RATE_ANALYSIS_HZ).resample(clip.samples());
      analysed = AudioClip.wrap(resampled, HIGH_RATE_ANALYSIS_HZ, clip.sourceId());
    }
    int rate = analysed.sampleRate();
    float[] x = analysed.samples();
    RateTools t = tools.computeIfAbsent(rate, RateTools::new);

    // The voice analyses share one widened copy of the samples (the public per-analysis entry
    // points each widen and validate their own).
    double[] xd = CueInput.toDouble(x, rate, "cue extraction");
    Pitch pitch = Pitch.analyze(xd, rate, pitchSettings);
    PointProcess pulses = PointProcess.analyze(xd, rate, pitch);
    double jitter = VoiceQuality.jitterLocal(pulses);
    double shimmer = VoiceQuality.shimmerLocal(pulses.timesSeconds(), xd, rate,
        VoiceQuality.DEFAULT_SHORTEST_PERIOD_SECONDS, VoiceQuality.DEFAULT_LONGEST_PERIOD_SECONDS,
        VoiceQuality.DEFAULT_MAXIMUM_PERIOD_FACTOR, VoiceQuality.DEFAULT_MAXIMUM_AMPLITUDE_FACTOR);
    Harmonicity hnr = Harmonicity.analyze(xd, rate, Harmonicity.DEFAULT_TIME_STEP_SECONDS,
        Harmonicity.DEFAULT_MINIMUM_PITCH_HZ, Harmonicity.DEFAULT_SILENCE_THRESHOLD,
        Harmonicity.DEFAULT_PERIODS_PER_WINDOW);
    Intensity.Contour intensity = t.intensity.contour(x);
    SyllableNuclei.Result nuclei = t.nuclei.detect(x, pitch.toContour());
    SpectralCues.Result spectral = t.spectral.compute(x, pitch.toContour());

    Cues.Builder b =
        Cues.builder()
            .durationSeconds(clip.durationSeconds())
            .sourceSampleRateHz(clip.sampleRate())
            .set(Cue.F0_MEAN_HZ, pitch.meanHz())
            .set(Cue.F0_MEDIAN_HZ, pitch.medianHz())
            .set(Cue.F0_MIN_HZ, pitch.minHz())
            .set(Cue.F0_MAX_HZ, pitch.maxHz())
            .set(Cue.F0_SD_SEMITONES, pitch.sdSemitones())
            .set(Cue.F0_SLOPE_SEMITONES_PER_S, pitch.slopeSemitonesPerSecond())
            .set(Cue.VOICED_FRACTION, pitch.size() == 0 ? Double.NaN : pitch.voicedFraction())
            .set(Cue.INTENSITY_MEAN_DB, intensity.meanDb())
            .set(Cue.INTENSITY_RANGE_DB, intensity.rangeDb())
            .set(Cue.JITTER_LOCAL, jitter)
            .set(Cue.SHIMMER_LOCAL, shimmer)
            .set(Cue.HNR_DB, hnr.meanDb())
            .set(Cue.SPEECH_RATE_SYLLABLES_PER_S, nuclei.isDefined() ? nuclei.speechRate() : Double.NaN)
            .set(Cue.PAUSE_FRACTION, nuclei.isDefined() ? nuclei.pauseFraction() : Double.NaN)
            .set(Cue.SPECTRAL_SLOPE_0_500, spectral.slope0To500DbPerHz())
            .set(Cue.SPECTRAL_SLOPE_500_1500, spectral.slope500To1500DbPerHz())
            .set(Cue.ALPHA_RATIO_DB, spectral.alphaRatioDb())
            .set(Cue.HAMMARBERG_INDEX_DB, spectral.hammarbergIndexDb());
    if (includeContour) {
      b.contour(pitch.toContour());
    }
    return new Analysis(analysed, pitch, pulses, hnr, intensity, nuclei, spectral, b.build());
  }

  /**
   * Every intermediate result of one analysis.
   *
   * @param analysedClip the clip as analysed (resampled when its rate was above {@value
   *     #MAX_ANALYSIS_RATE_HZ} Hz)
   * @param pitch the F0 track
   * @param pulses glottal period marks
   * @param harmonicity HNR per frame
   * @param intensity intensity contour (100 Hz minimum pitch, 10 ms)
   * @param nuclei syllable nuclei and pauses
   * @param spectral spectral balance cues
   * @param cues the summary cues
   */
  public record Analysis(
      AudioClip analysedClip,
      Pitch pitch,
      PointProcess pulses,
      Harmonicity harmonicity,
      Intensity.Contour intensity,
      SyllableNuclei.Result nuclei,
      SpectralCues.Result spectral,
      Cues cues) {}

  /** Per-rate analysers (their windows and FFT plans depend on the rate); thread-safe. */
  private static final class RateTools {
    final Intensity intensity;
    final SyllableNuclei nuclei;
    final SpectralCues spectral;

    RateTools(int rate) {
      intensity =
          Intensity.create(rate, Intensity.DEFAULT_MIN_PITCH_HZ, Intensity.DEFAULT_TIME_STEP_S);
      nuclei = SyllableNuclei.create(rate);
      spectral = SpectralCues.create(rate);
    }
  }
}
