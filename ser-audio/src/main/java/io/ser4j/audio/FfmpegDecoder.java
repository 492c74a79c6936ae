package io.ser4j.audio;

import io.ser4j.core.AudioFormatException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decodes non-WAV containers by running the external {@code ffmpeg} program with an argument list
 * (never a shell string) and reading the 32-bit float WAV it writes to its standard output.
 *
 * <p>The command is {@code ffmpeg -nostdin -hide_banner -loglevel error -protocol_whitelist file -i
 * file:<absolute path> -map 0:a:0 -f wav -c:a pcm_f32le -}: the first audio stream, every channel,
 * at the native rate (mixing down and resampling are then done by ser4j, exactly as for WAV input).
 * The {@code file:} prefix and the absolute path keep a file name from being read as an option or a
 * network protocol. Standard error is captured (first {@value #STDERR_LIMIT_BYTES} bytes) for the
 * error message. A watchdog kills the process when it produces no output for {@link
 * #inactivityTimeoutMillis()} (property {@value #TIMEOUT_PROPERTY}, seconds, default {@value
 * #DEFAULT_TIMEOUT_SECONDS}) or when the reading thread is interrupted; closing the stream kills it
 * too.
 *
 * <p>Thread-safe (stateless); each decode owns its own process.
 */
final class FfmpegDecoder {
  /** System property naming the ffmpeg executable (a name looked up on PATH, or a path). */
  static final String EXECUTABLE_PROPERTY = "ser4j.ffmpeg";
  /** System property: seconds without output after which ffmpeg is killed. */
  static final String TIMEOUT_PROPERTY = "ser4j.ffmpeg.timeout";
  static final long DEFAULT_TIMEOUT_SECONDS = 120;
  static final int STDERR_LIMIT_BYTES = 4096;
  private static final long WATCHDOG_PERIOD_MILLIS = 200;

  private FfmpegDecoder() {}

  /** The executable to run: {@code -Dser4j.ffmpeg} or {@code "ffmpeg"}. */
  static String executable() {
    String p = System.getProperty(EXECUTABLE_PROPERTY);
    return p == null || p.isBlank() ? "ffmpeg" : p.strip();
  }

  /** True when {@link #executable()} names an executable file (directly or on PATH). */
  static boolean available() {
    String exe = executable();
    if (exe.contains(File.separator)) {
      return Files.isRegularFile(Path.of(exe)) && Files.isExecutable(Path.of(exe));
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      try {
        Path p = Path.of(dir, exe);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return true;
        }
      } catch (RuntimeException e) {
        // an unusable PATH entry: skip it
      }
    }
    return false;
  }

  static long inactivityTimeoutMillis() {
    String s = System.getProperty(TIMEOUT_PROPERTY);
    long seconds = DEFAULT_TIMEOUT_SECONDS;
    if (s != null) {
      try {
        seconds = Math.max(1, Long.parseLong(s.strip()));
      } catch (NumberFormatException e) {
        seconds = DEFAULT_TIMEOUT_SECONDS;
      }
    }
    return seconds * 1000;
  }

  /** The argument list used to decode {@code file}. */
  static List<String> command(Path file) {
    return List.of(
        executable(),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        "file",
        "-i",
        "file:" + file.toAbsolutePath(),
        "-map",
        "0:a:0",
        "-f",
        "wav",
        "-c:a",
        "pcm_f32le",
        "-");
  }

  /**
   * Starts ffmpeg on {@code file} and returns a stream over its output.
   *
   * @param whatItIs a description of the input for the "not installed" message
   * @throws AudioFormatException if ffmpeg is missing, cannot start, or fails before the header
   */
  static WavStream open(Path file, String sourceId, String whatItIs) {
    if (!available()) {
      throw notInstalled(sourceId, whatItIs);
    }
    ProcessBuilder pb = new ProcessBuilder(command(file));
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new AudioFormatException(sourceId, "could not start ffmpeg: " + e.getMessage(), e);
    }
    Run run = new Run(process, Thread.currentThread(), inactivityTimeoutMillis(), whatItIs, file);
    try {
      return WavReader.open(run.stdout, sourceId, -1, run);
    } catch (AudioFormatException e) {
      run.close();
      // prefer ffmpeg's own explanation when it failed
      String why = run.failure(true);
      if (why != null) {
        throw new AudioFormatException(sourceId, why, e);
      }
      throw e;
    }
  }

  /** The error for input that needs ffmpeg when it is not installed. */
  static AudioFormatException notInstalled(String sourceId, String whatItIs) {
    return new AudioFormatException(
        sourceId,
        whatItIs
            + " and ffmpeg is not installed (looked for '"
            + executable()
            + "'; install ffmpeg or set -D"
            + EXECUTABLE_PROPERTY
            + "=/path/to/ffmpeg to decode other formats)");
  }

  /** Signals a failed decoder run; WavStream/WavReader turn its message into the problem text. */
  static final class DecoderException extends IOException {
    private static final long serialVersionUID = 1L;

    DecoderException(String message) {
      super(message);
    }
  }

  /** One ffmpeg process, its stderr pump and its watchdog. */
  private static final class Run implements Closeable {
    final Process process;
    final InputStream stdout;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread stderrPump;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile String killReason;
    private volatile boolean closed;
    private final String whatItIs;
    private final String fileArgument;

    Run(Process process, Thread reader, long timeoutMillis, String whatItIs, Path file) {
      this.process = process;
      this.whatItIs = whatItIs;
      this.fileArgument = "file:" + file.toAbsolutePath() + ": ";
      try {
        process.getOutputStream().close();
      } catch (IOException e) {
        // ffmpeg runs with -nostdin anyway
      }
      this.stdout = new Stdout(process.getInputStream());
      this.stderrPump = new Thread(this::pumpStderr, "ser4j-ffmpeg-stderr");
      stderrPump.setDaemon(true);
      stderrPump.start();
      Thread watchdog = new Thread(() -> watch(reader, timeoutMillis), "ser4j-ffmpeg-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }

    private void pumpStderr() {
      byte[] b = new byte[1024];
      try (InputStream err = process.getErrorStream()) {
        int n;
        while ((n = err.read(b)) >= 0) {
          synchronized (stderr) {
            int room = STDERR_LIMIT_BYTES - stderr.size();
            if (room > 0) {
              stderr.write(b, 0, Math.min(room, n));
            }
          }
        }
      } catch (IOException e) {
        // process gone
      }
    }

    private void watch(Thread reader, long timeoutMillis) {
      while (process.isAlive() && !closed) {
        try {
          Thread.sleep(WATCHDOG_PERIOD_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        if (reader.isInterrupted()) {
          kill("interrupted; ffmpeg was stopped");
        } else if (System.nanoTime() - lastProgressNanos > timeoutMillis * 1_000_000L) {
          kill("ffmpeg produced no output for " + timeoutMillis / 1000 + " s and was stopped");
        }
      }
    }

    private void kill(String reason) {
      if (killReason == null) {
        killReason = reason;
      }
      process.destroyForcibly();
    }

    private String stderrText() {
      try {
        stderrPump.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String s;
      synchronized (stderr) {
        s = stderr.toString(StandardCharsets.UTF_8);
      }
      s = s.replace(fileArgument, "").strip().replaceAll("\\s*\\R\\s*", "; ");
      return s.isEmpty() ? "(no message)" : s;
    }

    /**
     * Why the run failed, or null if it exited with status 0.
     *
     * @param afterClose true when the process was killed by us on close (then any nonzero status is
     *     reported only if ffmpeg printed an error)
     */
    String failure(boolean afterClose) {
      if (killReason != null) {
        return killReason;
      }
      try {
        if (!process.waitFor(inactivityTimeoutMillis(), TimeUnit.MILLISECONDS)) {
          kill("ffmpeg did not exit after its output ended and was stopped");
          return killReason;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill("interrupted; ffmpeg was stopped");
        return killReason;
      }
      int status = process.exitValue();
      if (status == 0) {
        return null;
      }
      String msg = stderrText();
      if (afterClose && msg.equals("(no message)")) {
        return null;
      }
      return whatItIs + " and ffmpeg could not decode it (exit status " + status + "): " + msg;
    }

    @Override
    public void close() {
      closed = true;
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      try {
        process.getInputStream().close();
      } catch (IOException e) {
        // already gone
      }
    }

    /** ffmpeg's stdout: records progress, and at EOF checks how the process ended. */
    private final class Stdout extends FilterInputStream {
      private boolean checked;

      Stdout(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        byte[] b = new byte[1];
        int n = read(b, 0, 1);
        return n < 0 ? -1 : b[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
          n = super.read(b, off, len);
        } catch (IOException e) {
          if (killReason != null) {
            throw new DecoderException(killReason);
          }
          throw e;
        }
        if (n > 0) {
          lastProgressNanos = System.nanoTime();
        } else if (n < 0 && !checked && !closed) {
          checked = true;
          String why = failure(false);
          if (why != null) {
            throw new DecoderException(why);
          }
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long s = super.skip(n);
        if (s > 0) {
          lastProgressNanos = System.nanoTime();
        }
        return s;
      }
    }
  }
}
