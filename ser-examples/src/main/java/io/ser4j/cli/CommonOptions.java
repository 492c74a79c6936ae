package io.ser4j.cli;

import picocli.CommandLine.Option;

/** Options every file-reading command shares (mixed in with {@code @Mixin}). */
final class CommonOptions {
  @Option(
      names = "--json",
      description = "Print one JSON object per input per line on stdout (logs go to stderr).")
  boolean json;

  @Option(names = "--debug", description = "Print stack traces for errors.")
  boolean debug;
}
