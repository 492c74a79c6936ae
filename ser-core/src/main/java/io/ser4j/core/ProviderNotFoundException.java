package io.ser4j.core;

import java.util.List;

/**
 * A service looked up through {@link java.util.ServiceLoader} (an audio decoder, a rationale
 * teacher) is not installed, or none of the installed ones accepts the request. The message names
 * the request and lists what is installed.
 */
public class ProviderNotFoundException extends SerException {
  private static final long serialVersionUID = 1L;

  private final String service;
  private final List<String> installed;

  /**
   * @param request what was asked for (a teacher specification, an audio source)
   * @param service the kind of service, e.g. {@code "teacher"} or {@code "audio decoder"}
   * @param installed names of the installed providers of that service
   * @param hint what to add to the class path, e.g. {@code "io.ser4j:ser-audio"}
   */
  public ProviderNotFoundException(
      String request, String service, List<String> installed, String hint) {
    super(
        request,
        installed.isEmpty()
            ? "no " + service + " is installed (add " + hint + " to the class path)"
            : "no installed " + service + " accepts this; installed: " + installed);
    this.service = service;
    this.installed = List.copyOf(installed);
  }

  /** The kind of service that was looked up. */
  public String service() {
    return service;
  }

  /** Names of the installed providers of that service. */
  public List<String> installed() {
    return installed;
  }
}
