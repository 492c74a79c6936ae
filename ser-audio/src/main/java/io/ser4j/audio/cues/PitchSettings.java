package io.ser4j.audio.cues;

import io.ser4j.core.SerException;

/**
 * Parameters of {@link Pitch#track}, named and defaulted as in Praat's "Sound: To Pitch (ac)...".
 *
 * @param timeStepSeconds hop between frame centres (Praat: 0.01 s here)
 * @param pitchFloorHz lowest F0 considered; the window is {@code periodsPerWindow / floor} long
 * @param pitchCeilingHz highest F0 considered (clipped to Nyquist)
 * @param periodsPerWindow window length in periods of the floor (3 for the Hanning ac method)
 * @param maxCandidates maximum number of candidates per frame (raised to ceiling/floor if smaller)
 * @param veryAccurate Praat's "very accurate": a Gaussian window twice as long (6 periods of the
 *     floor) and 700- instead of 70-point sinc refinement
 * @param silenceThreshold frames whose local peak is below this fraction of the global peak lean
 *     towards unvoiced
 * @param voicingThreshold correlation strength a frame needs to count as voiced
 * @param octaveCost per-octave bonus of higher candidates
 * @param octaveJumpCost cost of a one-octave F0 jump between consecutive frames (per 10 ms)
 * @param voicedUnvoicedCost cost of a voiced/unvoiced transition (per 10 ms)
 */
public record PitchSettings(
    double timeStepSeconds,
    double pitchFloorHz,
    double pitchCeilingHz,
    double periodsPerWindow,
    int maxCandidates,
    boolean veryAccurate,
    double silenceThreshold,
    double voicingThreshold,
    double octaveCost,
    double octaveJumpCost,
    double voicedUnvoicedCost) {

  /** Smallest accepted time step (s); finer hops would only multiply identical frames. */
  public static final double MIN_TIME_STEP_SECONDS = 1e-4;

  /** Praat's "To Pitch: 0.01, 75, 600" (ac, 15 candidates, 0.03/0.45/0.01/0.35/0.14). */
  public static final PitchSettings PRAAT_DEFAULT =
      new PitchSettings(0.01, 75.0, 600.0, 3.0, 15, false, 0.03, 0.45, 0.01, 0.35, 0.14);

  /**
   * Validates the parameters.
   *
   * @throws SerException naming the offending parameter
   */
  public PitchSettings {
    check(timeStepSeconds >= MIN_TIME_STEP_SECONDS && Double.isFinite(timeStepSeconds),
        "timeStepSeconds must be >= " + MIN_TIME_STEP_SECONDS);
    check(pitchFloorHz > 0 && Double.isFinite(pitchFloorHz), "pitchFloorHz must be > 0");
    check(pitchCeilingHz > pitchFloorHz && Double.isFinite(pitchCeilingHz),
        "pitchCeilingHz must exceed pitchFloorHz");
    check(periodsPerWindow > 0 && Double.isFinite(periodsPerWindow), "periodsPerWindow must be > 0");
    check(maxCandidates >= 2, "maxCandidates must be >= 2");
    check(silenceThreshold >= 0 && Double.isFinite(silenceThreshold),
        "silenceThreshold must be >= 0");
    check(Double.isFinite(voicingThreshold), "voicingThreshold must be finite");
    check(Double.isFinite(octaveCost), "octaveCost must be finite");
    check(octaveJumpCost >= 0 && Double.isFinite(octaveJumpCost), "octaveJumpCost must be >= 0");
    check(voicedUnvoicedCost >= 0 && Double.isFinite(voicedUnvoicedCost),
        "voicedUnvoicedCost must be >= 0");
  }

  /** Praat's defaults with another floor and ceiling. */
  public static PitchSettings withRange(double pitchFloorHz, double pitchCeilingHz) {
    PitchSettings d = PRAAT_DEFAULT;
    return new PitchSettings(d.timeStepSeconds, pitchFloorHz, pitchCeilingHz, d.periodsPerWindow,
        d.maxCandidates, d.veryAccurate, d.silenceThreshold, d.voicingThreshold, d.octaveCost,
        d.octaveJumpCost, d.voicedUnvoicedCost);
  }

  private static void check(boolean ok, String problem) {
    if (!ok) {
      throw new SerException("PitchSettings", problem);
    }
  }
}
