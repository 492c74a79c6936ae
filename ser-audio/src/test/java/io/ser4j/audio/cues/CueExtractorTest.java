package io.ser4j.audio.cues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.Resampler;
import io.ser4j.core.AudioClip;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.PitchContour;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CueExtractorTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final CueExtractor EXTRACTOR = CueExtractor.create();

  @Test
  void everyCueIsDefinedOnRealSpeechAndPlausible() {
    for (String f : List.of("emodb/wav/03a01Wa.wav", "emodb/wav/08a01Na.wav", "ravdess/wav/03-01-05-02-01-01-01.wav")) {
      AudioClip clip = AudioLoader.load(DATA.resolve(f));
      Cues c = EXTRACTOR.extract(clip, true);
      for (Cue cue : Cue.values()) {
        assertThat(c.isDefined(cue)).as(f + " " + cue.key()).isTrue();
      }
      assertThat(c.get(Cue.F0_MIN_HZ)).isLessThanOrEqualTo(c.get(Cue.F0_MEDIAN_HZ));
      assertThat(c.get(Cue.F0_MEDIAN_HZ)).isLessThanOrEqualTo(c.get(Cue.F0_MAX_HZ));
      assertThat(c.get(Cue.F0_MIN_HZ)).isGreaterThanOrEqualTo(75);
      assertThat(c.get(Cue.F0_MAX_HZ)).isLessThanOrEqualTo(600);
      assertThat(c.get(Cue.VOICED_FRACTION)).isBetween(0.1, 1.0);
      assertThat(c.get(Cue.JITTER_LOCAL)).isBetween(0.0, 0.1);
      assertThat(c.get(Cue.SHIMMER_LOCAL)).isBetween(0.0, 0.3);
      assertThat(c.get(Cue.HNR_DB)).isBetween(0.0, 40.0);
      assertThat(c.get(Cue.SPEECH_RATE_SYLLABLES_PER_S)).isBetween(0.5, 10.0);
      assertThat(c.sourceSampleRateHz()).isEqualTo(clip.sampleRate());
      PitchContour pc = c.contour().orElseThrow();
      assertThat(pc.timeStepSeconds()).isEqualTo(0.01);
      assertThat(c.withoutContour().contour()).isEmpty();
    }
  }

  @Test
  void angerIsLouderAndHigherThanSadnessForTheSameSpeakerAndSentence() {
    Cues anger = EXTRACTOR.extract(AudioLoader.load(DATA.resolve("emodb/wav/03a01Wa.wav")), false);
    Cues neutral = EXTRACTOR.extract(AudioLoader.load(DATA.resolve("emodb/wav/03a01Nc.wav")), false);
    assertThat(anger.get(Cue.F0_MEAN_HZ)).isGreaterThan(neutral.get(Cue.F0_MEAN_HZ));
  }

  @Test
  void silenceAndTinyClipsGiveUndefinedCuesNotExceptions() {
    Cues silence = EXTRACTOR.extract(AudioClip.of(new float[32000], 16000, "silence"), true);
    assertThat(silence.durationSeconds()).isEqualTo(2.0);
    assertThat(silence.isDefined(Cue.F0_MEAN_HZ)).isFalse();
    assertThat(silence.isDefined(Cue.JITTER_LOCAL)).isFalse();
    assertThat(silence.isDefined(Cue.HNR_DB)).isFalse();
    assertThat(silence.get(Cue.VOICED_FRACTION)).isEqualTo(0.0);
    for (int n : new int[] {0, 1, 100, 600}) {
      Cues tiny = EXTRACTOR.extract(AudioClip.of(new float[n], 16000, "tiny" + n), true);
      assertThat(tiny.isDefined(Cue.F0_MEAN_HZ)).isFalse();
      assertThat(tiny.durationSeconds()).isEqualTo(n / 16000.0);
    }
  }

  @Test
  void highRateClipsAreAnalysedAt16kHz() {
    AudioClip clip16 = AudioLoader.load(DATA.resolve("emodb/wav/03a01Wa.wav"), 16000);
    float[] up = Resampler.create(16000, 48000).resample(clip16.samples());
    Cues c48 = EXTRACTOR.extract(AudioClip.wrap(up, 48000, "up48k"), false);
    Cues c16 = EXTRACTOR.extract(clip16, false);
    assertThat(c48.sourceSampleRateHz()).isEqualTo(48000);
    assertThat(c48.get(Cue.F0_MEDIAN_HZ)).isCloseTo(c16.get(Cue.F0_MEDIAN_HZ), within(3.0));
    assertThat(c48.get(Cue.INTENSITY_MEAN_DB)).isCloseTo(c16.get(Cue.INTENSITY_MEAN_DB), within(0.5));
  }

  @Test
  void sharedExtractorIsThreadSafe() throws Exception {
    List<AudioClip> clips = new ArrayList<>();
    for (String f : List.of("03a01Wa", "03a01Nc", "08a01Na", "09a01Fa", "10a01Wa", "11a01Nd")) {
      Path p = DATA.resolve("emodb/wav/" + f + ".wav");
      clips.add(AudioLoader.load(p));
    }
    assertThat(clips).hasSize(6);
    List<String> sequential = new ArrayList<>();
    for (AudioClip c : clips) {
      sequential.add(EXTRACTOR.extract(c, false).toString());
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int rep = 0; rep < 4; rep++) {
        for (AudioClip c : clips) {
          futures.add(pool.submit(() -> EXTRACTOR.extract(c, false).toString()));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % clips.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
