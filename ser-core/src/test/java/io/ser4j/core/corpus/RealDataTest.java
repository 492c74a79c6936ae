package io.ser4j.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers against the real corpora in {@code ser4j.data.dir}; fails (never skips) without them. */
class RealDataTest {
  static Path data;

  @BeforeAll
  static void dataDir() {
    String d = System.getProperty("ser4j.data.dir");
    assertThat(d).as("system property ser4j.data.dir (set by surefire)").isNotNull();
    data = Path.of(d);
    assertThat(data.resolve("emodb/manifest.csv")).as("EmoDB manifest in " + data).isRegularFile();
    assertThat(data.resolve("ravdess/manifest.csv")).isRegularFile();
    assertThat(data.resolve("crema-d/tabulatedVotes.csv")).isRegularFile();
  }

  private static Map<Label, Integer> counts(Object... kv) {
    java.util.TreeMap<Label, Integer> m = new java.util.TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(Label.of((String) kv[i]), (Integer) kv[i + 1]);
    }
    return m;
  }

  @Test
  void emoDbManifest() {
    Corpus c = Corpora.readEmoDb(data.resolve("emodb/manifest.csv"));
    assertThat(c.name()).isEqualTo("emodb");
    assertThat(c.size()).isEqualTo(408);
    assertThat(c.majorityCounts())
        .isEqualTo(
            counts("anger", 100, "neutral", 63, "boredom", 58, "happiness", 54, "fear", 54,
                "sadness", 49, "disgust", 30));
    assertThat(c.speakers()).containsExactly("03", "08", "09", "10", "11", "12", "13", "14");
    assertThat(c.labelsSeen()).allMatch(LabelSet.UNIFIED::contains);
    Utterance u = c.find("03a01Fa").orElseThrow();
    assertThat(u.majority()).isEqualTo(Label.of("happiness"));
    assertThat(u.annotations()).containsExactly(Label.of("happiness"));
    assertThat(u.transcript()).isEqualTo("Der Lappen liegt auf dem Eisschrank.");
    assertThat(u.audio()).isEqualTo(data.resolve("emodb/wav/03a01Fa.wav").toAbsolutePath().normalize());
    assertThat(u.meta()).containsEntry("sex", "male").containsEntry("listener_recognition_pct", "90.0");
    assertThat(c.checkAudio().allPresent()).isTrue();
    // every label equals the file-name code (6th character)
    Map<Character, String> codes = ActedCorpora.EMODB_CODES;
    assertThat(c.utterances()).allMatch(x -> codes.get(x.id().charAt(5)).equals(x.majority().name()));
  }

  @Test
  void emoDbFromWavDirectoryMatchesTheManifest() {
    Corpus fromCsv = Corpora.readEmoDb(data.resolve("emodb/manifest.csv"));
    Corpus fromDir = Corpora.readEmoDb(data.resolve("emodb/wav"));
    assertThat(fromDir.size()).isEqualTo(408);
    assertThat(fromDir.majorityCounts()).isEqualTo(fromCsv.majorityCounts());
    for (Utterance d : fromDir.utterances()) {
      Utterance m = fromCsv.find(d.id()).orElseThrow();
      assertThat(d.audio()).isEqualTo(m.audio());
      assertThat(d.speaker()).isEqualTo(m.speaker());
      assertThat(d.majority()).isEqualTo(m.majority());
      assertThat(d.transcript()).as(d.id()).isEqualTo(m.transcript());
    }
    // the folder holding manifest.csv reads the manifest
    assertThat(Corpora.readEmoDb(data.resolve("emodb"))).isEqualTo(fromCsv);
  }

  @Test
  void ravdessManifestAndDirectory() {
    Corpus c = Corpora.readRavdess(data.resolve("ravdess/manifest.csv"));
    assertThat(c.size()).isEqualTo(1200);
    assertThat(c.speakers()).hasSize(20).contains("01", "20");
    assertThat(c.majorityCounts())
        .isEqualTo(
            counts("neutral", 80, "calm", 160, "happiness", 160, "sadness", 160, "anger", 160,
                "fear", 160, "disgust", 160, "surprise", 160));
    assertThat(c.labels().labels()).hasSize(8).allMatch(LabelSet.UNIFIED::contains);
    Utterance u = c.find("03-01-05-02-01-01-12").orElseThrow();
    assertThat(u.majority()).isEqualTo(Label.of("anger"));
    assertThat(u.speaker()).isEqualTo("12");
    assertThat(u.transcript()).isEqualTo("Kids are talking by the door.");
    assertThat(u.meta()).containsEntry("intensity", "strong").containsEntry("sex", "female");
    assertThat(c.missingAudio()).isEmpty();
    Corpus dir = Corpora.readRavdess(data.resolve("ravdess/wav"));
    assertThat(dir.size()).isEqualTo(1200);
    for (Utterance d : dir.utterances()) {
      Utterance m = c.find(d.id()).orElseThrow();
      assertThat(List.of(d.audio(), d.speaker(), d.majority(), d.transcript(), d.meta().get("sex")))
          .isEqualTo(List.of(m.audio(), m.speaker(), m.majority(), m.transcript(), m.meta().get("sex")));
    }
  }

  @Test
  void convertEmoDbAndRavdessToJsonlAndReadBackEqual(@TempDir Path tmp) {
    for (String name : List.of("emodb", "ravdess")) {
      Path jsonl = tmp.resolve(name + ".jsonl");
      Corpus original = Corpora.convertToJsonl(data.resolve(name + "/manifest.csv"), jsonl);
      Corpus back = Corpora.readManifest(jsonl);
      assertThat(back).isEqualTo(original);
      assertThat(Corpora.autodetect(jsonl)).isEqualTo(original);
    }
    // a manifest written next to the audio stores relative paths
    Path emodbCopy = tmp.resolve("emodb.jsonl");
    assertThat(ManifestJsonl.relativeAudio(
            data.resolve("emodb/wav/03a01Fa.wav").toAbsolutePath().normalize(),
            data.resolve("emodb").toAbsolutePath().normalize()))
        .isEqualTo("wav/03a01Fa.wav");
    assertThat(emodbCopy).isRegularFile();
  }

  @Test
  void cremaDVoiceOnly() {
    Corpus c = Corpora.readCremaD(data.resolve("crema-d"), Modality.VOICE);
    assertThat(c.size()).isEqualTo(7442);
    int min = Integer.MAX_VALUE;
    int max = 0;
    long sum = 0;
    int noMajority = 0;
    for (Utterance u : c.utterances()) {
      int n = u.annotations().size();
      min = Math.min(min, n);
      max = Math.max(max, n);
      sum += n;
      assertThat(u.majority()).isEqualTo(Utterance.plurality(u.annotations()));
      assertThat(u.meta().get("vote").contains(":")).isEqualTo(u.majority() == null);
      if (u.majority() == null) {
        noMajority++;
      }
      assertThat(u.speaker()).isEqualTo(u.id().substring(0, 4));
    }
    assertThat(min).isEqualTo(4);
    assertThat(max).isEqualTo(12);
    assertThat(sum / (double) c.size()).isBetween(9.15, 9.25);
    assertThat(noMajority).isEqualTo(7442 - (3897 + 986 + 645 + 547 + 370 + 353));
    assertThat(c.speakers()).hasSize(91);
    // 1001_IEO_NEU_XX: A0 D0 F0 H1 N10 S0
    Utterance first = c.find("1001_IEO_NEU_XX").orElseThrow();
    assertThat(first.annotations()).hasSize(11);
    assertThat(first.annotations().stream().filter(l -> l.name().equals("happiness")).count()).isEqualTo(1);
    assertThat(first.majority()).isEqualTo(Label.of("neutral"));
    assertThat(first.transcript()).isEqualTo("It's eleven o'clock.");
    assertThat(first.meta()).containsEntry("intended", "neutral").containsEntry("level", "XX");
    assertThat(first.audio()).isEqualTo(data.resolve("crema-d/AudioWAV/1001_IEO_NEU_XX.wav").toAbsolutePath().normalize());
    // a tie such as A:N has no majority
    Utterance tie =
        c.utterances().stream().filter(u -> u.meta().get("vote").equals("A:N")).findFirst().orElseThrow();
    assertThat(tie.majority()).isNull();
    // no audio here: every item is reported missing, none throws
    assertThat(c.checkAudio().missing()).hasSize(7442);
    assertThat(c.withAudioPresent().size()).isZero();
    assertThat(Corpora.readCremaD(data.resolve("crema-d"), Modality.FACE).size()).isEqualTo(7442);
  }

  @Test
  void speakerFoldsOnRealCorpora() {
    Corpus emodb = Corpora.readEmoDb(data.resolve("emodb/manifest.csv"));
    List<Fold> folds = SpeakerFolds.kFolds(emodb, 4, 42);
    assertThat(folds).hasSize(4).allMatch(f -> f.testSpeakers().size() == 2);
    checkPartition(emodb, folds);
    assertThat(SpeakerFolds.kFolds(emodb, 4, 42)).isEqualTo(folds);
    assertThat(SpeakerFolds.kFolds(emodb, 4, 7)).isNotEqualTo(folds);
    Corpus ravdess = Corpora.readRavdess(data.resolve("ravdess/manifest.csv"));
    List<Fold> rf = SpeakerFolds.kFolds(ravdess, 5, 42);
    assertThat(rf).hasSize(5).allMatch(f -> f.testSpeakers().size() == 4 && f.test().size() == 240);
    checkPartition(ravdess, rf);
    List<Fold> loso = SpeakerFolds.leaveKSpeakersOut(ravdess, 1, 3);
    assertThat(loso).hasSize(20);
    checkPartition(ravdess, loso);
    Corpus both = Corpus.concat("emodb+ravdess", List.of(emodb, ravdess));
    assertThat(both.size()).isEqualTo(1608);
    assertThat(both.labels()).isEqualTo(LabelSet.UNIFIED);
  }

  static void checkPartition(Corpus c, List<Fold> folds) {
    Set<String> seenTest = new HashSet<>();
    for (Fold f : folds) {
      Set<String> trainSpeakers = new HashSet<>();
      f.train().forEach(u -> trainSpeakers.add(u.speaker()));
      Set<String> testSpeakers = new HashSet<>();
      f.test().forEach(u -> testSpeakers.add(u.speaker()));
      assertThat(testSpeakers).isEqualTo(f.testSpeakers());
      assertThat(trainSpeakers).doesNotContainAnyElementsOf(testSpeakers);
      assertThat(f.train().size() + f.test().size()).isEqualTo(c.size());
      for (Utterance u : f.test()) {
        assertThat(seenTest.add(u.id())).as("utterance " + u.id() + " in two test folds").isTrue();
      }
    }
    assertThat(seenTest).hasSize(c.size());
  }

  @Test
  void autodetectKnowsTheSharedLayouts() {
    assertThat(Corpora.detectFormat(data.resolve("emodb/manifest.csv"))).contains(CorpusFormat.EMODB);
    assertThat(Corpora.detectFormat(data.resolve("emodb"))).contains(CorpusFormat.EMODB);
    assertThat(Corpora.detectFormat(data.resolve("emodb/wav"))).contains(CorpusFormat.EMODB);
    assertThat(Corpora.detectFormat(data.resolve("ravdess/manifest.csv"))).contains(CorpusFormat.RAVDESS);
    assertThat(Corpora.detectFormat(data.resolve("ravdess/wav"))).contains(CorpusFormat.RAVDESS);
    assertThat(Corpora.detectFormat(data.resolve("crema-d"))).contains(CorpusFormat.CREMA_D);
    assertThat(Corpora.detectFormat(data.resolve("crema-d/tabulatedVotes.csv"))).contains(CorpusFormat.CREMA_D);
    assertThat(Corpora.detectFormat(data.resolve("crema-d/summaryTable.csv"))).isEmpty();
    assertThat(Corpora.autodetect(data.resolve("ravdess")).size()).isEqualTo(1200);
    assertThat(Files.isDirectory(data)).isTrue();
  }
}
