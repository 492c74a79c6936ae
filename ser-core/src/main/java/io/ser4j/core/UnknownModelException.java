package io.ser4j.core;

import java.util.List;

/**
 * No installed {@link io.ser4j.core.spi.RecognizerProvider} supports the requested model
 * specification. The message names the specification and lists the installed providers, so that a
 * missing module on the class path (e.g. {@code ser-model}) is obvious.
 */
public class UnknownModelException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  private final List<String> installed;

  /**
   * @param modelSpec the requested model
   * @param installed the names of the installed providers
   */
  public UnknownModelException(String modelSpec, List<String> installed) {
    super(
        String.valueOf(modelSpec),
        installed.isEmpty()
            ? "no recognizer provider is installed (add io.ser4j:ser-model to the class path)"
            : "no installed recognizer supports this model; installed providers: " + installed
                + " (they accept: default, baseline, a checkpoint directory, an http(s):// URL)");
    this.installed = List.copyOf(installed);
  }

  /** Names of the installed recognizer providers. */
  public List<String> installed() {
    return installed;
  }
}
