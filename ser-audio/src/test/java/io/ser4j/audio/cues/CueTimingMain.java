package io.ser4j.audio.cues;

import io.ser4j.audio.WavReader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.PitchContour;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Manual single-thread profile of {@link CueExtractor}'s stages on EmoDB clips (not a unit test):
 * thread CPU time per clip (robust to other load on a shared machine) of pitch, point process,
 * jitter + shimmer, harmonicity, intensity, syllable nuclei and spectral cues, run in the order
 * {@link CueExtractor#analyze} runs them, plus {@link CueExtractor#extract} as a whole.
 *
 * <p>Run: {@code java -cp <test classpath> io.ser4j.audio.cues.CueTimingMain DATA_DIR [clips]
 * [rounds]} ({@code DATA_DIR/emodb/wav}; defaults: all clips, 8 rounds; the first rounds are JIT
 * warm-up).
 */
public final class CueTimingMain {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final String[] STAGES = {
    "pitch", "pointprocess", "jitter+shimmer", "harmonicity", "intensity", "nuclei", "spectral"
  };

  private CueTimingMain() {}

  /** Entry point; see the class javadoc. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0], "emodb", "wav");
    int limit = args.length > 1 ? Integer.parseInt(args[1]) : Integer.MAX_VALUE;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".wav")).sorted().limit(limit).toList();
    }
    AudioClip[] clips = new AudioClip[files.size()];
    double audioSeconds = 0;
    for (int i = 0; i < clips.length; i++) {
      clips[i] = WavReader.read(files.get(i));
      audioSeconds += clips[i].durationSeconds();
    }
    int rate = clips[0].sampleRate();
    Intensity intensity =
        Intensity.create(rate, Intensity.DEFAULT_MIN_PITCH_HZ, Intensity.DEFAULT_TIME_STEP_S);
    SyllableNuclei nuclei = SyllableNuclei.create(rate);
    SpectralCues spectral = SpectralCues.create(rate);
    CueExtractor extractor = CueExtractor.create();
    double n = clips.length;
    for (int round = 0; round < rounds; round++) {
      long[] t = new long[STAGES.length + 1];
      double sink = 0;
      for (AudioClip clip : clips) {
        float[] x = clip.samples();
        int sr = clip.sampleRate();
        long t0 = CPU.getCurrentThreadCpuTime();
        Pitch p = Pitch.track(x, sr, PitchSettings.PRAAT_DEFAULT);
        long t1 = CPU.getCurrentThreadCpuTime();
        PointProcess pp = PointProcess.fromSoundAndPitch(x, sr, p);
        long t2 = CPU.getCurrentThreadCpuTime();
        sink += VoiceQuality.jitterLocal(pp) + VoiceQuality.shimmerLocal(pp, x, sr);
        long t3 = CPU.getCurrentThreadCpuTime();
        sink += Harmonicity.track(x, sr).meanDb();
        long t4 = CPU.getCurrentThreadCpuTime();
        sink += intensity.contour(x).meanDb();
        long t5 = CPU.getCurrentThreadCpuTime();
        PitchContour contour = p.toContour();
        sink += nuclei.detect(x, contour).pauseFraction();
        long t6 = CPU.getCurrentThreadCpuTime();
        sink += spectral.compute(x, contour).alphaRatioDb();
        long t7 = CPU.getCurrentThreadCpuTime();
        sink += extractor.extract(clip, false).durationSeconds();
        long t8 = CPU.getCurrentThreadCpuTime();
        long[] marks = {t0, t1, t2, t3, t4, t5, t6, t7, t8};
        for (int s = 0; s <= STAGES.length; s++) {
          t[s] += marks[s + 1] - marks[s];
        }
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "round %d, %d clips @%d Hz (%.2f s avg), thread-CPU ms/clip:", round, clips.length,
          rate, audioSeconds / n));
      long stagesTotal = 0;
      for (int s = 0; s < STAGES.length; s++) {
        line.append(String.format(Locale.ROOT, " %s %.3f,", STAGES[s], t[s] / n / 1e6));
        stagesTotal += t[s];
      }
      line.append(String.format(Locale.ROOT, " sum %.3f; extract %.3f (x realtime %.0f) [%s]",
          stagesTotal / n / 1e6, t[STAGES.length] / n / 1e6,
          audioSeconds / (t[STAGES.length] / 1e9), Double.isNaN(sink) ? "nan" : "ok"));
      System.out.println(line);
    }
  }
}
