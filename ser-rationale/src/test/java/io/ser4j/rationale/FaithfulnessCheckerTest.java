package io.ser4j.rationale;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.Label;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.Claim.Direction;
import io.ser4j.rationale.Claim.Strength;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-written rationales with known verdicts, on a synthetic profile. */
class FaithfulnessCheckerTest {
  final FaithfulnessChecker checker = FaithfulnessChecker.create();

  /** A profile with the given z-scores (value = z, except the slope value given separately). */
  static Map<Cue, RelativeCue> profile(Map<Cue, Double> z, double slope) {
    Map<Cue, RelativeCue> p = new EnumMap<>(Cue.class);
    for (Cue c : Cue.values()) {
      double zz = z.getOrDefault(c, 0.0);
      double v = c == Cue.F0_SLOPE_SEMITONES_PER_S ? slope : zz;
      p.put(c, new RelativeCue(c, v, zz, CueLevel.of(zz), "speaker x"));
    }
    return p;
  }

  // high pitch (VERY_HIGH), wide range (HIGH), loud (HIGH), fast (VERY_HIGH), few pauses (LOW),
  // low HNR (LOW), rising slope 2 st/s; jitter undefined.
  final Map<Cue, RelativeCue> p =
      profile(
          Map.of(Cue.F0_MEAN_HZ, 1.8, Cue.F0_SD_SEMITONES, 0.9, Cue.INTENSITY_MEAN_DB, 1.0,
              Cue.SPEECH_RATE_SYLLABLES_PER_S, 2.0, Cue.PAUSE_FRACTION, -0.7, Cue.HNR_DB, -0.8,
              Cue.F0_SLOPE_SEMITONES_PER_S, 0.9, Cue.JITTER_LOCAL, Double.NaN),
          2.0);

  List<Verdict> verdicts(String text) {
    List<Verdict> v = new ArrayList<>();
    checker.check(text, p).claims().forEach(c -> v.add(c.verdict()));
    return v;
  }

  @Test
  void extractsAspectsDirectionsStrengthAndNegation() {
    List<Claim> cs = checker.extractClaims(
        "The pitch is very high and the voice is not loud; she speaks slightly faster, with long pauses.");
    assertThat(cs).extracting(Claim::aspect)
        .containsExactly(Aspect.PITCH_LEVEL, Aspect.LOUDNESS, Aspect.SPEECH_RATE, Aspect.PAUSES);
    assertThat(cs.get(0).strength()).isEqualTo(Strength.STRONG);
    assertThat(cs.get(0).direction()).isEqualTo(Direction.HIGH);
    assertThat(cs.get(1).negated()).isTrue();
    assertThat(cs.get(2).strength()).isEqualTo(Strength.WEAK);
    assertThat(cs.get(2).negated()).isFalse();
    assertThat(cs.get(3).direction()).isEqualTo(Direction.HIGH);
  }

