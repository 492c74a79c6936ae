package io.ser4j.model.speechlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Provider of {@link SpeechLmRecognizer} for {@code ser analyze --model DIR}: supports a path to a
 * directory holding a {@code config.json} whose {@code model_type} is {@code qwen2_audio} or whose
 * {@code architectures} name a Qwen2Audio class. The check reads only config.json; a config.json that
 * is not valid JSON is also claimed, so that {@link #create} reports it as a {@link
 * ModelLoadException} (CLI exit 3) instead of the directory silently falling to another provider.
 *
 * <p>Rank {@value #RANK}: above the baseline provider ({@code -100}, which takes {@code .json} paths)
 * and the default 0, below the remote provider (100, URLs only); no other provider claims such
 * directories.
 *
 * <p>Thread-safety: stateless.
 */
public final class SpeechLmProvider implements RecognizerProvider {
  /** This provider's rank. */
  public static final int RANK = 50;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Used by {@link java.util.ServiceLoader}. */
  public SpeechLmProvider() {}

  @Override
  public String name() {
    return "speechlm";
  }

  @Override
  public int rank() {
    return RANK;
  }

  @Override
  public boolean supports(String modelSpec) {
    if (modelSpec == null || modelSpec.isBlank()) {
      return false;
    }
    String s = modelSpec.trim();
    if (s.startsWith("http://") || s.startsWith("https://")) {
      return false;
    }
    Path config;
    try {
      Path dir = Path.of(s);
      if (!Files.isDirectory(dir)) {
        return false;
      }
      config = dir.resolve(SpeechLmConfig.FILE_NAME);
    } catch (InvalidPathException e) {
      return false;
    }
    if (!Files.isRegularFile(config)) {
      return false;
    }
    JsonNode root;
    try {
      root = JSON.readTree(config.toFile());
    } catch (IOException e) {
      return true; // broken config.json: let create() report it
    }
    if (root == null || !root.isObject()) {
      return true;
    }
    if (SpeechLmConfig.MODEL_TYPE.equals(root.path("model_type").asText(""))) {
      return true;
    }
    for (JsonNode a : root.path("architectures")) {
      if (a.asText("").toLowerCase(Locale.ROOT).startsWith("qwen2audio")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Loads the checkpoint with {@link SpeechLmOptions#defaults()} on the device named by the system
   * property {@value SpeechLmDevice#PROPERTY} ({@code ser analyze --device}; {@code auto} when unset).
   *
   * @throws ModelLoadException when the directory is not a loadable checkpoint, or the property names
   *     an invalid device or a GPU that is not visible
   */
  @Override
  public Recognizer create(String modelSpec) {
    if (modelSpec == null || modelSpec.isBlank()) {
      throw new ModelLoadException(String.valueOf(modelSpec), "no checkpoint directory given");
    }
    return SpeechLmRecognizer.open(Path.of(modelSpec.trim()), SpeechLmOptions.defaults());
  }
}
