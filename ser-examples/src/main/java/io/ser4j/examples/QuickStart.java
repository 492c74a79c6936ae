package io.ser4j.examples;

import io.ser4j.core.Cue;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.Ser;
import java.nio.file.Path;

/**
 * The README's quick start, compiled and run by the test suite so it never goes stale.
 *
 * <p>Run: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.QuickStart
 * examples/audio/angry.wav}
 */
public final class QuickStart {
  private QuickStart() {}

  /** Recognises the clip given as the first argument, then again with a few builder options. */
  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "examples/audio/angry.wav");
    // --- README quick start begins ---
    try (Ser ser = Ser.create()) {                      // default model, offline, CPU; thread-safe
      Recognition r = ser.analyze(file);                // WAV (any PCM/float); other formats via ffmpeg
      System.out.printf("%s (p=%.2f) by %s%n", r.label(), r.probabilities().probability(r.label()), r.model());
    }
    try (Ser ser = Ser.builder().optModel("baseline")  // or a checkpoint dir, or an http(s):// endpoint
        .optLabels(LabelSet.of("anger", "happiness", "neutral", "sadness"))
        .optTeacher("cue-grounded")                     // writes a rationale from the measured cues
        .build()) {
      Recognition r = ser.analyze(file);
      System.out.printf("%s: %s%nF0 %.0f Hz, HNR %.1f dB%n", r.label(), r.rationale(),
          r.cues().get(Cue.F0_MEAN_HZ), r.cues().get(Cue.HNR_DB));
    }
    // --- README quick start ends ---
  }
}
