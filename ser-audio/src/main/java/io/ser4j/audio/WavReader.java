package io.ser4j.audio;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Decoder for RIFF/WAVE audio: integer PCM 8 (unsigned), 16, 24, 32 bit, IEEE float 32/64 bit, and
 * {@code WAVE_FORMAT_EXTENSIBLE} with a PCM or IEEE-float sub-format, any channel count, mixed down
 * to mono by averaging the channels. See {@link WavStream} for the sample scaling.
 *
 * <p>Chunk parsing: chunks are walked in order from byte 12; unknown chunks ({@code LIST}, {@code
 * fact}, {@code bext}, ...) are skipped together with their pad byte when their size is odd, and
 * {@code fmt } may come after them. The {@code data} chunk must follow {@code fmt }; chunks after
 * {@code data} are ignored. The RIFF size field is ignored (streaming writers leave it 0 or {@code
 * 0xFFFFFFFF}). A {@code data} size of {@code 0xFFFFFFFF} means "until the end of the input". A
 * {@code data} (or any other) chunk declaring more bytes than a file holds is an {@link
 * AudioFormatException} "truncated: ..."; nothing is decoded from it (for files this is checked
 * before decoding from the file size; for streams when the input ends early). Declared sizes are
 * never used to size a buffer before the bytes have been seen, so absurd sizes cannot exhaust
 * memory. A valid file with an empty {@code data} chunk yields an empty clip.
 *
 * <p>Every failure is an {@link AudioFormatException} whose {@code input()} is the file path or
 * source id and whose {@code problem()} says what is wrong ("empty file", "zero channels",
 * "unsupported bits per sample 12", ...); I/O errors are wrapped with their cause.
 *
 * <p>Stateless and thread-safe; the streams it returns are not.
 */
public final class WavReader {
  /** Highest sample rate accepted, in Hz; higher values are taken as a corrupt header. */
  public static final int MAX_SAMPLE_RATE_HZ = 10_000_000;
  /** Longest clip {@link #read} can return, in samples (the JVM's practical array limit). */
  public static final int MAX_CLIP_SAMPLES = Integer.MAX_VALUE - 8;

  static final long UNKNOWN_SIZE_MARKER = 0xFFFFFFFFL;
  private static final int RIFF_HEADER_BYTES = 12;
  private static final int CHUNK_HEADER_BYTES = 8;
  private static final int FMT_MIN_BYTES = 16;
  private static final int FMT_EXTENSIBLE_BYTES = 40;
  /** Only this many bytes of a fmt chunk are ever buffered; the rest is skipped. */
  private static final int FMT_READ_LIMIT_BYTES = 40;
  /** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT GUIDs (as stored in the file). */
  private static final byte[] KSDATAFORMAT_SUFFIX = {
    0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B,
    0x71
  };

  private WavReader() {}

  /**
   * Decodes a whole WAV file to a mono clip at its native sample rate.
   *
   * @throws AudioFormatException if the file is missing, unreadable, not a supported WAV, corrupt
   *     or truncated, contains NaN/Inf samples, or is longer than {@link #MAX_CLIP_SAMPLES}
   */
  public static AudioClip read(Path file) {
    try (WavStream s = open(file)) {
      return readAll(s);
    }
  }

  /**
   * Decodes a whole WAV stream to a mono clip at its native sample rate. The stream is read to the
   * end of the data chunk but not closed.
   *
   * @param in the WAV bytes
   * @param sourceId a name for error messages and {@link AudioClip#sourceId()}
   * @throws AudioFormatException as {@link #read(Path)}
   */
  public static AudioClip read(InputStream in, String sourceId) {
    WavStream s = open(in, sourceId);
    return readAll(s);
  }

  /**
   * Opens a WAV file for streaming. The header is parsed and validated now (including the check
   * that the file holds the declared data); samples are decoded on {@link WavStream#read}.
   *
   * @throws AudioFormatException if the file is missing, unreadable or its header is invalid
   */
  public static WavStream open(Path file) {
    Objects.requireNonNull(file, "file");
    String id = file.toString();
    InputStream raw = openFile(file, id);
    try {
      long size = Files.isRegularFile(file) ? Files.size(file) : -1;
      return open(raw, id, size, raw);
    } catch (IOException e) {
      closeQuietly(raw);
      throw ioError(id, e);
    } catch (RuntimeException e) {
      closeQuietly(raw);
      throw e;
    }
  }

