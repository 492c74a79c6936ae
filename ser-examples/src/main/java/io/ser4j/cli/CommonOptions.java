package io.ser4j.cli;

import io.ser4j.core.ModelLoadException;
import io.ser4j.model.speechlm.SpeechLmDevice;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Options every file-reading command shares (mixed in with {@code @Mixin}). */
final class CommonOptions {
  @Option(
      names = "--json",
      description = "Print one JSON object per input per line on stdout (logs go to stderr).")
  boolean json;

  @Option(names = "--debug", description = "Print stack traces for errors.")
  boolean debug;

  /**
   * {@code --device auto|cpu|gpu[:N]} of the commands that can run a local SpeechLM checkpoint
   * ({@code analyze}, {@code model-check}); mixed in with {@code @Mixin}.
   */
  static final class DeviceOption {
    @Option(
        names = "--device",
        paramLabel = "DEVICE",
        defaultValue = "auto",
        description = "Where a local SpeechLM checkpoint runs: auto (a GPU if DJL sees one, float16 weights;"
            + " else the CPU), cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}). A GPU that is not there is"
            + " bad input (exit 3). Other models ignore it.")
    String device;

    /**
     * The parsed option.
     *
     * @throws CommandLine.ParameterException (usage error, exit 2) if it is not a device spec
     */
    SpeechLmDevice parse(CommandSpec spec) {
      try {
        return SpeechLmDevice.parse(device);
      } catch (ModelLoadException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--device: " + e.getMessage());
      }
    }
  }
}
