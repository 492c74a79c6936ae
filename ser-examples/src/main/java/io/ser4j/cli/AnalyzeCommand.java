package io.ser4j.cli;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.UnknownLabelException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import io.ser4j.model.speechlm.SpeechLmDevice;
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

/**
 * {@code ser analyze}: recognise each clip with the model named by {@code --model} (found through
 * {@link RecognizerProvider}); an unknown model or candidate label is bad input (exit 3).
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = "Recognise the emotion of each clip: transcript, label, probabilities, rationale, cues.",
    footer = {
      "",
      "Examples:",
      "  ser analyze clip.wav",
      "  ser analyze --json --model baseline --labels anger,happiness,neutral,sadness *.wav",
      "  ser analyze --model ./my-checkpoint --device gpu clip.wav"
    })
final class AnalyzeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin CommonOptions.DeviceOption deviceOption;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audio files (WAV; others via ffmpeg).")
  List<Path> files;

  @Option(
      names = "--model",
      defaultValue = "default",
      description = "default | baseline | checkpoint DIR | http(s):// URL (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--labels",
      description = "Comma-separated candidate labels; the distribution is over these only.")
  String labels;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LabelSet candidates = labels == null ? null : LabelSet.parse(labels);
    SpeechLmDevice device = deviceOption.parse(spec);
    // local SpeechLM checkpoints read their device from this property (SpeechLmOptions' default)
    String previousDevice = System.setProperty(SpeechLmDevice.PROPERTY, device.toString());
    // an unknown model is bad input (exit 3, one line listing the installed providers), never a
    // silent fall-back to cues only
    try (Recognizer recognizer = RecognizerProvider.open(model)) {
      if (candidates != null) {
        for (Label l : candidates) {
          if (!recognizer.labels().contains(l)) {
            throw new UnknownLabelException(
                l.name(), "not a label of model " + recognizer.name() + "; it knows " + recognizer.labels());
          }
        }
      }
      return InputLoop.forEach(
          files,
          common,
          err,
          file -> print(out, file, recognizer.recognize(AudioLoader.load(file), candidates)));
    } finally {
      if (previousDevice == null) {
        System.clearProperty(SpeechLmDevice.PROPERTY);
      } else {
        System.setProperty(SpeechLmDevice.PROPERTY, previousDevice);
      }
    }
  }

  private void print(PrintWriter out, Path file, Recognition r) {
    if (common.json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", file.toString());
      m.put("model", r.model());
      m.put("transcript", r.transcript());
      m.put("label", r.label() == null ? null : r.label().name());
      Map<String, Object> probs = new LinkedHashMap<>();
      if (r.probabilities() != null) {
        r.probabilities().asMap().forEach((k, v) -> probs.put(k.name(), v));
      }
      m.put("probabilities", probs);
      m.put("rationale", r.rationale());
      m.put("cues", r.cues() == null ? null : Json.cues(r.cues(), false));
      out.println(Json.line(m));
    } else {
      out.println(file);
      out.println("  model:       " + (r.model().isEmpty() ? "(none installed)" : r.model()));
      out.println("  transcript:  " + r.transcript());
      out.println("  label:       " + r.labelIfAny().map(Label::name).orElse(""));
      if (r.probabilities() != null) {
        StringBuilder sb = new StringBuilder();
        r.probabilities()
            .asMap()
            .forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s %.3f  ", k.name(), v)));
        out.println("  probabilities: " + sb.toString().trim());
      } else {
        out.println("  probabilities:");
      }
      out.println("  rationale:   " + r.rationale());
      if (r.cues() != null) {
        out.println("  cues:");
        FeaturesCommand.printTable(out, r.cues());
      }
    }
    out.flush();
  }
}
