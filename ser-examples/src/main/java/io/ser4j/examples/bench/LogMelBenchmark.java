package io.ser4j.examples.bench;

import io.ser4j.audio.LogMelSpectrogram;
import io.ser4j.audio.Resampler;
import io.ser4j.audio.WavReader;
import io.ser4j.core.AudioClip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Single-thread throughput of {@link LogMelSpectrogram} over a directory of WAV clips (EmoDB), the
 * Java side of {@code tools/bench/logmel.sh}; {@code tools/reference/logmel_bench.py} is the torch
 * side and uses the same scheme.
 *
 * <p>Usage: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.bench.LogMelBenchmark
 * WAV_DIR [N_MELS=80] [WARMUP_PASSES=3] [TIMED_PASSES=10]}.
 *
 * <p>Every {@code *.wav} (sorted by name) is read and resampled to 16 kHz with {@link Resampler}
 * before any timing and kept in memory. Then {@code WARMUP_PASSES} untimed passes and {@code
 * TIMED_PASSES} timed passes, each computing the log-mel of every clip separately ({@link
 * LogMelSpectrogram#compute}, no 30 s padding) on the calling thread. Prints the per-pass times and
 * one line {@code RESULT impl=java ... clips_per_s=... rtf=... x_realtime=...} computed from the
 * best pass. Not thread-safe (a command-line program).
 */
public final class LogMelBenchmark {
  private static final int TARGET_RATE_HZ = LogMelSpectrogram.SAMPLE_RATE_HZ;

  private LogMelBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code WAV_DIR [N_MELS] [WARMUP_PASSES] [TIMED_PASSES]}
   * @throws IOException if the directory or a clip cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println(
          "usage: LogMelBenchmark WAV_DIR [N_MELS=80] [WARMUP_PASSES=3] [TIMED_PASSES=10]");
      System.exit(2);
    }
    Path dir = Paths.get(args[0]);
    int nMels = args.length > 1 ? Integer.parseInt(args[1]) : 80;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int timed = args.length > 3 ? Integer.parseInt(args[3]) : 10;

    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".wav")).sorted().toList();
    }
    if (files.isEmpty()) {
      System.err.println(dir + ": no .wav files");
      System.exit(1);
    }
    List<float[]> clips = new ArrayList<>();
    long totalSamples = 0;
    for (Path f : files) {
      AudioClip clip = WavReader.read(f);
      float[] x = clip.samples();
      int rate = clip.sampleRate();
      float[] y = rate == TARGET_RATE_HZ ? x : Resampler.create(rate, TARGET_RATE_HZ).resample(x);
      clips.add(y);
      totalSamples += y.length;
    }
    double audioSeconds = (double) totalSamples / TARGET_RATE_HZ;
    LogMelSpectrogram spec = LogMelSpectrogram.whisper(nMels);

    double checksum = 0;
    for (int pass = 0; pass < warmup; pass++) {
      for (float[] c : clips) {
        checksum += spec.compute(c)[0][0];
      }
    }
    double[] passSeconds = new double[timed];
    for (int pass = 0; pass < timed; pass++) {
      long t0 = System.nanoTime();
      for (float[] c : clips) {
        checksum += spec.compute(c)[nMels - 1][0];
      }
      passSeconds[pass] = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "pass %d: %.5f s%n", pass, passSeconds[pass]);
    }
    double[] sorted = passSeconds.clone();
    Arrays.sort(sorted);
    double best = sorted[0];
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]);
    System.out.printf(
        Locale.ROOT,
        "RESULT impl=java n_mels=%d clips=%d audio_s=%.3f best_pass_s=%.5f median_pass_s=%.5f"
            + " clips_per_s=%.1f rtf=%.3g x_realtime=%.1f threads=1 checksum=%.3f%n",
        nMels, clips.size(), audioSeconds, best, median, clips.size() / best, best / audioSeconds,
        audioSeconds / best, checksum);
  }
}
