package io.ser4j.examples.bench;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Cue-extraction throughput on one thread, over every WAV in a folder: decoding plus all cues (the
 * work {@code ser features} does per clip). Run side by side with Praat by {@code tools/bench/cues.sh}.
 *
 * <p>Usage: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.bench.CueBenchmark DIR
 * [passes]}. Prints {@code java_seconds=..., audio_seconds=..., clips=..., x_realtime=...} for the
 * timed passes (after one untimed warm-up pass), and the same for cue extraction alone.
 */
public final class CueBenchmark {
  private CueBenchmark() {}

  /** Entry point; see the class javadoc. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/emodb/wav");
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
    }
    CueExtractor extractor = CueExtractor.create();
    double sink = run(files, extractor, null); // warm-up
    double audio = 0;
    long t0 = System.nanoTime();
    for (int p = 0; p < passes; p++) {
      List<Double> durations = new ArrayList<>();
      sink += run(files, extractor, durations);
      audio += durations.stream().mapToDouble(Double::doubleValue).sum();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "decode+cues: java_seconds=%.4f audio_seconds=%.2f clips=%d x_realtime=%.1f ms_per_clip=%.3f%n",
        seconds, audio, files.size() * passes, audio / seconds, 1000 * seconds / (files.size() * passes));
    // cues alone, clips decoded up front
    List<AudioClip> clips = new ArrayList<>();
    for (Path f : files) {
      clips.add(AudioLoader.load(f));
    }
    long t1 = System.nanoTime();
    for (int p = 0; p < passes; p++) {
      for (AudioClip c : clips) {
        sink += checksum(extractor.extract(c, false));
      }
    }
    double cueSeconds = (System.nanoTime() - t1) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "cues only:   java_seconds=%.4f audio_seconds=%.2f clips=%d x_realtime=%.1f ms_per_clip=%.3f%n",
        cueSeconds, audio, clips.size() * passes, audio / cueSeconds,
        1000 * cueSeconds / (clips.size() * passes));
    System.out.println("(checksum " + sink + ")");
  }

  private static double run(List<Path> files, CueExtractor extractor, List<Double> durations) {
    double sink = 0;
    for (Path f : files) {
      AudioClip clip = AudioLoader.load(f);
      Cues c = extractor.extract(clip, false);
      sink += checksum(c);
      if (durations != null) {
        durations.add(clip.durationSeconds());
      }
    }
    return sink;
  }

  private static double checksum(Cues c) {
    double s = 0;
    for (double v : c.asMap().values()) {
      if (Double.isFinite(v)) {
        s += v;
      }
    }
    return s;
  }
}
