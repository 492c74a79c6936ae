package io.ser4j.audio.cues;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Single-thread throughput of Intensity + SyllableNuclei + SpectralCues on the 408 EmoDB clips (not a
 * unit test; run by hand: {@code java -cp <test classpath> io.ser4j.audio.cues.ProsodyTimingMain}
 * with {@code -Dser4j.data.dir=...}).
 */
public final class ProsodyTimingMain {
  private ProsodyTimingMain() {}

  /** Prints thread-CPU ms per clip (robust to other load on the machine) for each cue family and in total. */
  public static void main(String[] args) {
    JsonNode pitch = ProsodyFixtures.fixture("pitch.json").get("clips");
    List<float[]> clips = new ArrayList<>();
    List<double[]> f0s = new ArrayList<>();
    List<Double> t1s = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = pitch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      clips.add(ProsodyFixtures.readWav(ProsodyFixtures.emodbWavDir().resolve(e.getKey())).samples());
      f0s.add(ProsodyFixtures.doubles(e.getValue().get("f0")));
      t1s.add(e.getValue().get("t1").asDouble());
    }
    Intensity intensity = Intensity.create(22050, Intensity.DEFAULT_MIN_PITCH_HZ, Intensity.DEFAULT_TIME_STEP_S);
    SyllableNuclei nuclei = SyllableNuclei.create(22050);
    SpectralCues spectral = SpectralCues.create(22050);
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    double sink = 0;
    for (int round = 0; round < 20; round++) {
      long ti = 0, tn = 0, ts = 0;
      for (int c = 0; c < clips.size(); c++) {
        long a = cpu.getCurrentThreadCpuTime();
        Intensity.Contour ic = intensity.contour(clips.get(c));
        sink += ic.meanDb() + ic.rangeDb();
        long b = cpu.getCurrentThreadCpuTime();
        sink += nuclei.detect(clips.get(c), f0s.get(c), t1s.get(c), 0.01).speechRate();
        long d = cpu.getCurrentThreadCpuTime();
        sink += spectral.compute(clips.get(c), f0s.get(c), t1s.get(c), 0.01).alphaRatioDb();
        long e = cpu.getCurrentThreadCpuTime();
        ti += b - a;
        tn += d - b;
        ts += e - d;
      }
      double n = clips.size() * 1e6;
      System.out.printf("round %d: intensity %.3f ms, nuclei %.3f ms, spectral %.3f ms, total %.3f ms per 2-s clip%n",
          round, ti / n, tn / n, ts / n, (ti + tn + ts) / n);
    }
    System.out.println("(checksum " + sink + ")");
  }
}