  /**
   * Opens a WAV stream for streaming decode. Closing the returned {@link WavStream} closes {@code
   * in}.
   *
   * @param in the WAV bytes (buffered internally)
   * @param sourceId a name for error messages
   * @throws AudioFormatException if the header is invalid or the input ends inside it
   */
  public static WavStream open(InputStream in, String sourceId) {
    Objects.requireNonNull(in, "in");
    return open(in, sourceId == null ? "<stream>" : sourceId, -1, null);
  }

  static InputStream openFile(Path file, String id) {
    if (Files.isDirectory(file)) {
      throw new AudioFormatException(id, "is a directory, not an audio file");
    }
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw ioError(id, e);
    }
  }

  static AudioFormatException ioError(String id, IOException e) {
    if (e instanceof FfmpegDecoder.DecoderException) {
      return new AudioFormatException(id, e.getMessage(), e);
    }
    if (e instanceof NoSuchFileException) {
      return new AudioFormatException(id, "file not found", e);
    }
    if (e instanceof AccessDeniedException) {
      return new AudioFormatException(id, "permission denied", e);
    }
    return new AudioFormatException(id, "I/O error: " + e, e);
  }

  private static AudioClip readAll(WavStream s) {
    WavFormat f = s.format();
    if (s.lengthVerified() && f.frames() > MAX_CLIP_SAMPLES) {
      throw tooLong(s.sourceId(), f.frames());
    }
    FloatCollector out = new FloatCollector(s.sourceId(), f.frames(), s.lengthVerified());
    float[] buf = new float[8192];
    int n;
    while ((n = s.read(buf)) > 0) {
      out.add(buf, 0, n);
    }
    return AudioClip.wrap(out.toArray(), f.sampleRate(), s.sourceId());
  }

  static AudioFormatException tooLong(String id, long samples) {
    return new AudioFormatException(
        id,
        "too long to hold as one clip ("
            + samples
            + " samples, the limit is "
            + MAX_CLIP_SAMPLES
            + "); decode it block by block with WavReader.open");
  }

  /**
   * Parses the header of {@code raw}.
   *
   * @param totalBytes the input's size when known (a regular file), else -1
   * @param onClose closed together with the returned stream (may be null)
   */
  static WavStream open(InputStream raw, String id, long totalBytes, Closeable onClose) {
    InputStream in =
        raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16);
    try {
      return new HeaderParser(in, id, totalBytes).parse(onClose);
    } catch (IOException e) {
      throw ioError(id, e);
    }
  }

  private static final class HeaderParser {
    private final InputStream in;
    private final String id;
    private final long totalBytes;
    private long pos;

    HeaderParser(InputStream in, String id, long totalBytes) {
      this.in = in;
      this.id = id;
      this.totalBytes = totalBytes;
    }

    WavStream parse(Closeable onClose) throws IOException {
      if (totalBytes == 0) {
        throw fail("empty file");
      }
      byte[] head = new byte[RIFF_HEADER_BYTES];
      int n = readUpTo(head, RIFF_HEADER_BYTES);
      if (n == 0) {
        throw fail(totalBytes < 0 ? "empty input" : "empty file");
      }
      String magic = fourCc(head, 0, Math.min(4, n));
      if (n < 4 || !magic.equals("RIFF")) {
        if (magic.equals("RIFX")) {
          throw fail("big-endian RIFX files are not supported");
        }
        if (magic.equals("RF64") || magic.equals("BW64")) {
          throw fail(magic + " (64-bit WAVE) files are not supported");
        }
        throw fail(describeNonWav(head, n));
      }
      if (n < RIFF_HEADER_BYTES) {
        throw fail("truncated: RIFF header has only " + n + " of 12 bytes");
      }
      String form = fourCc(head, 8, 4);
      if (!form.equals("WAVE")) {
        throw fail(describeNonWav(head, n));
      }
      byte[] fmt = null;
      int fmtSize = 0;
      byte[] ch = new byte[CHUNK_HEADER_BYTES];
      while (true) {
        int h = readUpTo(ch, CHUNK_HEADER_BYTES);
        if (h < CHUNK_HEADER_BYTES) {
          if (h > 0) {
            throw fail("truncated: chunk header at byte " + (pos - h) + " has only " + h + " bytes");
          }
          throw fail(fmt == null ? "no fmt chunk before the end of the file"
              : "no data chunk before the end of the file");
        }
        String chunkId = fourCc(ch, 0, 4);
        long size = u32(ch, 4);
        if (chunkId.equals("data")) {
          if (fmt == null) {
            throw fail("data chunk comes before the fmt chunk (not supported)");
          }
          return dataStream(parseFmt(fmt, fmtSize), size, onClose);
        }
        checkFits(chunkId, size);
        if (chunkId.equals("fmt ")) {
          if (fmt != null) {
            throw fail("two fmt chunks");
          }
          if (size < FMT_MIN_BYTES) {
            throw fail("fmt chunk too small (" + size + " bytes, need at least 16)");
          }
          int keep = (int) Math.min(size, FMT_READ_LIMIT_BYTES);
          fmt = new byte[keep];
          int r = readUpTo(fmt, keep);
          if (r < keep) {
            throw truncated("fmt ", size, r);
          }
          fmtSize = (int) Math.min(size, Integer.MAX_VALUE);
          skipChunkRest(chunkId, size, keep);
        } else {
          skipChunkRest(chunkId, size, 0);
        }
      }
    }

    private void checkFits(String chunkId, long size) {
      if (totalBytes >= 0 && size > totalBytes - pos) {
        throw truncated(chunkId, size, totalBytes - pos);
      }
    }

    private AudioFormatException truncated(String chunkId, long declared, long present) {
      return fail(
          "truncated: "
              + chunkId.strip()
              + " chunk declares "
              + declared
              + " bytes, file has "
              + present);
    }

    private void skipChunkRest(String chunkId, long size, long alreadyRead) throws IOException {
      long toSkip = size - alreadyRead;
      long skipped = skip(toSkip);
      if (skipped < toSkip) {
        throw truncated(chunkId, size, alreadyRead + skipped);
      }
      if ((size & 1) == 1) {
        skip(1); // pad byte; a missing pad byte at the very end is tolerated
      }
    }

    private WavFormat parseFmt(byte[] fmt, int fmtSize) {
      int tag = u16(fmt, 0);
      int channels = u16(fmt, 2);
      long rate = u32(fmt, 4);
      int blockAlign = u16(fmt, 12);
      int bits = u16(fmt, 14);
      int validBits = bits;
      int effectiveTag = tag;
      if (tag == WavFormat.TAG_EXTENSIBLE) {
        if (fmtSize < FMT_EXTENSIBLE_BYTES) {
          throw fail(
              "WAVE_FORMAT_EXTENSIBLE fmt chunk too small (" + fmtSize + " bytes, need 40)");
        }
        validBits = u16(fmt, 18);
        for (int i = 0; i < KSDATAFORMAT_SUFFIX.length; i++) {
          if (fmt[26 + i] != KSDATAFORMAT_SUFFIX[i]) {
            throw fail("unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID " + guid(fmt, 24));
          }
        }
        effectiveTag = u16(fmt, 24);
        if (effectiveTag != WavFormat.TAG_PCM && effectiveTag != WavFormat.TAG_IEEE_FLOAT) {
          throw fail(
              "unsupported WAVE_FORMAT_EXTENSIBLE sub-format "
                  + tagName(effectiveTag)
                  + "; supported: PCM, IEEE float");
        }
        if (validBits == 0) {
          validBits = bits;
        }
      }
      if (channels == 0) {
        throw fail("zero channels");
      }
      if (rate == 0) {
        throw fail("zero sample rate");
      }
      if (rate > MAX_SAMPLE_RATE_HZ) {
        throw fail("absurd sample rate " + rate + " Hz (limit " + MAX_SAMPLE_RATE_HZ + ")");
      }
      WavFormat.Encoding enc;
      if (effectiveTag == WavFormat.TAG_PCM) {
        enc =
            switch (bits) {
              case 8 -> WavFormat.Encoding.PCM_U8;
              case 16 -> WavFormat.Encoding.PCM_S16;
              case 24 -> WavFormat.Encoding.PCM_S24;
              case 32 -> WavFormat.Encoding.PCM_S32;
              default -> throw fail(
                  "unsupported bits per sample " + bits + " for integer PCM (supported: 8, 16, 24, 32)");
            };
      } else if (effectiveTag == WavFormat.TAG_IEEE_FLOAT) {
        enc =
            switch (bits) {
              case 32 -> WavFormat.Encoding.FLOAT32;
              case 64 -> WavFormat.Encoding.FLOAT64;
              default -> throw fail(
                  "unsupported bits per sample " + bits + " for IEEE float (supported: 32, 64)");
            };
      } else {
        throw fail(
            "unsupported WAVE format "
                + tagName(tag)
                + "; supported: PCM, IEEE float, WAVE_FORMAT_EXTENSIBLE (decode others with ffmpeg)");
      }
      if (validBits > bits) {
        throw fail("valid bits per sample " + validBits + " exceed the container's " + bits);
      }
      int expectedAlign = channels * enc.bytesPerSample();
      if (blockAlign != expectedAlign) {
        throw fail(
            "block align "
                + blockAlign
                + " does not match "
                + channels
                + " channels x "
                + enc.bytesPerSample()
                + " bytes per sample");
      }
      return new WavFormat(enc, tag, channels, (int) rate, bits, validBits, blockAlign, 0);
    }

    private WavStream dataStream(WavFormat header, long size, Closeable onClose) {
      long frames;
      long declared;
      if (size == UNKNOWN_SIZE_MARKER) {
        frames = WavFormat.UNKNOWN_LENGTH;
        declared = -1;
      } else {
        frames = size / header.blockAlign();
        // a trailing partial frame is ignored, so only whole frames must be present
        long wholeFrameBytes = frames * header.blockAlign();
        if (totalBytes >= 0 && wholeFrameBytes > totalBytes - pos) {
          throw truncated("data", size, totalBytes - pos);
        }
        declared = size;
      }
      WavFormat f =
          new WavFormat(
              header.encoding(),
              header.formatTag(),
              header.channels(),
              header.sampleRate(),
              header.bitsPerSample(),
              header.validBitsPerSample(),
              header.blockAlign(),
              frames);
      return new WavStream(in, id, f, declared, onClose, totalBytes >= 0);
    }

    private AudioFormatException fail(String problem) {
      return new AudioFormatException(id, problem);
    }

    private int readUpTo(byte[] b, int len) throws IOException {
      int got = 0;
      while (got < len) {
        int r = in.read(b, got, len - got);
        if (r < 0) {
          break;
        }
        got += r;
      }
      pos += got;
      return got;
    }

    private long skip(long n) throws IOException {
      long done = 0;
      while (done < n) {
        long s = in.skip(n - done);
        if (s <= 0) {
          if (in.read() < 0) {
            break;
          }
          s = 1;
        }
        done += s;
      }
      pos += done;
      return done;
    }
  }

  /** "not a RIFF/WAVE file (...)" for a header that is not RIFF/WAVE ({@code n} bytes read). */
  static String describeNonWav(byte[] head, int n) {
    String magic = fourCc(head, 0, Math.min(4, n));
    if (n >= RIFF_HEADER_BYTES && magic.equals("RIFF")) {
      return "not a RIFF/WAVE file (RIFF form type '" + fourCc(head, 8, 4) + "')";
    }
    return "not a RIFF/WAVE file (starts with '" + magic + "')";
  }

  static String fourCc(byte[] b, int off, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = off; i < off + len; i++) {
      int c = b[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02X", c));
      }
    }
    return sb.toString();
  }

  private static String guid(byte[] b, int off) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < 16; i++) {
      sb.append(String.format("%02X", b[off + i] & 0xFF));
    }
    return sb.append('}').toString();
  }

  private static String tagName(int tag) {
    String name =
        switch (tag) {
          case 0x0002 -> " (MS ADPCM)";
          case 0x0006 -> " (A-law)";
          case 0x0007 -> " (mu-law)";
          case 0x0011 -> " (IMA ADPCM)";
          case 0x0031 -> " (GSM 6.10)";
          case 0x0050 -> " (MPEG)";
          case 0x0055 -> " (MP3)";
          case 0x0000 -> " (unknown)";
          default -> "";
        };
    return String.format("tag 0x%04X", tag) + name;
  }

  private static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) | ((b[off + 1] & 0xFF) << 8);
  }

  private static long u32(byte[] b, int off) {
    return (b[off] & 0xFFL)
        | ((b[off + 1] & 0xFFL) << 8)
        | ((b[off + 2] & 0xFFL) << 16)
        | ((b[off + 3] & 0xFFL) << 24);
  }

  static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
