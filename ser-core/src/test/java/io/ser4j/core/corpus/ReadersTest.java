package io.ser4j.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers on small hand-made inputs: MSP-Podcast, generic CSV, and every malformed-row error. */
class ReadersTest {
  @TempDir Path dir;

  private static Path resource(String name) throws Exception {
    return Path.of(ReadersTest.class.getResource("/corpus/" + name).toURI());
  }

  private static List<Label> labels(String... names) {
    return java.util.Arrays.stream(names).map(Label::of).toList();
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void mspPodcastFollowsGuideSection4() throws Exception {
    Path labels = resource("msp/Labels");
    Corpus c = Corpora.readMspPodcast(labels);
    assertThat(c.name()).isEqualTo("msp-podcast");
    assertThat(c.size()).isEqualTo(6);
    Utterance n = c.find("MSP-PODCAST_0001_0008").orElseThrow();
    assertThat(n.majority()).isEqualTo(Label.of("neutral"));
    assertThat(n.annotations()).isEqualTo(labels("neutral", "neutral", "sadness", "neutral"));
    assertThat(n.dimensions()).isEqualTo(Map.of("arousal", 3.6, "valence", 4.2, "dominance", 4.0));
    assertThat(n.speaker()).isEqualTo("127");
    assertThat(n.split()).isEqualTo("Development");
    assertThat(n.meta()).containsEntry("gender", "Female").containsEntry("emo_class", "N");
    assertThat(n.transcript()).isEqualTo("and that is why we started the podcast");
    assertThat(n.audio()).isEqualTo(resource("msp/Audios/MSP-PODCAST_0001_0008.wav"));
    Utterance x = c.find("MSP-PODCAST_0002_0033").orElseThrow();
    assertThat(x.majority()).isNull();
    assertThat(x.annotations()).isEqualTo(labels("happiness", "sadness", "neutral", "surprise"));
    assertThat(c.find("MSP-PODCAST_0002_0039").orElseThrow().majority()).isEqualTo(Label.of("contempt"));
    assertThat(c.find("MSP-PODCAST_0004_0010").orElseThrow().annotations())
        .isEqualTo(labels("other", "other", "fear"));
    assertThat(c.find("MSP-PODCAST_0003_0001").orElseThrow().annotations())
        .isEqualTo(labels("happiness", "happiness", "other"));
    assertThat(c.find("MSP-PODCAST_0003_0001").orElseThrow().speaker()).isEmpty(); // "Unknown"
    assertThat(c.labelsSeen()).contains(Label.of("contempt"), Label.of("other"));
    assertThat(c.splitSizes())
        .containsExactly(
            Map.entry("Development", 2), Map.entry("Train", 2), Map.entry("Test1", 1),
            Map.entry("Test2", 1));
    assertThat(c.split("Train").size()).isEqualTo(2);
    // the same corpus from the root folder and from the consensus file; autodetected too
    assertThat(Corpora.readMspPodcast(resource("msp"))).isEqualTo(c);
    assertThat(Corpora.readMspPodcast(resource("msp/Labels/labels_consensus.csv"))).isEqualTo(c);
    assertThat(Corpora.detectFormat(resource("msp"))).contains(CorpusFormat.MSP_PODCAST);
    assertThat(Corpora.autodetect(labels)).isEqualTo(c);
    // only one audio file exists: the other five are reported, nothing throws
    assertThat(c.checkAudio().present()).extracting(Utterance::id).containsExactly("MSP-PODCAST_0001_0008");
    assertThat(c.missingAudio()).hasSize(5);
    // the "Unknown" speaker blocks folds until filtered out
    assertThatThrownBy(() -> SpeakerFolds.kFolds(c, 2, 1))
        .isInstanceOf(ManifestException.class)
        .hasMessage("msp-podcast: 1 utterance(s) have no speaker (first: \"MSP-PODCAST_0003_0001\");"
            + " speaker-independent folds need one for every utterance");
    List<Fold> folds = SpeakerFolds.kFolds(c.filter(u -> !u.speaker().isEmpty()), 3, 1);
    assertThat(folds).hasSize(3);
  }

  @Test
  void mspPodcastErrors() throws Exception {
    String header = "FileName,EmoClass,EmoAct,EmoVal,EmoDom,SpkrID,Gender,Split_Set\n";
    Path p = write("m1/Labels/labels_consensus.csv", header + "a.wav,N,1,2,3,4,Male,Train\nb.wav,Q,1,2,3,4,Male,Train\n");
    assertThatThrownBy(() -> Corpora.readMspPodcast(p.getParent()))
        .isInstanceOf(ManifestException.class)
        .hasMessage(p.toAbsolutePath() + ":3 (column EmoClass): unknown MSP-Podcast emotion code \"Q\";"
            + " known A, H, S, N, U, F, D, C, O and X (no agreement)");
    Path q = write("m2/Labels/labels_consensus.csv", header + "a.wav,N,high,2,3,4,Male,Train\n");
    assertThatThrownBy(() -> Corpora.readMspPodcast(q.getParent()))
        .isInstanceOf(ManifestException.class)
        .hasMessage(q.toAbsolutePath() + ":2 (column EmoAct): not a number: \"high\"");
    Path r = write("m3/Labels/labels_consensus.csv", header + "a.wav,N,1,2,3,4,Male,Train\n");
    Path d = write("m3/Labels/labels_detailed.csv", "FileName,EmoClass_Major\na.wav,Happy\na.wav,Joyful\n");
    assertThatThrownBy(() -> Corpora.readMspPodcast(r.getParent()))
        .isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(d.toAbsolutePath() + ":3 (column EmoClass_Major): unknown MSP-Podcast emotion \"Joyful\"");
    assertThatThrownBy(() -> Corpora.readMspPodcast(dir))
        .isInstanceOf(ManifestException.class)
        .hasMessage(dir + ": not an MSP-Podcast folder: no labels_consensus.csv in it or in Labels/");
  }

  @Test
  void genericCsvWithColumnMapping() throws Exception {
    ColumnMapping m =
        ColumnMapping.builder()
            .setAudio("path")
            .optCorpusName("mine")
            .optSpeaker("who")
            .optTranscript("text")
            .optAnnotations("votes", ";")
            .optSplit("fold")
            .optDimension("arousal", "act")
            .optLabelName("ang", "anger")
            .optLabelName("neu", "neutral")
            .optLabelName("hap", "happiness")
            .optLabelName("sad", "sadness")
            .build();
    Path csv = resource("generic/items.csv");
    Corpus c = Corpora.readCsv(csv, m);
    assertThat(c.name()).isEqualTo("mine");
    assertThat(c.utterances()).extracting(Utterance::id).containsExactly("x1", "x2", "x3");
    Utterance x1 = c.utterances().get(0);
    assertThat(x1.audio()).isEqualTo(csv.getParent().resolve("clips/x1.wav"));
    assertThat(x1.transcript()).isEqualTo("Hello, world");
    assertThat(x1.annotations()).isEqualTo(labels("anger", "anger", "neutral"));
    assertThat(x1.majority()).isEqualTo(Label.of("anger")); // plurality of the annotations
    assertThat(x1.dimensions()).isEqualTo(Map.of("arousal", 3.5));
    assertThat(x1.split()).isEqualTo("train");
    assertThat(x1.meta()).isEqualTo(Map.of("notes", "said \"hi\""));
    Utterance x2 = c.utterances().get(1);
    assertThat(x2.majority()).isNull(); // hap;neu is a tie
    assertThat(x2.dimensions()).isEmpty();
    assertThat(c.utterances().get(2).transcript()).isEqualTo("two\nlines");
    // a label column, no annotations column: annotations = [label]
    Path simple = write("s.csv", "id,file,emotion\r\nk1,/a/k1.wav,Anger\r\nk2,/a/k2.wav,\r\n");
    Corpus s =
        Corpora.readCsv(simple, ColumnMapping.builder().setAudio("file").optId("id").optLabel("emotion").build());
    assertThat(s.utterances().get(0).annotations()).isEqualTo(labels("anger"));
    assertThat(s.utterances().get(1).majority()).isNull();
    assertThat(s.utterances().get(1).annotations()).isEmpty();
    assertThat(s.utterances().get(0).meta()).isEmpty();
  }

  @Test
  void genericCsvErrors() throws Exception {
    ColumnMapping m =
        ColumnMapping.builder().setAudio("file").optLabel("emotion").optDimension("valence", "val")
            .optLabelName("a", "anger").build();
    Path p = write("g.csv", "file,emotion,val\nx.wav,a,1\ny.wav,a,1.2.3\n");
    assertThatThrownBy(() -> Corpora.readCsv(p, m))
        .isInstanceOf(ManifestException.class)
        .hasMessage(p + ":3 (column val): not a number: \"1.2.3\"");
    Path q = write("h.csv", "file,emotion,val\nx.wav,b,1\n");
    assertThatThrownBy(() -> Corpora.readCsv(q, m))
        .isInstanceOf(ManifestException.class)
        .hasMessage(q + ":2 (column emotion): unknown label \"b\"; the mapping knows [a]");
    Path r = write("i.csv", "file,emotion\nx.wav,a\n");
    assertThatThrownBy(() -> Corpora.readCsv(r, m))
        .isInstanceOf(ManifestException.class)
        .hasMessage(r + ":1 (column val): missing column \"val\"; the header has [file, emotion]");
    Path s = write("j.csv", "file,emotion,val\nx.wav,a,1\nx.wav,a,2\n");
    assertThatThrownBy(() -> Corpora.readCsv(s, m))
        .isInstanceOf(ManifestException.class)
        .hasMessage(s + ":3 (column file): duplicate id \"x\" (first on line 2)");
    Path t = write("k.csv", "file,emotion,val\n,a,1\n");
    assertThatThrownBy(() -> Corpora.readCsv(t, m))
        .isInstanceOf(ManifestException.class)
        .hasMessage(t + ":2 (column file): empty audio path");
    Path u = write("l.csv", "file,emotion,val\nx.wav,a,NaN\n");
    assertThatThrownBy(() -> Corpora.readCsv(u, m)).hasMessage(u + ":2 (column val): not a number: \"NaN\"");
    assertThatThrownBy(() -> ColumnMapping.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("setAudio(column) is required");
  }

  @Test
  void actedCorporaErrors() throws Exception {
    String header = "file,speaker,sex,age,sentence,transcript,emotion\r\n";
    Path bad = write("e1/manifest.csv", header + "wav/03a01Fa.wav,03,male,31,a01,x,happiness\r\nwav/03a01Xa.wav,03,male,31,a01,x,anger\r\n");
    assertThatThrownBy(() -> Corpora.readEmoDb(bad))
        .isInstanceOf(ManifestException.class)
        .hasMessage(bad + ":3 (column file): unknown EmoDB emotion code 'X' in \"wav/03a01Xa.wav\";"
            + " known codes W anger, L boredom, E disgust, A fear, F happiness, T sadness, N neutral");
    Path notEmo = write("e2/manifest.csv", header + "wav/hello.wav,03,male,31,a01,x,happiness\r\n");
    assertThatThrownBy(() -> Corpora.readEmoDb(notEmo))
        .isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(notEmo + ":2 (column file): not an EmoDB file name: \"wav/hello.wav\"");
    Path spk = write("e3/manifest.csv", header + "wav/03a01Fa.wav,08,male,31,a01,x,happiness\r\n");
    assertThatThrownBy(() -> Corpora.readEmoDb(spk))
        .isInstanceOf(ManifestException.class)
        .hasMessage(spk + ":2 (column speaker): speaker \"08\" disagrees with the file name's speaker code \"03\"");
    Path fields = write("e4/manifest.csv", header + "wav/03a01Fa.wav,03,male,31,a01,happiness\r\n");
    assertThatThrownBy(() -> Corpora.readEmoDb(fields))
        .isInstanceOf(ManifestException.class)
        .hasMessage(fields + ":2 (column emotion): expected 7 fields as in the header, found 6");
    // the code wins over a wrong emotion column (the known A/E/F trap): logged, not an error
    Path trap = write("e5/manifest.csv", header + "wav/03a01Aa.wav,03,male,31,a01,x,anger\r\n");
    assertThat(Corpora.readEmoDb(trap).utterances().get(0).majority()).isEqualTo(Label.of("fear"));
    Path rav = write("r1/manifest.csv", "file,speaker,emotion\n03-01-09-01-01-01-01.wav,01,x\n");
    assertThatThrownBy(() -> Corpora.readRavdess(rav))
        .isInstanceOf(ManifestException.class)
        .hasMessage(rav + ":2 (column file): unknown RAVDESS emotion code \"09\" in"
            + " \"03-01-09-01-01-01-01.wav\"; known codes 01-08");
    Path emptyDir = Files.createDirectories(dir.resolve("nothing"));
    assertThatThrownBy(() -> Corpora.readRavdess(emptyDir))
        .isInstanceOf(ManifestException.class)
        .hasMessage(emptyDir + ": no manifest.csv and no .wav files (searched 3 levels deep)");
    Path wavDir = Files.createDirectories(dir.resolve("w/Actor_01"));
    Files.write(wavDir.resolve("03-01-03-02-02-01-01.wav"), new byte[0]);
    Files.write(wavDir.resolve("03-01-05-01-01-02-01.wav"), new byte[0]);
    Corpus fromDir = Corpora.readRavdess(dir.resolve("w"));
    assertThat(fromDir.utterances()).extracting(Utterance::majority).containsExactly(Label.of("happiness"), Label.of("anger"));
    assertThat(fromDir.utterances().get(0).meta()).containsEntry("intensity", "strong").containsEntry("statement", "02");
    assertThat(fromDir.utterances().get(0).transcript()).isEqualTo("Dogs are sitting by the door.");
    Files.write(wavDir.resolve("03-01-05-01-01-02-01-extra.wav"), new byte[0]);
    assertThatThrownBy(() -> Corpora.readRavdess(dir.resolve("w")))
        .isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(wavDir.resolve("03-01-05-01-01-02-01-extra.wav") + ": not a RAVDESS file name");
  }

  @Test
  void cremaDErrors() throws Exception {
    String header = "\"\",\"A\",\"D\",\"F\",\"H\",\"N\",\"S\",\"fileName\",\"numResponses\",\"agreement\",\"emoVote\"\n";
    Path ok = write("c1/tabulatedVotes.csv", header
        + "\"100001\",2,0,0,0,2,0,\"1001_IEO_NEU_XX\",4,0.5,\"A:N\"\n"
        + "\"200001\",0,0,0,0,4,0,\"1001_IEO_NEU_XX\",4,1,\"N\"\n"
        + "\"100002\",1,0,0,3,0,0,\"1002_DFA_HAP_LO\",4,0.75,\"H\"\n");
    Corpus c = Corpora.readCremaD(ok.getParent(), Modality.VOICE);
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.utterances().get(0).majority()).isNull();
    assertThat(c.utterances().get(0).annotations()).isEqualTo(labels("anger", "anger", "neutral", "neutral"));
    assertThat(c.utterances().get(1).majority()).isEqualTo(Label.of("happiness"));
    assertThat(c.utterances().get(1).transcript()).isEqualTo("Don't forget a jacket.");
    assertThat(Corpora.readCremaD(ok, Modality.FACE).utterances().get(0).majority()).isEqualTo(Label.of("neutral"));
    Path badCount = write("c2/tabulatedVotes.csv", header + "\"100001\",2,x,0,0,2,0,\"1001_IEO_NEU_XX\",4,0.5,\"A:N\"\n");
    assertThatThrownBy(() -> Corpora.readCremaD(badCount.getParent(), Modality.VOICE))
        .isInstanceOf(ManifestException.class)
        .hasMessage(badCount + ":2 (column D): not an integer: \"x\"");
    Path badSum = write("c3/tabulatedVotes.csv", header + "\"100001\",2,0,0,0,2,0,\"1001_IEO_NEU_XX\",5,0.5,\"A:N\"\n");
    assertThatThrownBy(() -> Corpora.readCremaD(badSum.getParent(), Modality.VOICE))
        .isInstanceOf(ManifestException.class)
        .hasMessage(badSum + ":2 (column numResponses): numResponses is 5 but the vote columns sum to 4");
    Path badVote = write("c4/tabulatedVotes.csv", header + "\"100001\",2,0,0,0,2,0,\"1001_IEO_NEU_XX\",4,0.5,\"A\"\n");
    assertThatThrownBy(() -> Corpora.readCremaD(badVote.getParent(), Modality.VOICE))
        .isInstanceOf(ManifestException.class)
        .hasMessage(badVote + ":2 (column emoVote): emoVote \"A\" disagrees with the vote counts (top: A:N)");
    write("c5/tabulatedVotes.csv", header + "\"100001\",2,0,0,0,2,0,\"1001_IEO_NEU_XX\",4,0.5,\"A:N\"\n");
    write("c5/summaryTable.csv", "\"\",\"FileName\",\"VoiceVote\",\"VoiceLevel\"\n\"1\",\"1001_IEO_NEU_XX\",\"N\",\"50\"\n");
    assertThatThrownBy(() -> Corpora.readCremaD(dir.resolve("c5"), Modality.VOICE))
        .isInstanceOf(ManifestException.class)
        .hasMessageEndingWith("(column emoVote): emoVote \"A:N\" disagrees with summaryTable.csv's VoiceVote \"N\"");
    assertThatThrownBy(() -> Corpora.readCremaD(dir, Modality.VOICE))
        .isInstanceOf(ManifestException.class)
        .hasMessage(dir + ": not a CREMA-D folder: no tabulatedVotes.csv");
  }

  @Test
  void autodetectListsTheKnownFormats() throws Exception {
    Path csv = write("other.csv", "a,b\n1,2\n");
    assertThat(Corpora.detectFormat(csv)).isEmpty();
    assertThatThrownBy(() -> Corpora.autodetect(csv))
        .isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(csv + ": no known corpus format fits; known formats: ser4j JSONL manifest (*.jsonl);"
            + " EmoDB (")
        .hasMessageContaining("RAVDESS (")
        .hasMessageContaining("CREMA-D (")
        .hasMessageContaining("MSP-Podcast (")
        .hasMessageEndingWith("any other CSV: Corpora.readCsv with a ColumnMapping");
    assertThatThrownBy(() -> Corpora.autodetect(dir.resolve("nope")))
        .isInstanceOf(ManifestException.class)
        .hasMessage(dir.resolve("nope") + ": no such file or directory");
    assertThat(Corpora.detectFormat(resource("mini.jsonl"))).contains(CorpusFormat.JSONL);
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> Corpora.read(empty, CorpusFormat.JSONL))
        .isInstanceOf(ManifestException.class)
        .hasMessage(empty + ": expected exactly one *.jsonl manifest in the folder, found 0");
    Path one = Files.createDirectories(dir.resolve("one"));
    Files.writeString(one.resolve("x.jsonl"), "{\"id\":\"a\",\"audio\":\"a.wav\"}\n");
    assertThat(Corpora.detectFormat(one)).contains(CorpusFormat.JSONL);
    assertThat(Corpora.autodetect(one).name()).isEqualTo("x");
  }
}
