package io.ser4j.core;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One item of a batch for {@link Ser#analyzeAll(List)}: a file, a byte stream, float PCM or a
 * decoded clip. Immutable (a {@link Stream} item wraps a stream that the batch reads once and
 * closes).
 */
public sealed interface AudioInput
    permits AudioInput.File, AudioInput.Stream, AudioInput.Pcm, AudioInput.Clip {

  /** The name used in results and messages. */
  String id();

  /** A file item. */
  static AudioInput of(Path file) {
    return new File(file);
  }

  /** A byte-stream item; the batch reads and closes the stream. */
  static AudioInput of(InputStream in, String id) {
    return new Stream(in, id);
  }

  /** A float-PCM item (mono, in [-1, 1]); the array is not copied, do not modify it. */
  static AudioInput of(float[] pcm, int sampleRateHz, String id) {
    return new Pcm(pcm, sampleRateHz, id);
  }

  /** A decoded clip. */
  static AudioInput of(AudioClip clip) {
    return new Clip(clip);
  }

  /** File items for {@code files}, in order. */
  static List<AudioInput> files(List<Path> files) {
    return files.stream().map(AudioInput::of).toList();
  }

  /**
   * An audio file.
   *
   * @param file the path
   */
  record File(Path file) implements AudioInput {
    /** Rejects null. */
    public File {
      Objects.requireNonNull(file, "file");
    }

    @Override
    public String id() {
      return file.toString();
    }
  }

  /**
   * Encoded audio in a byte stream (WAV, or any format an installed decoder handles).
   *
   * @param in the stream, read once and closed by the batch
   * @param id its name
   */
  record Stream(InputStream in, String id) implements AudioInput {
    /** Rejects null. */
    public Stream {
      Objects.requireNonNull(in, "in");
      id = id == null ? "<stream>" : id;
    }
  }

  /**
   * Mono float PCM.
   *
   * @param pcm samples in [-1, 1] (not copied)
   * @param sampleRateHz samples per second
   * @param id its name
   */
  record Pcm(float[] pcm, int sampleRateHz, String id) implements AudioInput {
    /** Rejects null. */
    public Pcm {
      Objects.requireNonNull(pcm, "pcm");
      id = id == null ? "<pcm>" : id;
    }
  }

  /**
   * A decoded clip.
   *
   * @param clip the clip
   */
  record Clip(AudioClip clip) implements AudioInput {
    /** Rejects null. */
    public Clip {
      Objects.requireNonNull(clip, "clip");
    }

    @Override
    public String id() {
      return clip.sourceId();
    }
  }
}
