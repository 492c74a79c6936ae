package io.ser4j.core.spi;

import io.ser4j.core.CueOptions;
import io.ser4j.core.GenerationOptions;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything the facade passes to {@link RecognizerProvider#create(String, RecognizerOptions)}
 * besides the model specification. Providers read what applies to them and ignore the rest (the
 * acoustic baseline has no decoding; a remote endpoint has no device). Immutable.
 *
 * @param device where to run: {@code "cpu"} (default), {@code "gpu"}, {@code "gpu:N"} or {@code
 *     "auto"} (a GPU when the engine finds one)
 * @param generation decoding options for generative models
 * @param cues which cues to return
 * @param properties provider-specific settings (e.g. {@code "remote.model"}), keys as given
 */
public record RecognizerOptions(
    String device, GenerationOptions generation, CueOptions cues, Map<String, String> properties) {

  private static final Pattern DEVICE = Pattern.compile("cpu|auto|gpu(:\\d{1,3})?");

  /** The defaults: CPU, the model's own decoding, cues without contour, no properties. */
  public static final RecognizerOptions DEFAULTS =
      new RecognizerOptions("cpu", GenerationOptions.DEFAULTS, CueOptions.DEFAULTS, Map.of());

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException for a device that is not {@code cpu}, {@code gpu}, {@code
   *     gpu:N} or {@code auto}
   */
  public RecognizerOptions {
    Objects.requireNonNull(device, "device");
    device = device.trim().toLowerCase(Locale.ROOT);
    if (!DEVICE.matcher(device).matches()) {
      throw new IllegalArgumentException(
          "device must be cpu, gpu, gpu:N or auto, got '" + device + "'");
    }
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(cues, "cues");
    properties = Map.copyOf(new TreeMap<>(properties));
  }

  /**
   * A copy with another device.
   *
   * @param newDevice {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto}
   * @return the copy
   * @throws IllegalArgumentException for any other device text
   */
  public RecognizerOptions withDevice(String newDevice) {
    return new RecognizerOptions(newDevice, generation, cues, properties);
  }

  /** The property {@code key}, or {@code fallback} when it is not set. */
  public String property(String key, String fallback) {
    return properties.getOrDefault(key, fallback);
  }

  /** True unless the device is {@code cpu}. */
  public boolean wantsGpu() {
    return !device.equals("cpu");
  }
}
