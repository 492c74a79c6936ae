package io.ser4j.cli;

import io.ser4j.core.SerException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one action per input path, reporting a bad input on stderr and going on with the others
 * (GUIDE §7): the exit code is 3 when any input was bad, 1 when any failed otherwise, else 0.
 */
final class InputLoop {
  /** What to do with one input. */
  @FunctionalInterface
  interface Action {
    void run(Path input) throws Exception;
  }

  private InputLoop() {}

  static int forEach(List<Path> inputs, CommonOptions common, PrintWriter err, Action action) {
    int exit = SerCli.EXIT_OK;
    for (Path p : inputs) {
      try {
        action.run(p);
      } catch (SerException e) {
        String msg = e.getMessage();
        if (!msg.contains(p.toString())) {
          msg = p + ": " + msg;
        }
        err.println("ser: " + msg);
        if (common.debug) {
          e.printStackTrace(err);
        }
        exit = Math.max(exit, SerCli.EXIT_BAD_INPUT);
      } catch (OutOfMemoryError | Exception e) {
        err.println("ser: " + p + ": unexpected error: " + e);
        if (common.debug) {
          e.printStackTrace(err);
        }
        if (exit == SerCli.EXIT_OK) {
          exit = SerCli.EXIT_ERROR;
        }
      }
      err.flush();
    }
    return exit;
  }
}
