package io.ser4j.model.baseline;

import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerOptions;
import io.ser4j.core.spi.RecognizerProvider;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Provides the acoustic baseline for the model specifications {@code "baseline"} (the bundled
 * model), a path to a baseline JSON file ({@code *.json}), and {@code "default"} until a stronger
 * recognizer ships: its {@link #rank()} is {@value #RANK}, so any provider with a higher rank that
 * supports {@code "default"} (the SpeechLM) wins. Stateless and thread-safe.
 */
public final class BaselineProvider implements RecognizerProvider {
  /** Low rank: the baseline is the fallback for {@code "default"}. */
  public static final int RANK = -100;

  /** Creates the provider (called by {@link java.util.ServiceLoader}). */
  public BaselineProvider() {}

  @Override
  public String name() {
    return "baseline";
  }

  @Override
  public int rank() {
    return RANK;
  }

  @Override
  public boolean supports(String modelSpec) {
    if (modelSpec == null) {
      return false;
    }
    String s = modelSpec.trim();
    return s.equals("baseline")
        || s.equals("default")
        || (!s.startsWith("http://") && !s.startsWith("https://")
            && s.toLowerCase(Locale.ROOT).endsWith(".json"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws io.ser4j.core.ModelLoadException when the JSON file is missing or invalid
   */
  @Override
  public Recognizer create(String modelSpec) {
    String s = modelSpec.trim();
    if (s.equals("baseline") || s.equals("default")) {
      return BaselineRecognizer.bundled();
    }
    return BaselineRecognizer.load(Path.of(s));
  }

  /**
   * Builds the baseline with the facade's options: {@link io.ser4j.core.CueOptions#contour()} asks
   * for the F0 contour in the returned cues. Decoding options do not apply; the baseline runs on
   * the CPU whatever the device (it has no tensors).
   *
   * @throws io.ser4j.core.ModelLoadException when the JSON file is missing or invalid
   */
  @Override
  public Recognizer create(String modelSpec, RecognizerOptions options) {
    BaselineRecognizer r = (BaselineRecognizer) create(modelSpec);
    return options.cues().contour() ? r.withContour(true) : r;
  }
}
