package io.ser4j.audio;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The property every WAV input must satisfy, shared by the Jazzer target and the seeded mutation
 * loop: decoding either succeeds with a sane clip or throws {@link AudioFormatException} naming the
 * source; anything else (an untyped exception, an {@link OutOfMemoryError}) escapes and is a
 * finding. Sanity: at most one sample per input byte, finite samples, a rate in range, the whole
 * read, the block-by-block stream and (optionally) the file route agree, and memory allocated while
 * decoding stays proportional to the input, whatever sizes the header declares.
 */
final class WavFuzzOracle {
  /** Allocation allowed per input regardless of its size (buffers, resampler tables). */
  static final long BASE_ALLOCATION_BYTES = 40L << 20;
  /** Allocation allowed per input byte (decoded floats, collectors, up to 64x upsampling). */
  static final long ALLOCATION_PER_INPUT_BYTE = 1024;

  /** Resampling is exercised only for rate pairs whose kernel table is at most this many floats. */
  static final long RESAMPLE_TABLE_LIMIT = 1 << 16;

  /** How one input ended. */
  enum Outcome {
    DECODED,
    REJECTED
  }

  private WavFuzzOracle() {}

  /**
   * Checks one input.
   *
   * @param fileRoute also decode through a temporary file in {@code dir} (slower)
   * @param resample also run {@link AudioLoader#load(java.io.InputStream, String, int)} at 16 kHz
   *     for RIFF/WAVE inputs
   * @throws AssertionError when a property fails
   */
  static Outcome check(byte[] data, Path dir, boolean resample) throws IOException {
    long before = WavReaderBadInputTest.allocatedBytes();
    AudioClip whole = null;
    AudioFormatException wholeError = null;
    try {
      whole = WavReader.read(new ByteArrayInputStream(data), "fuzz");
    } catch (AudioFormatException e) {
      wholeError = e;
      checkError(e, "fuzz");
    }
    if (whole != null) {
      require(whole.length() <= data.length, "more samples than input bytes");
      require(whole.sampleRate() >= 1 && whole.sampleRate() <= WavReader.MAX_SAMPLE_RATE_HZ, "rate");
      require(whole.sourceId().equals("fuzz"), "source id");
    }
    float[] streamed = streamInOddBlocks(data);
    require(
        (whole == null) == (streamed == null),
        "read() and open()/read(buf) disagree: " + (wholeError == null ? "stream failed" : wholeError));
    if (whole != null) {
      require(Arrays.equals(whole.samples(), streamed), "read() and streaming samples differ");
    }
    if (dir != null) {
      Path f = dir.resolve("fuzz-input.wav");
      Files.write(f, data);
      AudioClip viaFile = null;
      try {
        viaFile = WavReader.read(f);
      } catch (AudioFormatException e) {
        checkError(e, f.toString());
      }
      require((viaFile == null) == (whole == null), "file and stream routes disagree: " + wholeError);
      if (whole != null) {
        require(Arrays.equals(whole.samples(), viaFile.samples()), "file route samples differ");
      }
    }
    // (huge kernel tables only cost time; Resampler itself is tested elsewhere)
    if (resample
        && whole != null
        && AudioLoader.resamplerTableFloats(whole.sampleRate(), 16000) <= RESAMPLE_TABLE_LIMIT) {
      try {
        AudioClip c = AudioLoader.load(new ByteArrayInputStream(data), "fuzz", 16000);
        require(c.sampleRate() == 16000, "loader rate");
        long want =
            whole.sampleRate() == 16000
                ? whole.length()
                : Resampler.create(whole.sampleRate(), 16000).outputLength(whole.length());
        require(c.length() == want, "resampled length " + c.length() + " != " + want);
      } catch (AudioFormatException e) {
        checkError(e, "fuzz");
        require(e.problem().startsWith("cannot resample"), "loader failed where read() did not: " + e);
      }
    }
    long allocated = WavReaderBadInputTest.allocatedBytes() - before;
    long limit = BASE_ALLOCATION_BYTES + ALLOCATION_PER_INPUT_BYTE * data.length;
    require(allocated < limit, "allocated " + allocated + " bytes for a " + data.length + "-byte input");
    return whole != null ? Outcome.DECODED : Outcome.REJECTED;
  }

  private static float[] streamInOddBlocks(byte[] data) {
    try (WavStream s = WavReader.open(new ByteArrayInputStream(data), "fuzz")) {
      FloatCollector out = new FloatCollector("fuzz", -1, false);
      float[] buf = new float[1237];
      int n;
      int round = 0;
      while ((n = s.read(buf, 0, 1 + (round++ * 389) % buf.length)) > 0) {
        out.add(buf, 0, n);
      }
      require(s.position() == out.size(), "position");
      return out.toArray();
    } catch (AudioFormatException e) {
      checkError(e, "fuzz");
      return null;
    }
  }

  private static void checkError(AudioFormatException e, String id) {
    require(e.input().equals(id), "exception names " + e.input() + ", not " + id);
    require(!e.problem().isBlank(), "blank problem");
    require(e.getMessage().equals(id + ": " + e.problem()), "message format: " + e.getMessage());
  }

  private static void require(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
