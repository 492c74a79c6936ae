package io.ser4j.audio;

import java.util.Objects;

/**
 * The layout of the sample data in a RIFF/WAVE file, as read from its {@code fmt } chunk and the
 * header of its {@code data} chunk.
 *
 * <p>Immutable and thread-safe.
 *
 * @param encoding how one sample is stored
 * @param formatTag the {@code wFormatTag} field as written: {@link #TAG_PCM}, {@link
 *     #TAG_IEEE_FLOAT} or {@link #TAG_EXTENSIBLE}
 * @param channels interleaved channels per frame, &ge; 1
 * @param sampleRate frames per second, &ge; 1
 * @param bitsPerSample container bits per sample (8, 16, 24, 32 or 64)
 * @param validBitsPerSample significant bits per sample (equal to {@code bitsPerSample} unless a
 *     {@code WAVE_FORMAT_EXTENSIBLE} header says otherwise; the samples are left-justified in their
 *     container, so they are decoded at container width)
 * @param blockAlign bytes per frame, {@code channels * bitsPerSample / 8}
 * @param frames frames in the data chunk, or {@link #UNKNOWN_LENGTH} when the data chunk size is
 *     the streaming placeholder {@code 0xFFFFFFFF} (the data then runs to the end of the input)
 */
public record WavFormat(
    Encoding encoding,
    int formatTag,
    int channels,
    int sampleRate,
    int bitsPerSample,
    int validBitsPerSample,
    int blockAlign,
    long frames) {

  /** {@code WAVE_FORMAT_PCM}. */
  public static final int TAG_PCM = 0x0001;
  /** {@code WAVE_FORMAT_IEEE_FLOAT}. */
  public static final int TAG_IEEE_FLOAT = 0x0003;
  /** {@code WAVE_FORMAT_EXTENSIBLE}: the real format is the sub-format GUID's first two bytes. */
  public static final int TAG_EXTENSIBLE = 0xFFFE;
  /** Value of {@link #frames()} when the data chunk's size is not known in advance. */
  public static final long UNKNOWN_LENGTH = -1;

  /** How one sample is stored in the data chunk (all little-endian). */
  public enum Encoding {
    /** 8-bit unsigned integer PCM, silence at 128. */
    PCM_U8(1),
    /** 16-bit signed integer PCM. */
    PCM_S16(2),
    /** 24-bit signed integer PCM, packed in 3 bytes. */
    PCM_S24(3),
    /** 32-bit signed integer PCM. */
    PCM_S32(4),
    /** 32-bit IEEE 754 float. */
    FLOAT32(4),
    /** 64-bit IEEE 754 float. */
    FLOAT64(8);

    private final int bytesPerSample;

    Encoding(int bytesPerSample) {
      this.bytesPerSample = bytesPerSample;
    }

    /** Bytes one sample of one channel occupies. */
    public int bytesPerSample() {
      return bytesPerSample;
    }

    /** True for the IEEE float encodings. */
    public boolean isFloat() {
      return this == FLOAT32 || this == FLOAT64;
    }
  }

  /** Validates the invariants that the reader guarantees. */
  public WavFormat {
    Objects.requireNonNull(encoding, "encoding");
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    if (sampleRate < 1) {
      throw new IllegalArgumentException("sampleRate must be >= 1, got " + sampleRate);
    }
    if (bitsPerSample != encoding.bytesPerSample() * 8) {
      throw new IllegalArgumentException(
          "bitsPerSample " + bitsPerSample + " does not match " + encoding);
    }
    if (blockAlign != channels * encoding.bytesPerSample()) {
      throw new IllegalArgumentException(
          "blockAlign " + blockAlign + " != channels * bytes per sample");
    }
    if (frames < UNKNOWN_LENGTH) {
      throw new IllegalArgumentException("frames must be >= 0 or UNKNOWN_LENGTH, got " + frames);
    }
  }

  /** True when the number of frames is known before reading the data. */
  public boolean lengthKnown() {
    return frames != UNKNOWN_LENGTH;
  }

  /** Duration in seconds, or {@code NaN} when the length is unknown. */
  public double durationSeconds() {
    return lengthKnown() ? frames / (double) sampleRate : Double.NaN;
  }

  /** A short description such as {@code "PCM_S16, 2 ch, 44100 Hz, 88200 frames"}. */
  public String describe() {
    return encoding
        + ", "
        + channels
        + " ch, "
        + sampleRate
        + " Hz, "
        + (lengthKnown() ? frames + " frames" : "length unknown");
  }
}
