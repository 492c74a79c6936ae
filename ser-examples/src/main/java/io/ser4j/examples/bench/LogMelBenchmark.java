package io.ser4j.examples.bench;

import io.ser4j.audio.LogMelSpectrogram;
import io.ser4j.audio.Resampler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
      int[] rate = new int[1];
      float[] x = TemporaryPcm16WavReader.read(f, rate);
      float[] y = rate[0] == TARGET_RATE_HZ ? x : Resampler.create(rate[0], TARGET_RATE_HZ).resample(x);
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

  /**
   * TEMPORARY: a minimal mono/multi-channel 16-bit PCM WAV reader (channels averaged), only so that
   * this benchmark runs before the SDK's WAV reader lands; replace it with that reader then.
   */
  private static final class TemporaryPcm16WavReader {
    private TemporaryPcm16WavReader() {}

    static float[] read(Path file, int[] rateOut) throws IOException {
      ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      if (bb.limit() < 12 || bb.getInt(0) != 0x46464952 || bb.getInt(8) != 0x45564157) {
        throw new IOException(file + ": not a RIFF/WAVE file");
      }
      int pos = 12;
      int channels = 0;
      int bits = 0;
      while (pos + 8 <= bb.limit()) {
        int id = bb.getInt(pos);
        int size = bb.getInt(pos + 4);
        if (size < 0) {
          throw new IOException(file + ": bad chunk size");
        }
        if (id == 0x20746d66) { // "fmt "
          if (bb.getShort(pos + 8) != 1) {
            throw new IOException(file + ": not integer PCM");
          }
          channels = bb.getShort(pos + 10);
          rateOut[0] = bb.getInt(pos + 12);
          bits = bb.getShort(pos + 22);
        } else if (id == 0x61746164) { // "data"
          if (bits != 16 || channels < 1) {
            throw new IOException(file + ": need 16-bit PCM, got " + bits + " bits");
          }
          int frames = Math.min(size, bb.limit() - pos - 8) / (2 * channels);
          float[] x = new float[frames];
          for (int i = 0; i < frames; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
              sum += bb.getShort(pos + 8 + 2 * (i * channels + c)) / 32768f;
            }
            x[i] = sum / channels;
          }
          return x;
        }
        pos += 8 + size + (size & 1);
      }
      throw new IOException(file + ": no data chunk");
    }
  }
}
