package io.ser4j.examples;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.LogMelSpectrogram;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import java.nio.file.Path;

/**
 * The README's quick start, compiled and run by the test suite so it never goes stale.
 *
 * <p>Run: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.QuickStart
 * examples/audio/angry.wav}
 */
public final class QuickStart {
  private QuickStart() {}

  /** Prints a few cues and the log-mel shape of the clip given as the first argument. */
  public static void main(String[] args) {
    Path file = Path.of(args.length > 0 ? args[0] : "examples/audio/angry.wav");
    // --- README quick start begins ---
    AudioClip clip = AudioLoader.load(file); // WAV (any PCM/float); other formats via ffmpeg
    Cues cues = CueExtractor.create().extract(clip, true); // thread-safe: share one extractor
    System.out.printf(
        "F0 %.0f Hz (sd %.1f st), HNR %.1f dB, %.1f syllables/s%n",
        cues.get(Cue.F0_MEAN_HZ),
        cues.get(Cue.F0_SD_SEMITONES),
        cues.get(Cue.HNR_DB),
        cues.get(Cue.SPEECH_RATE_SYLLABLES_PER_S));
    AudioClip clip16k = AudioLoader.load(file, 16_000); // streaming decode + torchaudio-exact resampling
    float[][] mel = LogMelSpectrogram.whisper(80).compute(clip16k.samples()); // [80][frames]
    System.out.println("log-mel: " + mel.length + " x " + mel[0].length);
    // --- README quick start ends ---
  }
}
