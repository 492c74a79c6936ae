package io.ser4j.audio.cues;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Manual single-thread timing (thread CPU time, so other processes on a shared machine inflate
 * it less than wall time) of pitch + point process + jitter/shimmer + harmonicity on EmoDB
 * clips (not a unit test). Run: {@code java -cp ... io.ser4j.audio.cues.VoiceTimingMain DATA_DIR
 * [16000]} (the optional rate resamples the clips first).
 */
public final class VoiceTimingMain {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private VoiceTimingMain() {}

  /** Entry point. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0], "emodb", "wav");
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().limit(100).toList();
    }
    float[][] clips = new float[files.size()][];
    int sr = 0;
    for (int i = 0; i < clips.length; i++) {
      var c = PraatVoiceFixtures.readPcm16(files.get(i));
      sr = c.sampleRate();
      clips[i] = c.samples();
      if (rate > 0) {
        clips[i] = io.ser4j.audio.Resampler.create(c.sampleRate(), rate).resample(c.samples());
      }
    }
    if (rate > 0) {
      sr = rate;
    }
    double audioSeconds = 0;
    for (float[] c : clips) {
      audioSeconds += (double) c.length / sr;
    }
    for (int round = 0; round < 6; round++) {
      long tPitch = 0;
      long tPp = 0;
      long tJs = 0;
      long tHnr = 0;
      double sink = 0;
      for (float[] x : clips) {
        long a = CPU.getCurrentThreadCpuTime();
        Pitch p = Pitch.track(x, sr, PitchSettings.PRAAT_DEFAULT);
        long b = CPU.getCurrentThreadCpuTime();
        PointProcess pp = PointProcess.fromSoundAndPitch(x, sr, p);
        long c = CPU.getCurrentThreadCpuTime();
        sink += VoiceQuality.jitterLocal(pp) + VoiceQuality.shimmerLocal(pp, x, sr);
        long d = CPU.getCurrentThreadCpuTime();
        sink += Harmonicity.track(x, sr).meanDb();
        long e = CPU.getCurrentThreadCpuTime();
        tPitch += b - a;
        tPp += c - b;
        tJs += d - c;
        tHnr += e - d;
      }
      double n = clips.length;
      System.out.printf("round %d @%d Hz, thread-CPU ms/clip (%.2f s avg): pitch %.3f, pointprocess %.3f, "
              + "jitter+shimmer %.3f, harmonicity %.3f, total %.3f  (x realtime %.0f) [%s]%n",
          round, sr, audioSeconds / n, tPitch / n / 1e6, tPp / n / 1e6, tJs / n / 1e6,
          tHnr / n / 1e6, (tPitch + tPp + tJs + tHnr) / n / 1e6,
          audioSeconds / ((tPitch + tPp + tJs + tHnr) / 1e9), Double.isNaN(sink) ? "nan" : "ok");
    }
  }
}
