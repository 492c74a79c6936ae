package io.ser4j.model.speechlm;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.ser4j.core.ModelLoadException;
import java.util.Locale;

/**
 * Where a {@link SpeechLm} runs, as the user names it: {@code auto} (a GPU when DJL's PyTorch engine
 * sees one, else the CPU), {@code cpu}, {@code gpu} (GPU 0) or {@code gpu:N}. {@link #resolve()} turns
 * it into a DJL {@link Device}, failing with a clear {@link ModelLoadException} when a GPU is asked for
 * but none (or not that many) is visible. On a GPU the weights are held and computed in float16
 * ({@link SpeechLm.Precision#FP16}); on the CPU in float32.
 *
 * <p>The CLI's {@code --device} and the system property {@value #PROPERTY} use this syntax; providers
 * that load a SpeechLM read the property through {@link #fromSystemProperty()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind auto, cpu or gpu
 * @param index the GPU index for {@link Kind#GPU} ({@code >= 0}); 0 otherwise
 */
public record SpeechLmDevice(Kind kind, int index) {
  /** System property holding a device spec (e.g. set by {@code ser analyze --device}). */
  public static final String PROPERTY = "ser4j.speechlm.device";
  /** The default: {@code auto}. */
  public static final SpeechLmDevice AUTO = new SpeechLmDevice(Kind.AUTO, 0);
  /** The CPU. */
  public static final SpeechLmDevice CPU = new SpeechLmDevice(Kind.CPU, 0);

  /** The kinds of device spec. */
  public enum Kind {
    /** A GPU when one is visible, else the CPU. */
    AUTO,
    /** The CPU. */
    CPU,
    /** The GPU with {@link SpeechLmDevice#index()}. */
    GPU
  }

  /**
   * Checks the fields.
   *
   * @throws ModelLoadException on a null kind, a negative index, or an index with a non-GPU kind
   */
  public SpeechLmDevice {
    if (kind == null || index < 0 || (kind != Kind.GPU && index != 0)) {
      throw new ModelLoadException("device " + kind + ":" + index, "invalid device");
    }
  }

  /**
   * Parses {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N} (case-insensitive, surrounding
   * blanks ignored).
   *
   * @param spec the text
   * @return the device spec
   * @throws ModelLoadException naming the text when it is none of these
   */
  public static SpeechLmDevice parse(String spec) {
    String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "auto":
        return AUTO;
      case "cpu":
        return CPU;
      case "gpu":
      case "cuda":
        return new SpeechLmDevice(Kind.GPU, 0);
      default:
        break;
    }
    if (s.startsWith("gpu:") || s.startsWith("cuda:")) {
      String n = s.substring(s.indexOf(':') + 1);
      if (n.matches("[0-9]{1,4}")) {
        return new SpeechLmDevice(Kind.GPU, Integer.parseInt(n));
      }
    }
    throw new ModelLoadException("device \"" + spec + "\"", "unknown device; use auto, cpu, gpu or gpu:N");
  }

  /**
   * The spec in the system property {@value #PROPERTY}, or {@link #AUTO} when it is unset or blank.
   *
   * @return the device spec
   * @throws ModelLoadException if the property holds an invalid spec
   */
  public static SpeechLmDevice fromSystemProperty() {
    String p = System.getProperty(PROPERTY);
    return p == null || p.isBlank() ? AUTO : parse(p);
  }

  /**
   * The DJL device for a machine with {@code gpuCount} visible GPUs (the selection logic, testable
   * without a GPU).
   *
   * @param gpuCount GPUs DJL's PyTorch engine sees
   * @return the CPU, or the chosen GPU
   * @throws ModelLoadException if a GPU is requested and {@code index >= gpuCount}
   */
  public Device resolve(int gpuCount) {
    return switch (kind) {
      case CPU -> Device.cpu();
      case AUTO -> gpuCount > 0 ? Device.gpu(0) : Device.cpu();
      case GPU -> {
        if (index >= gpuCount) {
          throw new ModelLoadException("device " + this, gpuCount == 0
              ? "no GPU is visible to DJL's PyTorch engine (the default build bundles the CPU libtorch; see"
                  + " docs/speechlm.md, \"GPU route\"); use --device cpu or auto"
              : "GPU " + index + " requested but only " + gpuCount + " visible (gpu:0 .. gpu:" + (gpuCount - 1) + ")");
        }
        yield Device.gpu(index);
      }
    };
  }

  /**
   * The DJL device on this machine ({@link #resolve(int)} with the PyTorch engine's GPU count).
   *
   * @return the device
   * @throws ModelLoadException if a GPU is requested but not visible, or the engine cannot start
   */
  public Device resolve() {
    int gpus;
    try {
      gpus = kind == Kind.CPU ? 0 : Engine.getEngine(SpeechLm.ENGINE).getGpuCount();
    } catch (RuntimeException e) {
      throw new ModelLoadException("device " + this, "DJL engine " + SpeechLm.ENGINE + " unavailable: "
          + e.getMessage(), e);
    }
    return resolve(gpus);
  }

  /** {@code auto}, {@code cpu} or {@code gpu:N}: what {@link #parse} reads back. */
  @Override
  public String toString() {
    return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
  }
}
