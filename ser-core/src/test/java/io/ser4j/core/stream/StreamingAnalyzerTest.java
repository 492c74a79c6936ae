package io.ser4j.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Windows, smoothing and VAD on a synthetic signal whose boundaries are known exactly. */
class StreamingAnalyzerTest {
  private static final int RATE = 16_000;
  private static final LabelSet LABELS = LabelSet.of("high", "low");

  /** Bursts of a tone (220 Hz for "low", 880 Hz for "high") in -80 dBFS noise. */
  private static float[] signal(double seconds, double[][] bursts) {
    float[] x = new float[(int) (seconds * RATE)];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (1e-4 * (rnd.nextDouble() * 2 - 1));
    }
    for (double[] b : bursts) {
      for (int i = (int) (b[0] * RATE); i < (int) (b[1] * RATE); i++) {
        x[i] += (float) (0.1 * Math.sin(2 * Math.PI * b[2] * i / RATE));
      }
    }
    return x;
  }

  /** Labels a clip "high" in proportion to its zero-crossing rate above 1000/s. */
  private static Recognition zcr(AudioClip c) {
    int crossings = 0;
    for (int i = 1; i < c.length(); i++) {
      if ((c.sample(i - 1) < 0) != (c.sample(i) < 0)) {
        crossings++;
      }
    }
    double rate = crossings / c.durationSeconds();
    double high = Math.min(0.95, Math.max(0.05, (rate - 440) / 1320.0));
    LabelDistribution d = LabelDistribution.of(LABELS, new double[] {high, 1 - high});
    return new Recognition(c.sourceId(), "zcr", "", d.argmax(), d, "", null, null);
  }

  @Test
  void windowsSegmentsAndSmoothingOnKnownBursts() {
    double[][] bursts = {{1.0, 2.0, 220}, {3.0, 4.5, 880}, {6.0, 6.6, 880}};
    float[] x = signal(8.0, bursts);
    List<WindowResult> windows = new ArrayList<>();
    List<SpeechSegment> segs = new ArrayList<>();
    StreamOptions opt =
        StreamOptions.builder().optWindowSeconds(1.0).optHopSeconds(0.5).optSmoothingSeconds(1.0).build();
    StreamingAnalyzer a =
        StreamingAnalyzer.create(
            RATE, "synthetic", opt, StreamingAnalyzerTest::zcr,
            new StreamListener() {
              @Override
              public void onWindow(WindowResult w) {
                windows.add(w);
              }

              @Override
              public void onSegment(SpeechSegment s) {
                segs.add(s);
              }
            });
    // feed in odd-sized blocks, as a capture device would
    for (int off = 0; off < x.length; off += 777) {
      a.accept(x, off, Math.min(777, x.length - off));
    }
    StreamSummary sum = a.finish();

    // windows start every 0.5 s; the last full one is [7.0, 8.0]
    assertThat(windows).hasSize(15);
    for (int i = 0; i < windows.size(); i++) {
      assertThat(windows.get(i).index()).isEqualTo(i);
      assertThat(windows.get(i).startSeconds()).isCloseTo(0.5 * i, within(1e-9));
      assertThat(windows.get(i).endSeconds()).isCloseTo(0.5 * i + 1.0, within(1e-9));
    }
    // [1,2] is all tone; [0,1] none; [0.5,1.5] half
    assertThat(windows.get(2).speechFraction()).isEqualTo(1.0);
    assertThat(windows.get(0).speechFraction()).isEqualTo(0.0);
    assertThat(windows.get(1).speechFraction()).isCloseTo(0.5, within(0.03));
    assertThat(windows.get(0).isSpeech()).isFalse();
    assertThat(windows.get(0).smoothed()).isNull();
    assertThat(windows.get(2).recognition().label()).isEqualTo(Label.of("low"));
    assertThat(windows.get(7).recognition().label()).isEqualTo(Label.of("high")); // [3.5, 4.5]
    assertThat(windows.get(9).isSpeech()).isFalse(); // [4.5, 5.5] silence

    // smoothing: s_k = s_{k-1} + (1 - exp(-hop/tau)) (p_k - s_{k-1}) over speech windows
    double w = 1 - Math.exp(-0.5 / 1.0);
    double s = Double.NaN;
    for (WindowResult wr : windows) {
      if (wr.isSpeech()) {
        double p = wr.recognition().probabilities().probability(Label.of("high"));
        s = Double.isNaN(s) ? p : s + w * (p - s);
      }
      if (!Double.isNaN(s)) {
        assertThat(wr.smoothed().probability(Label.of("high"))).isCloseTo(s, within(1e-12));
      }
    }
    assertThat(sum.smoothed().probability(Label.of("high"))).isCloseTo(s, within(1e-12));

    // utterances at the bursts, to within one 20 ms frame
    assertThat(segs).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(segs.get(i).startSeconds()).isCloseTo(bursts[i][0], within(0.021));
      assertThat(segs.get(i).endSeconds()).isCloseTo(bursts[i][1], within(0.021));
    }
    assertThat(segs.get(0).recognition().label()).isEqualTo(Label.of("low"));
    assertThat(segs.get(1).recognition().label()).isEqualTo(Label.of("high"));
    assertThat(segs.get(2).recognition().label()).isEqualTo(Label.of("high"));
    assertThat(sum.segments()).isEqualTo(segs);
    assertThat(sum.windows()).isEqualTo(15);
    assertThat(sum.speechWindows()).isEqualTo(windows.stream().filter(WindowResult::isSpeech).count());
    assertThat(sum.durationSeconds()).isEqualTo(8.0);
  }

  @Test
  void finishAnalysesTheTailAndShortStreams() {
    List<WindowResult> windows = new ArrayList<>();
    StreamOptions opt = StreamOptions.builder().optWindowSeconds(2.0).optHopSeconds(1.0).optMinSpeechFraction(0).build();
    StreamListener l =
        new StreamListener() {
          @Override
          public void onWindow(WindowResult w) {
            windows.add(w);
          }
        };
    StreamingAnalyzer a = StreamingAnalyzer.create(RATE, "tail", opt, StreamingAnalyzerTest::zcr, l);
    a.accept(signal(3.6, new double[][] {{0.2, 3.4, 880}}));
    a.finish();
    // [0,2], [1,3], then the tail [1.6, 3.6]
    assertThat(windows).extracting(WindowResult::startSeconds).containsExactly(0.0, 1.0, 1.6);
    assertThat(windows.get(2).endSeconds()).isEqualTo(3.6);

    windows.clear();
    StreamingAnalyzer b = StreamingAnalyzer.create(RATE, "short", opt, StreamingAnalyzerTest::zcr, l);
    b.accept(signal(0.7, new double[][] {{0.1, 0.6, 880}}));
    StreamSummary s = b.finish();
    assertThat(windows).hasSize(1);
    assertThat(windows.get(0).endSeconds()).isEqualTo(0.7);
    assertThat(s.segments()).hasSize(1);
    assertThatThrownBy(() -> b.accept(new float[1])).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void longStreamsKeepBoundedMemoryAndCutLongUtterances() {
    StreamOptions opt =
        StreamOptions.builder()
            .optWindowSeconds(1.0)
            .optHopSeconds(1.0)
            .optVad(new VadOptions(0.02, 15, -60, 2, 0.15, 0.5, 5.0))
            .build();
    List<SpeechSegment> segs = new ArrayList<>();
    StreamingAnalyzer a =
        StreamingAnalyzer.create(
            RATE, "long", opt, StreamingAnalyzerTest::zcr,
            new StreamListener() {
              @Override
              public void onSegment(SpeechSegment s) {
                segs.add(s);
              }
            });
    // 10 minutes of "speech": tone with a 0.1 s pause every second (shorter than the 0.5 s that
    // ends an utterance), so the only cuts are the 5 s maximum
    float[] block = signal(1.0, new double[][] {{0, 0.9, 220}});
    for (int i = 0; i < 600; i++) {
      a.accept(block);
    }
    a.finish();
    assertThat(segs).hasSizeBetween(118, 121);
    assertThat(segs.get(0).durationSeconds()).isCloseTo(5.0, within(0.021));
    assertThat(segs).allSatisfy(s -> assertThat(s.durationSeconds()).isLessThanOrEqualTo(5.0 + 1e-9));
  }

  @Test
  void badSamplesAndOptionsAreRejected() {
    StreamingAnalyzer a =
        StreamingAnalyzer.create(RATE, "bad", StreamOptions.DEFAULTS, StreamingAnalyzerTest::zcr, StreamListener.NONE);
    float[] x = new float[100];
    x[42] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> a.accept(x))
        .isInstanceOf(AudioFormatException.class)
        .hasMessage("bad: sample 42 is Infinity (NaN/Inf samples are not audio)");
    assertThatThrownBy(() -> StreamOptions.builder().optHopSeconds(3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hop");
    assertThatThrownBy(() -> StreamOptions.builder().optWindowSeconds(0.1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }
}
