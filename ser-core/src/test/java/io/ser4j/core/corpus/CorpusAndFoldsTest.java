package io.ser4j.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusAndFoldsTest {
  /** {@code speakers} speakers with {@code per} utterances each, labels cycling over three. */
  static Corpus synthetic(int speakers, int per) {
    String[] labels = {"anger", "neutral", "sadness"};
    List<Utterance> us = new ArrayList<>();
    for (int s = 0; s < speakers; s++) {
      for (int i = 0; i < per; i++) {
        String id = "s" + s + "_" + i;
        us.add(Utterance.of(id, Path.of("/nowhere/" + id + ".wav"), "", "spk" + s,
            Label.of(labels[(s + i) % 3]), "syn"));
      }
    }
    return Corpus.of("syn", us);
  }

  @Test
  void utteranceValidatesAndCopies() {
    List<Label> ann = new ArrayList<>(List.of(Label.of("anger")));
    Utterance u = new Utterance("a", Path.of("rel/a.wav"), "", "", null, ann, Map.of("v", 1.0), "", "c", Map.of());
    ann.add(Label.of("fear"));
    assertThat(u.annotations()).hasSize(1);
    assertThat(u.audio().isAbsolute()).isTrue();
    assertThat(u.majorityLabel()).isEmpty();
    assertThatThrownBy(() -> u.annotations().add(Label.of("x"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Utterance.of(" ", Path.of("a"), "", "", null, "c"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Utterance("a", Path.of("a"), "", "", null, List.of(), Map.of("v", Double.NaN), "", "c", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dimension v is not finite: NaN");
    assertThat(u.withSplit("dev").split()).isEqualTo("dev");
  }

  @Test
  void pluralityIsStrict() {
    assertThat(Utterance.plurality(List.of())).isNull();
    assertThat(Utterance.plurality(List.of(Label.of("a"), Label.of("b")))).isNull();
    assertThat(Utterance.plurality(List.of(Label.of("a"), Label.of("b"), Label.of("a")))).isEqualTo(Label.of("a"));
    assertThat(Utterance.plurality(List.of(Label.of("a"), Label.of("b"), Label.of("b"), Label.of("a"), Label.of("c"))))
        .isNull();
  }

  @Test
  void corpusOperations(@TempDir Path dir) throws Exception {
    Corpus c = synthetic(3, 4);
    assertThat(c.size()).isEqualTo(12);
    assertThat(c.speakers()).containsExactly("spk0", "spk1", "spk2");
    assertThat(c.bySpeaker().get("spk1")).hasSize(4).allMatch(u -> u.speaker().equals("spk1"));
    assertThat(c.labels().labels()).containsExactly(Label.of("anger"), Label.of("neutral"), Label.of("sadness"));
    assertThat(c.majorityCounts().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
    Corpus anger = c.filter(u -> u.majority().name().equals("anger"));
    assertThat(anger.size()).isEqualTo(4);
    assertThat(anger.name()).isEqualTo("syn");
    assertThat(c.find("s2_3")).isPresent();
    assertThat(c.find("nope")).isEmpty();
    assertThatThrownBy(() -> Corpus.concat("twice", List.of(c, c)))
        .isInstanceOf(ManifestException.class)
        .hasMessage("twice: duplicate utterance id \"s0_0\"");
    assertThatThrownBy(() -> Corpus.of("e", List.of()).labels())
        .isInstanceOf(ManifestException.class)
        .hasMessage("e: the corpus has no labels");
    // audio: per-item report
    Path present = Files.write(dir.resolve("p.wav"), new byte[] {1});
    Files.createDirectories(dir.resolve("d.wav"));
    Corpus mixed =
        Corpus.of("m", List.of(
            Utterance.of("p", present, "", "x", null, "m"),
            Utterance.of("q", dir.resolve("q.wav"), "", "x", null, "m"),
            Utterance.of("d", dir.resolve("d.wav"), "", "x", null, "m")));
    Corpus.AudioCheck check = mixed.checkAudio();
    assertThat(check.present()).extracting(Utterance::id).containsExactly("p");
    assertThat(check.missing()).extracting(Utterance::id).containsExactly("q", "d");
    assertThat(check.allPresent()).isFalse();
    assertThat(mixed.withAudioPresent().size()).isEqualTo(1);
    assertThat(mixed.toString()).isEqualTo("Corpus[m, 3 utterances, 1 speakers]");
  }

  @Test
  void kFoldsPartitionSpeakersDeterministically() {
    Corpus c = synthetic(8, 5);
    List<Fold> a = SpeakerFolds.kFolds(c, 4, 42);
    assertThat(a).hasSize(4).allMatch(f -> f.testSpeakers().size() == 2 && f.test().size() == 10);
    RealDataTest.checkPartition(c, a);
    assertThat(a).extracting(Fold::index).containsExactly(0, 1, 2, 3);
    assertThat(SpeakerFolds.kFolds(c, 4, 42)).isEqualTo(a);
    assertThat(SpeakerFolds.kFolds(c, 4, 43)).isNotEqualTo(a);
    // the documented algorithm: sorted speakers, Fisher-Yates with java.util.Random(seed)
    List<String> expected = new ArrayList<>(c.speakers());
    java.util.Random r = new java.util.Random(42);
    for (int i = expected.size() - 1; i > 0; i--) {
      java.util.Collections.swap(expected, i, r.nextInt(i + 1));
    }
    assertThat(SpeakerFolds.shuffledSpeakers(c, 42)).isEqualTo(expected);
    assertThat(a.get(0).testSpeakers()).containsExactlyInAnyOrderElementsOf(expected.subList(0, 2));
    // uneven: 7 speakers in 3 folds → 3, 2, 2
    List<Fold> uneven = SpeakerFolds.kFolds(synthetic(7, 2), 3, 1);
    assertThat(uneven).extracting(f -> f.testSpeakers().size()).containsExactly(3, 2, 2);
    RealDataTest.checkPartition(synthetic(7, 2), uneven);
  }

  @Test
  void leaveKSpeakersOut() {
    Corpus c = synthetic(10, 3);
    List<Fold> f = SpeakerFolds.leaveKSpeakersOut(c, 3, 9);
    assertThat(f).extracting(x -> x.testSpeakers().size()).containsExactly(3, 3, 3, 1);
    RealDataTest.checkPartition(c, f);
    assertThat(SpeakerFolds.leaveKSpeakersOut(c, 3, 9)).isEqualTo(f);
    assertThat(SpeakerFolds.leaveKSpeakersOut(c, 3, 10)).isNotEqualTo(f);
    assertThat(SpeakerFolds.leaveKSpeakersOut(c, 1, 0)).hasSize(10);
    assertThat(f.get(0).trainCorpus("syn").name()).isEqualTo("syn-fold0-train");
    assertThat(f.get(0).testCorpus("syn").size()).isEqualTo(9);
    assertThatThrownBy(() -> SpeakerFolds.leaveKSpeakersOut(c, 10, 0))
        .isInstanceOf(ManifestException.class)
        .hasMessage("syn: cannot leave 10 speakers out of 10: no training speaker would remain");
    assertThatThrownBy(() -> SpeakerFolds.leaveKSpeakersOut(c, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SpeakerFolds.kFolds(c, 11, 0))
        .isInstanceOf(ManifestException.class)
        .hasMessage("syn: cannot make 11 speaker folds from 10 speakers");
    assertThatThrownBy(() -> SpeakerFolds.kFolds(c, 1, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void holdOutFixedSpeakers() {
    Corpus c = synthetic(4, 2);
    Fold f = SpeakerFolds.holdOut(c, Set.of("spk3", "spk0"), 0);
    assertThat(f.testSpeakers()).containsExactly("spk0", "spk3");
    assertThat(f.test()).hasSize(4);
    assertThat(f.train()).extracting(Utterance::speaker).containsOnly("spk1", "spk2");
    assertThatThrownBy(() -> SpeakerFolds.holdOut(c, Set.of("spk9"), 0))
        .isInstanceOf(ManifestException.class)
        .hasMessage("syn: speaker \"spk9\" is not in the corpus; speakers are [spk0, spk1, spk2, spk3]");
  }
}
