package io.ser4j.audio;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * The one entry point for turning an audio file or stream into a mono {@link AudioClip}.
 *
 * <p>RIFF/WAVE input is decoded by {@link WavReader}; anything else (FLAC, MP3, Ogg, M4A, RF64, ...)
 * goes through the external {@code ffmpeg} program when it is installed (see {@link
 * #ffmpegAvailable()}; override the executable with {@code -Dser4j.ffmpeg=/path/to/ffmpeg}), and is
 * otherwise rejected with an {@link AudioFormatException} that says so. Channels are averaged to
 * mono in both routes.
 *
 * <p>With a target rate, decoding and resampling stream block by block ({@link WavStream} →
 * {@link Resampler#stream()}, torchaudio-compatible), so memory is the output clip plus small
 * buffers: a 1-hour 48 kHz stereo 16-bit file (691 MB) loads at 16 kHz (230 MB of output) under
 * {@code -Xmx700m}, with a measured heap peak of about 320 MB. When
 * the source rate equals the target, samples are returned unchanged (as torchaudio does).
 *
 * <p>All failures are {@link AudioFormatException}s naming the file (or source id) and the problem.
 * If the calling thread is interrupted, decoding stops (an ffmpeg process is killed) with an {@link
 * AudioFormatException} "interrupted ..." and the interrupt flag stays set. Stateless and
 * thread-safe.
 */
public final class AudioLoader {
  /**
   * Largest resampling filter table accepted, in floats (16 MB). Rate pairs whose reduced ratio is
   * huge (e.g. 11127 Hz → 16 kHz, coprime) would need hundreds of MB for torchaudio's polyphase
   * kernels; they are rejected with a clear message instead.
   */
  public static final long MAX_RESAMPLER_TABLE_FLOATS = 4L << 20;

  /**
   * Largest accepted ratio of target to source rate. Upsampling a tiny file with an absurdly low
   * declared rate (say 1 Hz to 16 kHz) would otherwise turn kilobytes into gigabytes of output.
   */
  public static final int MAX_UPSAMPLING_RATIO = 64;

  private static final int BLOCK_SAMPLES = 16384;
  private static final int MAGIC_BYTES = 12;

  private AudioLoader() {}

  /**
   * Loads a file as mono at its native sample rate.
   *
   * @throws AudioFormatException if the file is missing, unreadable, corrupt or unsupported
   */
  public static AudioClip load(Path file) {
    return load(file, 0);
  }

  /**
   * Loads a file as mono, resampled to {@code targetRateHz} while streaming.
   *
   * @param targetRateHz output rate in Hz, &gt; 0 (or 0 for the native rate)
   * @throws AudioFormatException if the file is missing, unreadable, corrupt or unsupported, or the
   *     rate pair cannot be resampled within {@link #MAX_RESAMPLER_TABLE_FLOATS}
   * @throws IllegalArgumentException if {@code targetRateHz} is negative
   */
  public static AudioClip load(Path file, int targetRateHz) {
    checkTarget(targetRateHz);
    try (WavStream s = open(file)) {
      return decode(s, targetRateHz);
    }
  }

  /**
   * Loads a stream as mono at its native sample rate. The stream is not closed.
   *
   * @throws AudioFormatException as {@link #load(InputStream, String, int)}
   */
  public static AudioClip load(InputStream in, String sourceId) {
    return load(in, sourceId, 0);
  }

  /**
   * Loads a stream as mono, resampled to {@code targetRateHz}. WAV streams are decoded while they
   * are read; other formats are copied to a temporary file (deleted afterwards) for ffmpeg, because
   * several containers need to seek. The stream is not closed.
   *
   * @param sourceId name used in error messages and as the clip's source id
   * @param targetRateHz output rate in Hz, &gt; 0 (or 0 for the native rate)
   * @throws AudioFormatException if the data is empty, corrupt or unsupported, or ffmpeg is needed
   *     but missing
   */
  public static AudioClip load(InputStream in, String sourceId, int targetRateHz) {
    Objects.requireNonNull(in, "in");
    checkTarget(targetRateHz);
    String id = sourceId == null ? "<stream>" : sourceId;
    BufferedInputStream bin = new BufferedInputStream(in, 1 << 16);
    byte[] head = new byte[MAGIC_BYTES];
    int n;
    try {
      n = peek(bin, head);
    } catch (IOException e) {
      throw WavReader.ioError(id, e);
    }
    if (n == 0) {
      throw new AudioFormatException(id, "empty input");
    }
    if (isWav(head, n)) {
      WavStream s = WavReader.open(bin, id, -1, null);
      return decode(s, targetRateHz);
    }
    String what = WavReader.describeNonWav(head, n);
    if (!FfmpegDecoder.available()) {
      throw FfmpegDecoder.notInstalled(id, what);
    }
    Path tmp = null;
    try {
      tmp = Files.createTempFile("ser4j-audio-", ".bin");
      Files.copy(bin, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (WavStream s = FfmpegDecoder.open(tmp, id, what)) {
        return decode(s, targetRateHz);
      }
    } catch (IOException e) {
      throw new AudioFormatException(id, "I/O error while buffering for ffmpeg: " + e, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // best effort
        }
      }
    }
  }

  /**
   * Opens a file for streaming mono decode at its native rate: {@link WavReader#open(Path)} for
   * RIFF/WAVE, ffmpeg otherwise.
   *
   * @throws AudioFormatException if the file is missing, unreadable, corrupt or unsupported
   */
  public static WavStream open(Path file) {
    Objects.requireNonNull(file, "file");
    String id = file.toString();
    InputStream raw = WavReader.openFile(file, id);
    boolean handedOver = false;
    try {
      long size = Files.isRegularFile(file) ? Files.size(file) : -1;
      if (size == 0) {
        throw new AudioFormatException(id, "empty file");
      }
      BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
      byte[] head = new byte[MAGIC_BYTES];
      int n = peek(in, head);
      if (n == 0) {
        throw new AudioFormatException(id, size < 0 ? "empty input" : "empty file");
      }
      if (isWav(head, n)) {
        handedOver = true;
        return WavReader.open(in, id, size, raw);
      }
      String what = WavReader.describeNonWav(head, n);
      WavReader.closeQuietly(raw);
      handedOver = true;
      return FfmpegDecoder.open(file, id, what);
    } catch (IOException e) {
      throw WavReader.ioError(id, e);
    } finally {
      if (!handedOver) {
        WavReader.closeQuietly(raw);
      }
    }
  }

  /** True when an ffmpeg executable is available for non-WAV input. */
  public static boolean ffmpegAvailable() {
    return FfmpegDecoder.available();
  }

  /**
   * Checks that {@code fromHz → toHz} can be resampled with a filter table of at most {@link
   * #MAX_RESAMPLER_TABLE_FLOATS} floats and at most {@link #MAX_UPSAMPLING_RATIO}x upsampling.
   *
   * @throws AudioFormatException naming {@code sourceId} if it cannot
   */
  public static void checkResamplable(String sourceId, int fromHz, int toHz) {
    if ((long) toHz > (long) fromHz * MAX_UPSAMPLING_RATIO) {
      throw new AudioFormatException(
          sourceId,
          "cannot resample from "
              + fromHz
              + " Hz to "
              + toHz
              + " Hz: more than "
              + MAX_UPSAMPLING_RATIO
              + "x upsampling (is the sample rate in the header right?)");
    }
    long g = gcd(fromHz, toHz);
    long orig = fromHz / g;
    long next = toHz / g;
    long table = resamplerTableFloats(fromHz, toHz);
    if (table > MAX_RESAMPLER_TABLE_FLOATS) {
      throw new AudioFormatException(
          sourceId,
          "cannot resample from "
              + fromHz
              + " Hz to "
              + toHz
              + " Hz: the reduced ratio "
              + orig
              + "/"
              + next
              + " needs a "
              + table * 4 / (1 << 20)
              + " MB filter table (limit "
              + MAX_RESAMPLER_TABLE_FLOATS * 4 / (1 << 20)
              + " MB); convert the file to a common rate first");
    }
  }

  /** Floats in {@link Resampler}'s polyphase kernel table for this rate pair. */
  static long resamplerTableFloats(int fromHz, int toHz) {
    long g = gcd(fromHz, toHz);
    long orig = fromHz / g;
    long next = toHz / g;
    double base = Math.min(orig, next) * Resampler.DEFAULT_ROLLOFF;
    long width = (long) Math.ceil(Resampler.DEFAULT_LOWPASS_FILTER_WIDTH * orig / base);
    return next * (2 * width + orig);
  }

  static AudioClip decode(WavStream s, int targetRateHz) {
    boolean trusted = s.lengthVerified();
    WavFormat f = s.format();
    String id = s.sourceId();
    int src = f.sampleRate();
    float[] buf = new float[BLOCK_SAMPLES];
    int n;
    if (targetRateHz == 0 || targetRateHz == src) {
      FloatCollector out = new FloatCollector(id, f.frames(), trusted);
      while ((n = s.read(buf)) > 0) {
        checkInterrupt(id);
        out.add(buf, 0, n);
      }
      return AudioClip.wrap(out.toArray(), src, id);
    }
    checkResamplable(id, src, targetRateHz);
    Resampler r = Resampler.create(src, targetRateHz);
    long expected = f.lengthKnown() ? r.outputLength(f.frames()) : -1;
    FloatCollector out = new FloatCollector(id, expected, trusted);
    Resampler.Stream rs = r.stream();
    while ((n = s.read(buf)) > 0) {
      checkInterrupt(id);
      float[] o = rs.process(buf, 0, n);
      out.add(o, 0, o.length);
    }
    float[] tail = rs.flush();
    out.add(tail, 0, tail.length);
    return AudioClip.wrap(out.toArray(), targetRateHz, id);
  }

  private static void checkInterrupt(String id) {
    if (Thread.currentThread().isInterrupted()) {
      throw new AudioFormatException(id, "interrupted while decoding");
    }
  }

  private static void checkTarget(int targetRateHz) {
    if (targetRateHz < 0) {
      throw new IllegalArgumentException("target rate must be >= 0 Hz, got " + targetRateHz);
    }
  }

  private static int peek(BufferedInputStream in, byte[] head) throws IOException {
    in.mark(head.length);
    int got = 0;
    while (got < head.length) {
      int r = in.read(head, got, head.length - got);
      if (r < 0) {
        break;
      }
      got += r;
    }
    in.reset();
    return got;
  }

  /** RIFF/WAVE, or a RIFF prefix too short to tell (then WavReader reports it as truncated). */
  private static boolean isWav(byte[] h, int n) {
    if (n < 4 || h[0] != 'R' || h[1] != 'I' || h[2] != 'F' || h[3] != 'F') {
      return false;
    }
    return n < MAGIC_BYTES || (h[8] == 'W' && h[9] == 'A' && h[10] == 'V' && h[11] == 'E');
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
