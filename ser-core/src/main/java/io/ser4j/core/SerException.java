package io.ser4j.core;

import java.util.Objects;

/**
 * Root of every exception ser4j throws on purpose.
 *
 * <p>Each instance names the <em>input</em> it concerns (a file path, a manifest line, a checkpoint
 * tensor, an endpoint URL) and the <em>problem</em> in plain words, so that callers, logs and the
 * {@code ser} CLI can print one clear line: {@code "<input>: <problem>"}. Subtypes say which kind of
 * input failed. The hierarchy is unchecked so that it composes with streams and lambdas; methods that
 * throw it say so in their javadoc.
 */
public class SerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String input;
  private final String problem;

  /**
   * @param input what the problem concerns (file, URL, manifest line, ...); may be empty when there
   *     is no single input
   * @param problem what is wrong, in plain words
   */
  public SerException(String input, String problem) {
    this(input, problem, null);
  }

  /**
   * @param input what the problem concerns
   * @param problem what is wrong, in plain words
   * @param cause the underlying exception, or {@code null}
   */
  public SerException(String input, String problem, Throwable cause) {
    super(format(input, problem), cause);
    this.input = input == null ? "" : input;
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  private static String format(String input, String problem) {
    return input == null || input.isEmpty() ? problem : input + ": " + problem;
  }

  /** The input this exception concerns (a path, URL, manifest location...), or an empty string. */
  public String input() {
    return input;
  }

  /** What is wrong with the input, without the input's name. */
  public String problem() {
    return problem;
  }
}
