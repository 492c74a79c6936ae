package io.ser4j.examples.stream;

import be.tarsos.dsp.AudioDispatcher;
import io.ser4j.audio.tarsos.TarsosStreamAdapter;
import io.ser4j.core.Recognition;
import io.ser4j.core.Ser;
import io.ser4j.core.stream.SpeechSegment;
import io.ser4j.core.stream.StreamListener;
import io.ser4j.core.stream.StreamOptions;
import io.ser4j.core.stream.StreamSummary;
import io.ser4j.core.stream.StreamingAnalyzer;
import io.ser4j.core.stream.WindowResult;
import java.io.File;
import java.util.Locale;

/**
 * Live emotion recognition from the microphone through TarsosDSP's {@code AudioDispatcher}
 * (GPL-3.0, optional; see README.md beside this file): 2-s windows every 0.5 s, a running
 * distribution, and one line per utterance.
 *
 * <p>Usage: {@code MicrophoneStreamExample [--seconds N] [--model M] [--file clip.wav]}; with
 * {@code --file} the dispatcher reads a PCM WAV file instead of the microphone (for machines without
 * one, and for the smoke test). A command-line program; not for concurrent use.
 */
public final class MicrophoneStreamExample {
  /** Capture rate: 16 kHz mono, what the models use. */
  public static final int SAMPLE_RATE_HZ = 16_000;
  /** Samples per dispatcher block: 0.1 s. */
  public static final int BUFFER_SAMPLES = 1_600;

  private MicrophoneStreamExample() {}

  /**
   * Runs the example.
   *
   * @param args {@code [--seconds N] [--model M] [--file clip.wav]}
   * @throws InterruptedException when interrupted while capturing
   */
  public static void main(String[] args) throws InterruptedException {
    double seconds = 10;
    String model = "default";
    File file = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--model" -> model = args[i + 1];
        case "--file" -> file = new File(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    StreamOptions options = StreamOptions.builder().optWindowSeconds(2.0).optHopSeconds(0.5).build();
    try (Ser ser = Ser.create(model)) {
      AudioDispatcher dispatcher =
          file != null
              ? TarsosStreamAdapter.fromWav(file, BUFFER_SAMPLES)
              : TarsosStreamAdapter.microphone(SAMPLE_RATE_HZ, BUFFER_SAMPLES);
      int rate = Math.round(dispatcher.getFormat().getSampleRate());
      StreamingAnalyzer analyzer =
          ser.openStream(rate, file != null ? file.toString() : "microphone", options, new Printer());
      TarsosStreamAdapter adapter = new TarsosStreamAdapter(analyzer).attachTo(dispatcher);
      Thread capture = new Thread(dispatcher, "tarsos-capture");
      capture.start();
      if (file == null) {
        System.out.printf(Locale.ROOT, "listening for %.0f s (model %s)...%n", seconds, ser.modelName());
        capture.join((long) (seconds * 1000));
        dispatcher.stop();
      }
      capture.join();
      if (adapter.failure() != null) {
        throw adapter.failure();
      }
      StreamSummary s = analyzer.finish();
      System.out.printf(Locale.ROOT, "%.1f s analysed: %d windows, %d utterances%n",
          s.durationSeconds(), s.windows(), s.segments().size());
    }
  }

  /** Prints each speech window and utterance. */
  private static final class Printer implements StreamListener {
    @Override
    public void onWindow(WindowResult w) {
      Recognition r = w.recognition();
      if (r != null) {
        System.out.printf(Locale.ROOT, "[%6.2f-%6.2f s] %-10s %.2f   running: %s %.2f%n",
            w.startSeconds(), w.endSeconds(), r.label(), r.probabilities().probability(r.label()),
            w.smoothed().argmax(), w.smoothed().probability(w.smoothed().argmax()));
      }
    }

    @Override
    public void onSegment(SpeechSegment s) {
      s.recognitionIfAny().ifPresent(r -> System.out.printf(Locale.ROOT,
          "utterance %.2f-%.2f s: %s%n", s.startSeconds(), s.endSeconds(), r.label()));
    }
  }
}
