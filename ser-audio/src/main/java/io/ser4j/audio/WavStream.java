package io.ser4j.audio;

import io.ser4j.core.AudioFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A streaming reader over the {@code data} chunk of a RIFF/WAVE input that yields mono float
 * samples, block by block, without holding the file in memory. Obtain one from {@link
 * WavReader#open(java.nio.file.Path)} or {@link WavReader#open(InputStream, String)}.
 *
 * <p>Each frame is mixed down to mono as the average of its channels, computed in double precision
 * and rounded to float. Integer PCM is scaled to [-1, 1): 8-bit unsigned as {@code (x - 128) / 128},
 * 16/24/32-bit signed as {@code x / 2^(bits-1)}; float samples are passed through. A NaN or infinite
 * sample (or a 64-bit float too large for a float) stops decoding with an {@link
 * AudioFormatException} naming the source and the sample index. If the input ends before the size
 * the {@code data} chunk declares, reading fails with an {@link AudioFormatException} ("truncated");
 * when the size is the streaming placeholder {@code 0xFFFFFFFF} the data runs to the end of the input
 * and a trailing partial frame is ignored, as is a partial frame at the end of a declared size.
 *
 * <p>Not thread-safe: use one instance from one thread. Closing it closes the underlying input.
 */
public final class WavStream implements Closeable {
  /** Size of the internal byte buffer, in bytes (at least one frame is always buffered). */
  static final int BUFFER_BYTES = 64 * 1024;

  private static final double SCALE_S16 = 1.0 / 32768.0;
  private static final double SCALE_S24 = 1.0 / 8388608.0;
  private static final double SCALE_S32 = 1.0 / 2147483648.0;
  private static final double SCALE_U8 = 1.0 / 128.0;

  private final InputStream in;
  private final String sourceId;
  private final WavFormat format;
  private final long declaredDataBytes; // -1 when unknown
  private final Closeable onClose;
  private final boolean lengthVerified;
  private final byte[] bytes;
  private final int framesPerBlock;
  private long framesDelivered;
  private long dataBytesRead;
  private boolean eof;
  private boolean closed;

  WavStream(
      InputStream in,
      String sourceId,
      WavFormat format,
      long declaredDataBytes,
      Closeable onClose,
      boolean lengthVerified) {
    this.in = in;
    this.lengthVerified = lengthVerified;
    this.sourceId = sourceId;
    this.format = format;
    this.declaredDataBytes = declaredDataBytes;
    this.onClose = onClose;
    this.framesPerBlock = Math.max(1, BUFFER_BYTES / format.blockAlign());
    this.bytes = new byte[framesPerBlock * format.blockAlign()];
  }

  /** The format read from the header. */
  public WavFormat format() {
    return format;
  }

  /** The name used in error messages (file path or the caller's source id). */
  public String sourceId() {
    return sourceId;
  }

  /**
   * True when {@link WavFormat#frames()} was checked against the size of the file, so that it may
   * be used to allocate the output up front.
   */
  boolean lengthVerified() {
    return lengthVerified && format.lengthKnown();
  }

  /** Mono samples (= frames) delivered so far. */
  public long position() {
    return framesDelivered;
  }

  /**
   * Reads up to {@code buf.length} mono samples.
   *
   * @return the number of samples read (&gt; 0), or -1 at the end of the data
   * @throws AudioFormatException on truncated data, NaN/Inf samples or an I/O error
   * @throws IllegalStateException if the stream has been closed
   */
  public int read(float[] buf) {
    return read(buf, 0, buf.length);
  }

  /**
   * Reads up to {@code len} mono samples into {@code buf[off..off+len)}.
   *
   * @return the number of samples read (&gt; 0, or 0 only when {@code len == 0}), or -1 at the end
   *     of the data
   * @throws AudioFormatException on truncated data, NaN/Inf samples or an I/O error
   * @throws IndexOutOfBoundsException if {@code off}/{@code len} do not fit {@code buf}
   * @throws IllegalStateException if the stream has been closed
   */
  public int read(float[] buf, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, buf.length);
    if (closed) {
      throw new IllegalStateException("stream closed: " + sourceId);
    }
    if (len == 0) {
      return 0;
    }
    int total = 0;
    while (total < len && !eof) {
      int n = readBlock(buf, off + total, Math.min(len - total, framesPerBlock));
      if (n <= 0) {
        break;
      }
      total += n;
    }
    return total == 0 ? -1 : total;
  }

  private int readBlock(float[] buf, int off, int maxFrames) {
    int blockAlign = format.blockAlign();
    long wantFrames = maxFrames;
    if (format.lengthKnown()) {
      long left = format.frames() - framesDelivered;
      if (left <= 0) {
        eof = true;
        return -1;
      }
      wantFrames = Math.min(wantFrames, left);
    }
    int want = (int) wantFrames * blockAlign;
    int got = fill(want);
    dataBytesRead += got;
    int frames = got / blockAlign;
    if (got < want) {
      eof = true;
      if (format.lengthKnown()) {
        throw new AudioFormatException(
            sourceId,
            "truncated: data chunk declares "
                + declaredDataBytes
                + " bytes, the input ends after "
                + dataBytesRead);
      }
    }
    decode(buf, off, frames);
    framesDelivered += frames;
    return frames;
  }

  private int fill(int want) {
    int got = 0;
    try {
      while (got < want) {
        int r = in.read(bytes, got, want - got);
        if (r < 0) {
          break;
        }
        got += r;
      }
    } catch (FfmpegDecoder.DecoderException e) {
      throw new AudioFormatException(sourceId, e.getMessage(), e);
    } catch (IOException e) {
      throw new AudioFormatException(
          sourceId, "I/O error while reading the data chunk: " + e.getMessage(), e);
    }
    return got;
  }

  private void decode(float[] out, int off, int frames) {
    int channels = format.channels();
    WavFormat.Encoding enc = format.encoding();
    int p = 0;
    for (int f = 0; f < frames; f++) {
      double sum = 0;
      for (int c = 0; c < channels; c++) {
        double v;
        switch (enc) {
          case PCM_U8 -> {
            v = ((bytes[p] & 0xFF) - 128) * SCALE_U8;
            p += 1;
          }
          case PCM_S16 -> {
            v = (short) ((bytes[p] & 0xFF) | (bytes[p + 1] << 8)) * SCALE_S16;
            p += 2;
          }
          case PCM_S24 -> {
            int x = (bytes[p] & 0xFF) | ((bytes[p + 1] & 0xFF) << 8) | (bytes[p + 2] << 16);
            v = x * SCALE_S24;
            p += 3;
          }
          case PCM_S32 -> {
            v = int32(p) * SCALE_S32;
            p += 4;
          }
          case FLOAT32 -> {
            v = Float.intBitsToFloat(int32(p));
            p += 4;
            checkFinite(v, f, c);
          }
          case FLOAT64 -> {
            long lo = int32(p) & 0xFFFFFFFFL;
            long hi = int32(p + 4);
            v = Double.longBitsToDouble(lo | (hi << 32));
            p += 8;
            checkFinite(v, f, c);
          }
          default -> throw new IllegalStateException("unhandled encoding " + enc);
        }
        sum += v;
      }
      float mono = (float) (channels == 1 ? sum : sum / channels);
      if (!Float.isFinite(mono)) {
        throw new AudioFormatException(
            sourceId,
            "sample " + (framesDelivered + f) + " is out of float range (" + sum / channels + ")");
      }
      out[off + f] = mono;
    }
  }

  private int int32(int p) {
    return (bytes[p] & 0xFF)
        | ((bytes[p + 1] & 0xFF) << 8)
        | ((bytes[p + 2] & 0xFF) << 16)
        | (bytes[p + 3] << 24);
  }

  private void checkFinite(double v, int frameInBlock, int channel) {
    if (!Double.isFinite(v)) {
      throw new AudioFormatException(
          sourceId,
          "sample "
              + (framesDelivered + frameInBlock)
              + " (channel "
              + channel
              + ") is "
              + v
              + " (NaN/Inf samples are not audio)");
    }
  }

  /** Closes the underlying input (and, for ffmpeg-decoded sources, stops the decoder). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close();
    } catch (IOException e) {
      // nothing useful to do: the data has been read or abandoned
    } finally {
      if (onClose != null) {
        try {
          onClose.close();
        } catch (IOException e) {
          // ignored for the same reason
        }
      }
    }
  }
}
