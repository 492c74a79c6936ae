package io.ser4j.core.spi;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.ProviderNotFoundException;
import io.ser4j.core.stream.PcmSource;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Service-provider interface for audio decoders, discovered lazily with {@link ServiceLoader}
 * (register in {@code META-INF/services/io.ser4j.core.spi.AudioDecoder}; {@code ser-audio} registers
 * a RIFF/WAVE decoder and the ffmpeg route). The facade reads the first {@link #HEADER_BYTES} bytes
 * of an input and uses the highest-ranked {@link #isAvailable() available} decoder that {@link
 * #supports} them. Decoders return mono audio at the source's sample rate (recognizers resample as
 * they need). Implementations must be stateless and thread-safe; failures are {@link
 * AudioFormatException}s naming the input.
 */
public interface AudioDecoder {
  /** How many leading bytes {@link #supports} is shown (fewer for shorter inputs). */
  int HEADER_BYTES = 16;

  /** The decoder's name, e.g. {@code "wav"}. */
  String name();

  /** Higher ranks are tried first. */
  default int rank() {
    return 0;
  }

  /** Whether the decoder can run here (e.g. an external program is installed); default true. */
  default boolean isAvailable() {
    return true;
  }

  /**
   * True when this decoder handles data that starts with {@code header}.
   *
   * @param header the first up to {@link #HEADER_BYTES} bytes (at least one)
   * @param sourceId a file name or stream name (an extension may help)
   */
  boolean supports(byte[] header, String sourceId);

  /**
   * Decodes a whole file to mono at its native rate.
   *
   * @throws AudioFormatException if the file is missing, unreadable, corrupt or unsupported
   */
  AudioClip decode(Path file);

  /**
   * Decodes a whole stream to mono at its native rate; the stream is not closed.
   *
   * @throws AudioFormatException if the data is empty, corrupt or unsupported
   */
  AudioClip decode(InputStream in, String sourceId);

  /**
   * Opens a stream for incremental mono decoding at its native rate (for long recordings and
   * live sources). Closing the returned source does not close {@code in}.
   *
   * @throws AudioFormatException if the header is corrupt or unsupported
   */
  PcmSource open(InputStream in, String sourceId);

  /** All decoders on the class path, highest rank first (discovered on each call, no caching). */
  static List<AudioDecoder> installed() {
    List<AudioDecoder> list = new ArrayList<>();
    ServiceLoader.load(AudioDecoder.class).forEach(list::add);
    list.sort(Comparator.comparingInt(AudioDecoder::rank).reversed());
    return list;
  }

  /**
   * The best available decoder for data starting with {@code header}.
   *
   * @param header the first up to {@link #HEADER_BYTES} bytes; empty input is rejected
   * @throws AudioFormatException for empty input, or when the installed decoders recognise the
   *     data but none of them can run (the message lists them)
   * @throws ProviderNotFoundException when no decoder is installed
   */
  static AudioDecoder forHeader(byte[] header, String sourceId) {
    if (header.length == 0) {
      throw new AudioFormatException(sourceId, "empty input");
    }
    List<AudioDecoder> all = installed();
    if (all.isEmpty()) {
      throw new ProviderNotFoundException(sourceId, "audio decoder", List.of(), "io.ser4j:ser-audio");
    }
    List<String> unavailable = new ArrayList<>();
    for (AudioDecoder d : all) {
      if (d.supports(header, sourceId)) {
        if (d.isAvailable()) {
          return d;
        }
        unavailable.add(d.name());
      }
    }
    List<String> names = all.stream().map(AudioDecoder::name).toList();
    throw new AudioFormatException(
        sourceId,
        unavailable.isEmpty()
            ? "no installed audio decoder supports this data; installed: " + names
            : "unsupported by the built-in decoders and " + unavailable
                + " cannot run here (is ffmpeg installed?); installed: " + names);
  }
}
