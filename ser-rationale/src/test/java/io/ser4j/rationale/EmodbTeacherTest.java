package io.ser4j.rationale;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The teacher on all 408 EmoDB clips (per-speaker norms), checked by the faithfulness checker. The
 * clips' cues come from the committed fixture (measured by {@code CueExtractor}; {@link
 * EmodbCuesFixtureTest}, tagged long, re-measures and compares).
 */
class EmodbTeacherTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));
  static Corpus corpus;
  static Map<String, Cues> cues;
  static CueNorms norms;

  @BeforeAll
  static void load() {
    Path manifest = DATA.resolve("emodb/manifest.csv");
    assertThat(Files.isRegularFile(manifest)).as("EmoDB manifest " + manifest).isTrue();
    corpus = Corpora.readEmoDb(manifest);
    assertThat(corpus.size()).isEqualTo(408);
    cues = EmodbCuesFixture.read();
    assertThat(cues.keySet()).containsExactlyInAnyOrderElementsOf(
        corpus.utterances().stream().map(Utterance::id).toList());
    norms = CueNorms.build(corpus, cues, CueNorms.Scope.SPEAKER, CueNorms.DEFAULT_MIN_CLIPS_PER_SPEAKER);
  }

  @Test
  void everyAcousticStatementIsConsistent() {
    CueGroundedTeacher teacher = CueGroundedTeacher.create(7);
    FaithfulnessChecker checker = FaithfulnessChecker.create();
    List<FaithfulnessReport> reports = new ArrayList<>();
    Set<String> texts = new HashSet<>();
    for (Utterance u : corpus.utterances()) {
      Rationale r = teacher.teach(TeachingInput.of(u, cues.get(u.id()), norms));
      assertThat(r.label()).isEqualTo(u.majority());
      FaithfulnessReport rep = checker.check(r.text(), cues.get(u.id()), norms, u.speaker());
      assertThat(rep.contradicted()).as(r.text() + " " + rep.claims()).isZero();
      assertThat(rep.unverifiable()).as(r.text() + " " + rep.claims()).isZero();
      assertThat(rep.claims()).as(r.text()).hasSizeGreaterThanOrEqualTo(CueGroundedTeacher.MIN_STATEMENTS);
      reports.add(rep);
      texts.add(r.text());
    }
    FaithfulnessSummary s = FaithfulnessSummary.of(reports);
    System.out.println("EmoDB teacher faithfulness: " + s + " rate " + s.rate());
    for (int i = 0; i < corpus.size(); i += 68) {
      Utterance u = corpus.utterances().get(i);
      System.out.println("example " + u.id() + ": " + teacher.teach(TeachingInput.of(u, cues.get(u.id()), norms)).text());
    }
    assertThat(s.rate()).isEqualTo(1.0);
    assertThat(s.contradicted()).isZero();
    assertThat(texts.size()).as("varied texts").isGreaterThan(350);
  }

  @Test
  void deterministicGivenSeed() {
    Utterance u = corpus.utterances().get(17);
    TeachingInput in = TeachingInput.of(u, cues.get(u.id()), norms);
    assertThat(CueGroundedTeacher.create(3).teach(in)).isEqualTo(CueGroundedTeacher.create(3).teach(in));
    int differ = 0;
    for (Utterance v : corpus.utterances().subList(0, 40)) {
      TeachingInput i = TeachingInput.of(v, cues.get(v.id()), norms);
      differ += CueGroundedTeacher.create(3).teach(i).text().equals(CueGroundedTeacher.create(4).teach(i).text()) ? 0 : 1;
    }
    assertThat(differ).as("another seed changes the phrasing").isGreaterThan(20);
  }

  @Test
  void wrongPitchClaimIsContradicted() {
    FaithfulnessChecker checker = FaithfulnessChecker.create();
    int tested = 0;
    for (Utterance u : corpus.utterances()) {
      RelativeCue f0 = norms.relative(u.speaker(), Cue.F0_MEAN_HZ, cues.get(u.id()).get(Cue.F0_MEAN_HZ));
      if (f0.level().isHigh()) {
        FaithfulnessReport r = checker.check("The pitch is very low.", cues.get(u.id()), norms, u.speaker());
        assertThat(r.claims()).singleElement().extracting(CheckedClaim::verdict).isEqualTo(Verdict.CONTRADICTED);
        tested++;
      }
    }
    assertThat(tested).isGreaterThan(50);
  }

  @Test
  void speakerNormsAndJsonRoundTrip() {
    assertThat(norms.speakers()).hasSize(8);
    assertThat(norms.referenceFor("03")).isEqualTo("speaker 03");
    assertThat(norms.referenceFor("unknown")).isEqualTo("corpus");
    CueNorms back = CueNorms.fromJson(norms.toJson(), "test");
    assertThat(back).isEqualTo(norms);
    CueNorms corpusOnly = CueNorms.build(corpus, cues, CueNorms.Scope.CORPUS, 10);
    assertThat(corpusOnly.referenceFor("03")).isEqualTo("corpus");
  }
}
