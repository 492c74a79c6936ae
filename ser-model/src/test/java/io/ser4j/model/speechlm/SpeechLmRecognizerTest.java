package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.Recognition;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@link SpeechLmRecognizer} and {@link SpeechLmProvider} on the tiny random checkpoints. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeechLmRecognizerTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static final Path DIR = SpeechLmFixtures.checkpoint("tiny-untied");

  SpeechLmRecognizer recognizer;
  AudioClip clip;

  @BeforeAll
  void open() {
    Path wav = DATA.resolve("emodb/wav/03a01Wa.wav");
    assertThat(wav).as("EmoDB clip (ser4j.data.dir)").exists();
    clip = AudioLoader.load(wav);
    recognizer = SpeechLmRecognizer.open(DIR, SpeechLmOptions.defaults());
  }

  @AfterAll
  void close() {
    recognizer.close();
  }

  @Test
  void recognitionIsConsistentWithTheAnswerAndDeterministic() {
    int arrays = recognizer.model().residentArrayCount();
    SpeechLmRecognizer.Result a = recognizer.analyze(clip, null);
    SpeechLmRecognizer.Result b = recognizer.analyze(clip, null);
    Recognition r = a.recognition();
    assertThat(r.sourceId()).isEqualTo(clip.sourceId());
    assertThat(r.model()).isEqualTo(DIR.toString());
    LabelSet labels = LabelSet.UNIFIED;
    assertThat(r.probabilities().labels()).isEqualTo(labels);
    double sum = 0;
    for (double p : r.probabilities().toArray()) {
      assertThat(p).isBetween(0.0, 1.0);
      sum += p;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-9));
    assertThat(labels.contains(r.label())).isTrue();
    assertThat(r.label()).isEqualTo(r.probabilities().argmax());
    // the distribution is the softmax of the per-label log-probabilities
    double[] lp = a.labelLogProbs();
    int best = labels.indexOf(r.label());
    for (int i = 0; i < lp.length; i++) {
      assertThat(lp[i]).isLessThanOrEqualTo(lp[best]);
    }
    // transcript and rationale are what the answer text parses to; the answer carries the label
    AnswerFormat.ParsedAnswer parsed = AnswerFormat.parse(a.answer(), labels);
    assertThat(r.transcript()).isEqualTo(parsed.transcript());
    assertThat(r.rationale()).isEqualTo(parsed.rationale());
    assertThat(parsed.label()).isEqualTo(r.label());
    assertThat(a.generatedTokens()).isPositive();
    assertThat(a.promptTokens()).isGreaterThan(50); // 2 s of audio = 50 frames + text
    assertThat(r.cues()).isNotNull();
    assertThat(r.timings().total()).isPositive();
    // deterministic (greedy)
    assertThat(b.answer()).isEqualTo(a.answer());
    assertThat(b.recognition().probabilities()).isEqualTo(r.probabilities());
    assertThat(b.recognition().label()).isEqualTo(r.label());
    // no native arrays left behind
    assertThat(recognizer.model().residentArrayCount()).isEqualTo(arrays);
  }

  @Test
  void oneClipIsOnePromptPrefillAndTruncateEqualsAFreshPrefill() {
    LabelSet labels = LabelSet.of("anger", "neutral", "sadness");
    try (SpeechLmRecognizer r = SpeechLmRecognizer.open(DIR, SpeechLmOptions.defaults())) {
      long p0 = r.model().prefillCount();
      assertThat(r.analyze(clip, labels).labelPositionForced()).isTrue();
      assertThat(r.model().prefillCount() - p0).as("prefills per clip, forced label position").isEqualTo(1);
      r.labelKeyForTesting(java.util.regex.Pattern.compile("(?s)\\A.{1,12}?\\S\\z"));
      long p1 = r.model().prefillCount();
      assertThat(r.analyze(clip, labels).labelPositionForced()).isFalse();
      assertThat(r.model().prefillCount() - p1).as("prefills per clip, reached label position").isEqualTo(1);
      // KvCache.truncate: prefill a longer prompt, roll back, continue = the short prompt's continuation
      SpeechLm m = r.model();
      int[] shortIds = {1, 20, 7, 45, 10};
      int[] longIds = {1, 20, 7, 45, 10, 134, 155, 158};
      KvCache[] h = new KvCache[1];
      m.prefillBatch(new int[][] {shortIds}, null, h);
      float[] expected;
      try (KvCache c = h[0]) {
        expected = m.stepBatch(c, new int[][] {{22, 30}})[0];
      }
      m.prefillBatch(new int[][] {longIds}, null, h);
      try (KvCache c = h[0]) {
        c.truncate(shortIds.length);
        assertThat(c.length()).isEqualTo(shortIds.length);
        float[] got = m.stepBatch(c, new int[][] {{22, 30}})[0];
        for (int i = 0; i < got.length; i++) {
          assertThat(got[i]).isCloseTo(expected[i], within(1e-5f));
        }
        assertThatThrownBy(() -> c.truncate(99)).isInstanceOf(io.ser4j.core.RecognitionException.class);
      }
    }
  }

  @Test
  void labelPositionReachedByTheModelContinuesOverTheSameCache() {
    // the random model never writes "Emotion:", so let a key matching its own first 3 tokens mark
    // the label position, and check scores and rationale against independent computations
    LabelSet labels = LabelSet.of("anger", "neutral", "sadness");
    SpeechTokenizer tok = SpeechTokenizer.load(DIR);
    try (SpeechLmRecognizer r = SpeechLmRecognizer.open(DIR, SpeechLmOptions.defaults())) {
      SpeechLmRecognizer.Result forced = r.analyze(clip, labels);
      assertThat(forced.labelPositionForced()).isTrue();
      float[][] audio = r.model().encodeAudio(io.ser4j.audio.LogMelSpectrogram.whisper(80)
          .compute(io.ser4j.audio.Resampler.create(clip.sampleRate(), 16_000)
              .resample(clip.samples())));
      int[] prompt = ChatTemplate.promptIds(tok, ChatTemplate.audioPrompt(
          SpeechLmOptions.DEFAULT_SYSTEM_PROMPT,
          r.instruction(labels, forced.recognition().cues())));
      Generator g = new Generator(r.model(), tok);
      GenerationConfig cfg = r.generationConfig();
      int[] gen = g.generate(prompt, audio, cfg, null).tokenIds();
      assertThat(gen.length).isGreaterThanOrEqualTo(3);
      int[] head = java.util.Arrays.copyOf(gen, 3);
      r.labelKeyForTesting(java.util.regex.Pattern.compile(
          "\\A" + java.util.regex.Pattern.quote(tok.decode(head, false)) + "\\z"));
      SpeechLmRecognizer.Result reached = r.analyze(clip, labels);
      assertThat(reached.labelPositionForced()).isFalse();
      int[] prefix = concat(prompt, head);
      LabelScorer.Scores expected = new LabelScorer(r.model(), tok).score(prefix, audio, labels);
      assertThat(reached.labelLogProbs()).containsExactly(expected.logProbs(), within(1e-4));
      Label label = reached.recognition().label();
      assertThat(label).isEqualTo(expected.label());
      int[] labelTokens = new LabelScorer(r.model(), tok).labelTokens(label);
      int[] rationale = g.generate(concat(prefix, labelTokens), audio, cfg, null).tokenIds();
      int n = rationale.length;
      if (n > 0 && cfg.isStopToken(rationale[n - 1])) {
        n--;
      }
      String answer = tok.decode(concat(concat(head, labelTokens),
          java.util.Arrays.copyOf(rationale, n)), false);
      assertThat(reached.answer()).isEqualTo(answer);
      assertThat(reached.generatedTokens()).isEqualTo(3 + n);
    } finally {
      tok.close();
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void candidatesRestrictTheDistributionAndTheLabel() {
    LabelSet two = LabelSet.of("sadness", "anger");
    Recognition r = recognizer.recognize(clip, two);
    assertThat(r.probabilities().labels()).isEqualTo(two);
    assertThat(r.probabilities().toArray()[0] + r.probabilities().toArray()[1])
        .isCloseTo(1.0, within(1e-9));
    assertThat(two.contains(r.label())).isTrue();
    // restricting to one label forces it
    Recognition one = recognizer.recognize(clip, LabelSet.of("boredom"));
    assertThat(one.label()).isEqualTo(Label.of("boredom"));
    assertThat(one.probabilities().toArray()).containsExactly(1.0);
  }

  @Test
  void scoresOfTheFullSetRestrictToASubsetConsistently() {
    // the same prefix is scored whatever the candidates, except the prompt's Labels line differs;
    // so compare the scorer-level invariant: probabilities are a softmax of labelLogProbs
    SpeechLmRecognizer.Result res = recognizer.analyze(clip, LabelSet.of("anger", "fear", "calm"));
    double[] lp = res.labelLogProbs();
    double max = Math.max(lp[0], Math.max(lp[1], lp[2]));
    double z = 0;
    for (double v : lp) {
      z += Math.exp(v - max);
    }
    double[] p = res.recognition().probabilities().toArray();
    for (int i = 0; i < 3; i++) {
      assertThat(p[i]).isCloseTo(Math.exp(lp[i] - max) / z, within(1e-9));
    }
  }

  @Test
  void labelsThatTokenizeIdenticallyAreATypedError() {
    // neither word is in the tiny vocabulary: both become <unk>
    LabelSet oov = LabelSet.of("zorn", "ekel");
    assertThatThrownBy(() -> recognizer.recognize(clip, oov))
        .isInstanceOf(io.ser4j.core.RecognitionException.class)
        .hasMessageContaining("tokenize identically");
  }

  @Test
  void audioLongerThanTheWindowIsRejectedWithItsDurationAndTheLimit() {
    float[] x = new float[16_000 * 31];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (0.1 * Math.sin(2 * Math.PI * 220 * i / 16_000.0));
    }
    AudioClip longClip = AudioClip.of(x, 16_000, "long.wav");
    assertThatThrownBy(() -> recognizer.recognize(longClip, null))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("long.wav")
        .hasMessageContaining("31.00 s")
        .hasMessageContaining("30.00 s")
        .hasMessageContaining("max_source_positions 1500");
  }

  @Test
  void optionLimitRejectsShorterClips() {
    try (SpeechLmRecognizer r = SpeechLmRecognizer.open(DIR,
        SpeechLmOptions.builder().maxAudioSeconds(1.5).rationale(false).build())) {
      assertThat(r.maxAudioSeconds()).isEqualTo(1.5);
      assertThatThrownBy(() -> r.recognize(clip, null))
          .isInstanceOf(AudioFormatException.class)
          .hasMessageContaining(clip.sourceId())
          .hasMessageContaining("1.50 s");
    }
  }

  @Test
  void withoutRationaleTheAnswerEndsAtTheLabel() {
    try (SpeechLmRecognizer r = SpeechLmRecognizer.open(DIR,
        SpeechLmOptions.builder().rationale(false).build())) {
      SpeechLmRecognizer.Result res = r.analyze(clip, null);
      assertThat(res.recognition().rationale()).isEmpty();
      assertThat(res.answer().strip()).endsWith(res.recognition().label().name());
      // same label as with a rationale: the label does not depend on what follows it
      assertThat(res.recognition().probabilities())
          .isEqualTo(recognizer.recognize(clip, null).probabilities());
    }
  }

  @Test
  void providerOpensACheckpointDirectory() {
    assertThat(new SpeechLmProvider().supports(DIR.toString())).isTrue();
    assertThat(new SpeechLmProvider().supports("baseline")).isFalse();
    assertThat(new SpeechLmProvider().supports("http://localhost:1/v1")).isFalse();
    assertThat(new SpeechLmProvider().supports(DIR.resolve("config.json").toString())).isFalse();
    try (Recognizer r = RecognizerProvider.open(DIR.toString())) {
      assertThat(r).isInstanceOf(SpeechLmRecognizer.class);
      assertThat(r.name()).isEqualTo(DIR.toString());
      Recognition rec = r.recognize(clip, LabelSet.of("anger", "neutral"));
      assertThat(rec.model()).isEqualTo(DIR.toString());
    }
  }

  @Test
  void providerIgnoresOtherDirectoriesAndReportsBrokenCheckpoints(@TempDir Path tmp)
      throws IOException {
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("config.json"), "{\"model_type\": \"bert\"}");
    assertThat(new SpeechLmProvider().supports(other.toString())).isFalse();
    assertThat(new SpeechLmProvider().supports(tmp.resolve("missing").toString())).isFalse();

    Path broken = Files.createDirectories(tmp.resolve("broken"));
    Files.copy(DIR.resolve("config.json"), broken.resolve("config.json"));
    Files.copy(DIR.resolve("tokenizer.json"), broken.resolve("tokenizer.json"));
    assertThat(new SpeechLmProvider().supports(broken.toString())).isTrue();
    assertThatThrownBy(() -> RecognizerProvider.open(broken.toString()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(broken.toString());

    Path garbled = Files.createDirectories(tmp.resolve("garbled"));
    Files.writeString(garbled.resolve("config.json"), "{not json");
    assertThat(new SpeechLmProvider().supports(garbled.toString())).isTrue();
    assertThatThrownBy(() -> RecognizerProvider.open(garbled.toString()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("config.json");
  }
}
