package io.ser4j.audio.tarsos;

import be.tarsos.dsp.AudioDispatcher;
import be.tarsos.dsp.AudioEvent;
import be.tarsos.dsp.AudioProcessor;
import be.tarsos.dsp.io.jvm.AudioDispatcherFactory;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.stream.StreamingAnalyzer;
import java.io.File;
import java.io.IOException;
import java.util.Objects;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Feeds a TarsosDSP {@link AudioDispatcher} (e.g. live microphone capture) into a ser4j {@link
 * StreamingAnalyzer}: add it with {@link AudioDispatcher#addAudioProcessor} and run the dispatcher;
 * every block's <em>new</em> samples (the dispatcher's overlap is skipped) are passed on, and the
 * analyzer is finished when the dispatcher stops.
 *
 * <p><b>Licence.</b> TarsosDSP is GPL-3.0 (GUIDE §3). It is an {@code <optional>} dependency of
 * {@code ser-audio}: this package is the only code that touches it, nothing on the default path
 * loads it, and an application that uses this adapter must add {@code com.github.axet:TarsosDSP:2.4}
 * itself and accept its licence. The pitch trackers and MFCCs of TarsosDSP are not used (see GUIDE
 * §3 for their defects); TarsosDSP only delivers PCM here.
 *
 * <p>Not thread-safe: the dispatcher calls it from its own thread, which then owns the analyzer
 * (results reach the analyzer's listener on that thread). Recognition errors stop the dispatcher
 * and are kept for {@link #failure()}.
 */
public final class TarsosStreamAdapter implements AudioProcessor {
  private final StreamingAnalyzer analyzer;
  private boolean first = true;
  private RuntimeException failure;
  private AudioDispatcher dispatcher;

  /**
   * @param analyzer the analyzer to feed; its sample rate must equal the dispatcher's
   */
  public TarsosStreamAdapter(StreamingAnalyzer analyzer) {
    this.analyzer = Objects.requireNonNull(analyzer, "analyzer");
  }

  /**
   * Adds this adapter to {@code dispatcher} after checking that its format is mono at the
   * analyzer's rate.
   *
   * @throws AudioFormatException naming the dispatcher's format when it is not mono or the rate
   *     differs
   */
  public TarsosStreamAdapter attachTo(AudioDispatcher dispatcher) {
    int channels = dispatcher.getFormat().getChannels();
    float rate = dispatcher.getFormat().getSampleRate();
    if (channels != 1 || Math.round(rate) != analyzer.sampleRate()) {
      throw new AudioFormatException(
          "TarsosDSP dispatcher",
          "need mono at " + analyzer.sampleRate() + " Hz, got " + channels + " channel(s) at " + rate + " Hz");
    }
    this.dispatcher = dispatcher;
    dispatcher.addAudioProcessor(this);
    return this;
  }

  /**
   * A dispatcher on the default microphone: mono 16-bit PCM at {@code sampleRateHz}, blocks of
   * {@code bufferSamples}, no overlap.
   *
   * @throws AudioFormatException when no microphone line is available
   */
  public static AudioDispatcher microphone(int sampleRateHz, int bufferSamples) {
    try {
      return AudioDispatcherFactory.fromDefaultMicrophone(sampleRateHz, bufferSamples, 0);
    } catch (LineUnavailableException | IllegalArgumentException e) {
      throw new AudioFormatException("default microphone", "not available: " + e.getMessage(), e);
    }
  }

  /**
   * A dispatcher reading a PCM WAV file through Java Sound (for tests and demos without a
   * microphone); the last block is not zero-padded.
   *
   * @throws AudioFormatException when Java Sound cannot read the file
   */
  public static AudioDispatcher fromWav(File wav, int bufferSamples) {
    try {
      AudioDispatcher d = AudioDispatcherFactory.fromFile(wav, bufferSamples, 0);
      d.setZeroPadLastBuffer(false);
      return d;
    } catch (UnsupportedAudioFileException | IOException e) {
      throw new AudioFormatException(wav.toString(), "TarsosDSP/Java Sound cannot read it: " + e.getMessage(), e);
    }
  }

  /** Passes the block's new samples on; returns false (stopping the chain) after a failure. */
  @Override
  public boolean process(AudioEvent event) {
    if (failure != null) {
      return false;
    }
    float[] buf = event.getFloatBuffer();
    int skip = first ? 0 : Math.min(event.getOverlap(), buf.length);
    first = false;
    try {
      analyzer.accept(buf, skip, buf.length - skip);
      return true;
    } catch (RuntimeException e) {
      failure = e;
      if (dispatcher != null) {
        dispatcher.stop();
      }
      return false;
    }
  }

  /** Finishes the analyzer (the last partial window and an open utterance are analysed). */
  @Override
  public void processingFinished() {
    if (failure == null) {
      try {
        analyzer.finish();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
  }

  /** The error that stopped the stream, or {@code null}. */
  public RuntimeException failure() {
    return failure;
  }
}
