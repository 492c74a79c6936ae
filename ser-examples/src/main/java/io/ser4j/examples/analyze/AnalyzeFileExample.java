package io.ser4j.examples.analyze;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.Recognition;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Analyse one file: open a recognizer through the SPI, recognise the clip, print the label, the
 * distribution, the rationale and the cues the decision can be checked against.
 *
 * <p>Run: {@code mvn -q -pl ser-examples -am compile exec:java@analyze
 * -Dexec.args="examples/audio/angry.wav baseline"} (arguments: {@code FILE [MODEL]}, the model as
 * in {@code ser analyze --model}: {@code default}, {@code baseline}, a checkpoint folder or a URL).
 */
public final class AnalyzeFileExample {
  private AnalyzeFileExample() {}

  /**
   * Entry point.
   *
   * @param args {@code FILE [MODEL]}
   */
  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: AnalyzeFileExample FILE [MODEL]");
      return;
    }
    run(Path.of(args[0]), args.length > 1 ? args[1] : "default", System.out);
  }

  /**
   * Recognises {@code file} with {@code model} and prints a short report to {@code out}.
   *
   * @param file an audio file (WAV; other formats through ffmpeg)
   * @param model a model specification ({@link RecognizerProvider#open})
   * @param out where to print
   * @return the recognition
   * @throws io.ser4j.core.SerException on unreadable audio or an unknown model
   */
  public static Recognition run(Path file, String model, PrintStream out) {
    // one recognizer can serve many clips (and threads): open it once, close it at the end
    try (Recognizer recognizer = RecognizerProvider.open(model)) {
      AudioClip clip = AudioLoader.load(file); // any rate: the recognizer resamples as it needs
      Recognition r = recognizer.recognize(clip, null); // null: choose among all the model's labels
      out.printf(Locale.ROOT, "%s: %s (model %s)%n", file.getFileName(),
          r.labelIfAny().map(Label::name).orElse("?"), r.model());
      LabelDistribution p = r.probabilities();
      if (p != null) {
        p.asMap().entrySet().stream()
            .sorted(Map.Entry.<Label, Double>comparingByValue().reversed())
            .limit(3)
            .forEach(e -> out.printf(Locale.ROOT, "  %-10s %.3f%n", e.getKey().name(), e.getValue()));
      }
      if (!r.transcript().isEmpty()) {
        out.println("  transcript: " + r.transcript());
      }
      if (!r.rationale().isEmpty()) {
        out.println("  rationale:  " + r.rationale());
      }
      if (r.cues() != null) {
        out.printf(Locale.ROOT, "  cues: F0 %.0f Hz (sd %.1f st), intensity %.1f dB, HNR %.1f dB, %.1f syllables/s%n",
            r.cues().get(Cue.F0_MEAN_HZ), r.cues().get(Cue.F0_SD_SEMITONES), r.cues().get(Cue.INTENSITY_MEAN_DB),
            r.cues().get(Cue.HNR_DB), r.cues().get(Cue.SPEECH_RATE_SYLLABLES_PER_S));
      }
      return r;
    }
  }
}
