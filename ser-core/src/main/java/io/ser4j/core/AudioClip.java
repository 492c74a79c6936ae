package io.ser4j.core;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable mono clip of float PCM samples in [-1, 1] at a known sample rate.
 *
 * <p>{@link #samples()} returns a copy; use {@link #view()} for a zero-copy read-only buffer. The
 * constructor rejects NaN and infinite samples with an {@link AudioFormatException} naming the
 * source, so every consumer can rely on finite input. Instances are thread-safe.
 */
public final class AudioClip {
  private final float[] samples;
  private final int sampleRate;
  private final String sourceId;

  private AudioClip(float[] samples, int sampleRate, String sourceId) {
    this.samples = samples;
    this.sampleRate = sampleRate;
    this.sourceId = sourceId;
  }

  /**
   * Creates a clip from a copy of {@code samples}.
   *
   * @param samples mono PCM, nominally in [-1, 1]
   * @param sampleRate samples per second, &gt; 0
   * @param sourceId where the clip came from (a path, a stream name); used in error messages
   * @throws AudioFormatException if the rate is not positive or a sample is NaN or infinite
   */
  public static AudioClip of(float[] samples, int sampleRate, String sourceId) {
    Objects.requireNonNull(samples, "samples");
    return wrap(samples.clone(), sampleRate, sourceId);
  }

  /**
   * Creates a clip that takes ownership of {@code samples} without copying; the caller must not
   * modify the array afterwards. For decoders and resamplers that allocate the array themselves.
   *
   * @throws AudioFormatException if the rate is not positive or a sample is NaN or infinite
   */
  public static AudioClip wrap(float[] samples, int sampleRate, String sourceId) {
    Objects.requireNonNull(samples, "samples");
    String id = sourceId == null ? "<audio>" : sourceId;
    if (sampleRate <= 0) {
      throw new AudioFormatException(id, "sample rate must be positive, got " + sampleRate);
    }
    for (int i = 0; i < samples.length; i++) {
      if (!Float.isFinite(samples[i])) {
        throw new AudioFormatException(
            id, "sample " + i + " is " + samples[i] + " (NaN/Inf samples are not audio)");
      }
    }
    return new AudioClip(samples, sampleRate, id);
  }

  /** A copy of the samples. */
  public float[] samples() {
    return samples.clone();
  }

  /** A read-only view of the samples, without copying. */
  public FloatBuffer view() {
    return FloatBuffer.wrap(samples).asReadOnlyBuffer();
  }

  /** Number of samples. */
  public int length() {
    return samples.length;
  }

  /** Sample at index {@code i}. */
  public float sample(int i) {
    return samples[i];
  }

  /** Samples per second. */
  public int sampleRate() {
    return sampleRate;
  }

  /** Where the clip came from (path or stream name). */
  public String sourceId() {
    return sourceId;
  }

  /** Duration in seconds. */
  public double durationSeconds() {
    return samples.length / (double) sampleRate;
  }

  /** True when the clip has no samples. */
  public boolean isEmpty() {
    return samples.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AudioClip c
        && c.sampleRate == sampleRate
        && c.sourceId.equals(sourceId)
        && Arrays.equals(c.samples, samples);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sampleRate, sourceId, Arrays.hashCode(samples));
  }

  @Override
  public String toString() {
    return "AudioClip[" + sourceId + ", " + samples.length + " samples @ " + sampleRate + " Hz]";
  }
}