  @Test
  void knownVerdicts() {
    assertThat(verdicts("A very high pitch.")).containsExactly(Verdict.CONSISTENT);
    assertThat(verdicts("The pitch is low.")).containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("She sounds monotone.")).containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("A wide pitch range.")).containsExactly(Verdict.CONSISTENT);
    assertThat(verdicts("A very wide pitch range.")).as("overstated").containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("The voice is loud.")).containsExactly(Verdict.CONSISTENT);
    assertThat(verdicts("The voice is not loud.")).containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("It is quiet.")).containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("He talks quickly.")).containsExactly(Verdict.CONSISTENT);
    assertThat(verdicts("A slow tempo.")).containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("There are no long pauses.")).containsExactly(Verdict.CONSISTENT);
    assertThat(verdicts("Hesitant, halting speech.")).containsExactly(Verdict.CONTRADICTED, Verdict.CONTRADICTED);
    assertThat(verdicts("A rising intonation.")).containsExactly(Verdict.CONSISTENT);
    assertThat(verdicts("The pitch falls.")).containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("The voice sounds breathy.")).containsExactly(Verdict.CONSISTENT);
    assertThat(verdicts("A trembling voice.")).as("jitter undefined").containsExactly(Verdict.UNVERIFIABLE);
    assertThat(verdicts("The voice sounds tense.")).as("tilt typical").containsExactly(Verdict.UNVERIFIABLE);
    assertThat(verdicts("An average loudness.")).containsExactly(Verdict.CONTRADICTED);
    assertThat(verdicts("The sentence \"I am so loud and slow\" is neutral.")).as("quotes ignored").isEmpty();
    assertThat(verdicts("Clearly angry, judging by the words.")).isEmpty();
  }

  @Test
  void reportAndSummaryCounts() {
    FaithfulnessReport r = checker.check("Loud and fast, with a low pitch and a shaky voice.", p);
    assertThat(r.consistent()).isEqualTo(2);
    assertThat(r.contradicted()).isEqualTo(1);
    assertThat(r.unverifiable()).isEqualTo(1);
    assertThat(r.faithful()).isFalse();
    FaithfulnessSummary s =
        FaithfulnessSummary.of(List.of(r, checker.check("The voice is loud.", p)));
    assertThat(s.rationales()).isEqualTo(2);
    assertThat(s.rate()).isEqualTo(3.0 / 4.0);
    assertThat(s.faithfulRationales()).isEqualTo(1);
    assertThat(FaithfulnessSummary.of(List.of()).rate()).isNaN();
  }

  @Test
  void levelsFollowDocumentedThresholds() {
    assertThat(CueLevel.of(-1.5)).isEqualTo(CueLevel.VERY_LOW);
    assertThat(CueLevel.of(-0.5)).isEqualTo(CueLevel.LOW);
    assertThat(CueLevel.of(0.49)).isEqualTo(CueLevel.TYPICAL);
    assertThat(CueLevel.of(0.5)).isEqualTo(CueLevel.HIGH);
    assertThat(CueLevel.of(1.5)).isEqualTo(CueLevel.VERY_HIGH);
    assertThat(CueLevel.of(Double.NaN)).isEqualTo(CueLevel.UNDEFINED);
  }

  @Test
  void teacherOnSyntheticCorpusIsFaithfulAndAcknowledgesMinority() {
    // 30 clips of one speaker with spread-out cue values; norms per speaker.
    List<Utterance> us = new ArrayList<>();
    Map<String, Cues> cues = new HashMap<>();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    for (int i = 0; i < 30; i++) {
      String id = "u" + i;
      us.add(new Utterance(id, Path.of("/nonexistent/" + id + ".wav"), i % 2 == 0 ? "I hate this" : "The door is open",
          "s1", Label.of("anger"), List.of(Label.of("anger"), Label.of("anger"), Label.of("fear")),
          Map.of(), "", "synthetic", Map.of()));
      Cues.Builder b = Cues.builder().durationSeconds(2).sourceSampleRateHz(16000);
      for (Cue c : Cue.values()) {
        b.set(c, c == Cue.F0_SLOPE_SEMITONES_PER_S ? rnd.nextDouble(-6, 6) : rnd.nextDouble(0.0, 1.0));
      }
      cues.put(id, b.build());
    }
    Corpus corpus = Corpus.of("synthetic", us);
    CueNorms norms = CueNorms.build(corpus, cues, CueNorms.Scope.SPEAKER, 10);
    CueGroundedTeacher t = CueGroundedTeacher.create(11);
    for (Utterance u : us) {
      Rationale r = t.teach(TeachingInput.of(u, cues.get(u.id()), norms));
      FaithfulnessReport rep = checker.check(r.text(), cues.get(u.id()), norms, u.speaker());
      assertThat(rep.contradicted()).as(r.text()).isZero();
      assertThat(rep.unverifiable()).as(r.text()).isZero();
      assertThat(r.text()).containsAnyOf("Some listeners also heard fear.", "A few listeners heard fear.");
      if (u.transcript().contains("hate")) {
        assertThat(r.text()).contains("anger").contains("\"hate\"");
      }
    }
  }
}
