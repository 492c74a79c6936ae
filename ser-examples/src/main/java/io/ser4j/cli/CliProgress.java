package io.ser4j.cli;

import io.ser4j.core.ProgressListener;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A {@link ProgressListener} for the CLI: a progress bar on stderr when stderr is a terminal
 * ({@link System#console()} is present), otherwise plain log lines (at most about one per 10% and
 * the last one); nothing when quiet. Safe to call from several worker threads. {@link #forTraining}
 * is the variant for training steps: the bar carries the step message (loss, learning rate) and the
 * log lines are written only for steps that have a message.
 */
final class CliProgress implements ProgressListener {
  private static final int LOG_STEPS = 10;

  private final PrintWriter err;
  private final boolean quiet;
  private final boolean terminal;
  private final boolean training;
  private ProgressBar bar;
  private String task = "";
  private long lastLogged = -1;

  CliProgress(PrintWriter err, boolean quiet) {
    this(err, quiet, false);
  }

  private CliProgress(PrintWriter err, boolean quiet, boolean training) {
    this.err = err;
    this.quiet = quiet;
    this.training = training;
    this.terminal = !quiet && System.console() != null;
  }

  /** Progress of training steps: "N steps" at the start, the step message on the bar and in the log. */
  static CliProgress forTraining(PrintWriter err, boolean quiet) {
    return new CliProgress(err, quiet, true);
  }

  @Override
  public synchronized void onStart(String taskName, long totalUnits) {
    task = taskName;
    lastLogged = -1;
    if (quiet) {
      return;
    }
    if (terminal) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(taskName)
              .setInitialMax(totalUnits)
              .setStyle(ProgressBarStyle.ASCII)
              .build();
    } else {
      err.println("ser: " + taskName + ": " + (training ? totalUnits + " steps" : "0/" + totalUnits));
      err.flush();
    }
  }

  @Override
  public synchronized void onProgress(long doneUnits, long totalUnits, String message) {
    if (quiet) {
      return;
    }
    if (bar != null) {
      bar.stepTo(doneUnits);
      if (training) {
        bar.setExtraMessage(message == null ? "" : message);
      }
      return;
    }
    if (training && (message == null || message.isEmpty())) {
      return;
    }
    long step = Math.max(1, totalUnits / LOG_STEPS);
    if (doneUnits == totalUnits || doneUnits / step != lastLogged / step) {
      lastLogged = doneUnits;
      err.println("ser: " + task + ": " + doneUnits + "/" + totalUnits + (message == null ? "" : " " + message));
      err.flush();
    }
  }

  @Override
  public synchronized void onFinish() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
