package io.ser4j.cli;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ser features}: the acoustic cues of each clip. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = "Measure the acoustic cues of each clip (pitch, intensity, voice quality, rate).",
    footer = {
      "",
      "Examples:",
      "  ser features clip.wav",
      "  ser features --json --contour ../shared/data/emodb/wav/*.wav",
      "",
      "Definitions of every cue: docs/cues.md"
    })
final class FeaturesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audio files (WAV; others via ffmpeg).")
  List<Path> files;

  @Option(names = "--contour", description = "Include the F0 contour (10 ms hop, 0 = unvoiced).")
  boolean contour;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CueExtractor extractor = CueExtractor.create();
    return InputLoop.forEach(
        files,
        common,
        err,
        file -> {
          AudioClip clip = AudioLoader.load(file);
          Cues cues = extractor.extract(clip, contour);
          if (common.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", file.toString());
            m.putAll(Json.cues(cues, contour));
            out.println(Json.line(m));
          } else {
            out.println(file);
            printTable(out, cues);
          }
          out.flush();
        });
  }

  static void printTable(PrintWriter out, Cues cues) {
    out.printf(Locale.ROOT, "  %-30s %10.3f s%n", "duration", cues.durationSeconds());
    out.printf(Locale.ROOT, "  %-30s %10d Hz%n", "source sample rate", cues.sourceSampleRateHz());
    for (Cue c : Cue.values()) {
      double v = cues.get(c);
      String value = Double.isFinite(v) ? String.format(Locale.ROOT, "%10.4f", v) : "  (undefined)";
      out.printf(Locale.ROOT, "  %-30s %s %s%n", c.key(), value, Double.isFinite(v) ? c.unit() : "");
    }
  }
}
