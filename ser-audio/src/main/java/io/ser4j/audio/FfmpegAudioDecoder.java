package io.ser4j.audio;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.spi.AudioDecoder;
import io.ser4j.core.stream.PcmSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * The {@link AudioDecoder} service for everything that is not RIFF/WAVE (FLAC, MP3, Ogg, M4A,
 * RF64, ...) through the external {@code ffmpeg} program, invoked with an argument list (never a
 * shell string); {@link #isAvailable()} is false when ffmpeg is not installed (override the
 * executable with {@code -Dser4j.ffmpeg=/path/to/ffmpeg}). Rank {@value #RANK}: the fallback.
 * Streams are buffered to a temporary file first (deleted afterwards), because several containers
 * need to seek. Stateless and thread-safe.
 */
public final class FfmpegAudioDecoder implements AudioDecoder {
  /** Rank: below {@link WavAudioDecoder} and any specialised decoder. */
  public static final int RANK = 0;

  /** Used by {@link java.util.ServiceLoader}. */
  public FfmpegAudioDecoder() {}

  @Override
  public String name() {
    return "ffmpeg";
  }

  @Override
  public int rank() {
    return RANK;
  }

  @Override
  public boolean isAvailable() {
    return FfmpegDecoder.available();
  }

  /** True for any non-empty data (ffmpeg itself reports what it cannot read). */
  @Override
  public boolean supports(byte[] header, String sourceId) {
    return header.length > 0;
  }

  @Override
  public AudioClip decode(Path file) {
    return AudioLoader.load(file);
  }

  @Override
  public AudioClip decode(InputStream in, String sourceId) {
    return AudioLoader.load(in, sourceId);
  }

  /**
   * Copies {@code in} to a temporary file and streams ffmpeg's decoded output; the file is deleted
   * when the source is closed. {@code in} is read to its end but not closed.
   *
   * @throws AudioFormatException if ffmpeg is missing or cannot read the data
   */
  @Override
  public PcmSource open(InputStream in, String sourceId) {
    Objects.requireNonNull(in, "in");
    String id = sourceId == null ? "<stream>" : sourceId;
    if (!FfmpegDecoder.available()) {
      throw FfmpegDecoder.notInstalled(id, "not a RIFF/WAVE stream");
    }
    Path tmp;
    try {
      tmp = Files.createTempFile("ser4j-stream-", ".bin");
    } catch (IOException e) {
      throw new AudioFormatException(id, "cannot create a temporary file for ffmpeg: " + e, e);
    }
    boolean handedOver = false;
    try {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      WavStream s = FfmpegDecoder.open(tmp, id, "not a RIFF/WAVE stream");
      handedOver = true;
      return new WavAudioDecoder.WavPcmSource(s, true, () -> deleteQuietly(tmp));
    } catch (IOException e) {
      throw new AudioFormatException(id, "I/O error while buffering for ffmpeg: " + e, e);
    } finally {
      if (!handedOver) {
        deleteQuietly(tmp);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort: a temp file left behind is harmless
    }
  }
}
