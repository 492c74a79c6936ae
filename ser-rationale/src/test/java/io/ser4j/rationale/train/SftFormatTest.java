package io.ser4j.rationale.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.LabelSet;
import io.ser4j.core.ManifestException;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.model.speechlm.AnswerFormat;
import io.ser4j.model.speechlm.SpeechTokenizer;
import io.ser4j.rationale.RationaleKey;
import io.ser4j.rationale.StoredRationale;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Targets, tokenizer and weights of fine-tuning examples, on real EmoDB and RAVDESS manifests. */
class SftFormatTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));

  static List<StoredRationale> rationales(Corpus c, int every) {
    List<StoredRationale> out = new ArrayList<>();
    int i = 0;
    for (Utterance u : c.utterances()) {
      if (i++ % every == 0) {
        out.add(new StoredRationale(new RationaleKey(u.id(), "t", "v1"), StoredRationale.Status.OK,
            u.majority().name(), "Loud, with a high pitch; the speaker's words say \"" + u.transcript()
                + "\", so the voice decides: " + u.majority().name() + ".", 1, ""));
      }
    }
    return out;
  }

  /** One real EmoDB example (speaker 03's first clip) with a made-up rationale. */
  static SftExample someExample() {
    Corpus emodb = Corpora.readEmoDb(DATA.resolve("emodb/manifest.csv"));
    return SftDataset.build(List.of(emodb), rationales(emodb, 1), null, false).examples().get(0);
  }

  @Test
  void datasetKeepsOnlyUtterancesWithAMatchingRationale() {
    Corpus emodb = Corpora.readEmoDb(DATA.resolve("emodb/manifest.csv"));
    List<StoredRationale> rs = new ArrayList<>(rationales(emodb, 2));
    // a rationale for another label does not count; a failure does not either
    Utterance u1 = emodb.utterances().get(1);
    rs.add(new StoredRationale(new RationaleKey(u1.id(), "t", "v1"), StoredRationale.Status.OK,
        u1.majority().name().equals("anger") ? "sadness" : "anger", "x", 1, ""));
    SftDataset d = SftDataset.build(List.of(emodb), rs, null, false);
    assertThat(d.examples()).hasSize(204);
    assertThat(d.withoutRationale()).hasSize(204).contains("emodb/" + u1.id());
    assertThat(d.examples().get(0).speaker()).startsWith("emodb/");
    SftDataset labelOnly = SftDataset.build(List.of(emodb), List.of(), null, true);
    assertThat(labelOnly.examples()).hasSize(408).allMatch(e -> e.rationale().isEmpty());
    assertThat(SftDataset.build(List.of(emodb), rs, "other-teacher", true).examples()).hasSize(408);
    assertThatThrownBy(() -> SftDataset.build(List.of(emodb), rs, "other-teacher", false))
        .isInstanceOf(ManifestException.class).hasMessageContaining("ser teach");
    assertThatThrownBy(() -> SftDataset.build(List.of(emodb, emodb), rs, null, false))
        .isInstanceOf(ManifestException.class).hasMessageContaining("share the name");
  }

  @Test
  void tokenizerCoversTheDataAndTargetsRoundTrip(@TempDir Path tmp) throws Exception {
    Corpus emodb = Corpora.readEmoDb(DATA.resolve("emodb/manifest.csv"));
    Corpus ravdess = Corpora.readRavdess(DATA.resolve("ravdess/manifest.csv"));
    List<StoredRationale> rs = new ArrayList<>(rationales(emodb, 1));
    rs.addAll(rationales(ravdess, 1));
    List<SftExample> ex = SftDataset.build(List.of(emodb, ravdess), rs, null, false).examples();
    int n = WordTokenizerWriter.write(tmp, SftFormat.texts(ex));
    // 7 reserved ids + words: German and English sentences, the prompt, the label names
    assertThat(n).isBetween(60, 400);
    String json = Files.readString(tmp.resolve("tokenizer.json"));
    assertThat(json).contains("\"Eisschrank\"", "\"Kids\"", "\"Emotion\"", "\"surprise\"");
    // deterministic: the same texts give the same file
    Path again = tmp.resolve("again");
    WordTokenizerWriter.write(again, SftFormat.texts(ex));
    assertThat(Files.readString(again.resolve("tokenizer.json"))).isEqualTo(json);

    try (SpeechTokenizer tok = SpeechTokenizer.load(tmp)) {
      SftFormat f = new SftFormat(tok, 3.0);
      int audio = tok.specialId(SpeechTokenizer.AUDIO);
      for (SftExample e : List.of(ex.get(0), ex.get(500))) {
        for (boolean labelOnly : new boolean[] {false, true}) {
          SftFormat.Encoded enc = f.encode(e, e.corpusLabels(), labelOnly);
          int[] ids = enc.ids();
          float[] w = enc.weights();
          assertThat(Arrays.stream(ids).filter(i -> i == audio).count()).isEqualTo(1);
          for (int i = 0; i < enc.promptLength(); i++) {
            assertThat(w[i]).isZero();
          }
          // the pieces tokenized apart equal the whole target tokenized at once
          int[] target = Arrays.copyOfRange(ids, enc.promptLength(), ids.length);
          assertThat(target).containsExactly(tok.encode(SftFormat.target(e, labelOnly)));
          // exactly the label's tokens carry the extra weight
          int[] label = tok.encode(" " + e.label().name() + "\n");
          int heavy = 0;
          for (int i = enc.promptLength(); i < w.length; i++) {
            assertThat(w[i]).isIn(1f, 3f);
            heavy += w[i] == 3f ? 1 : 0;
          }
          assertThat(heavy).isEqualTo(label.length);
          // decoding the target parses back to the example
          AnswerFormat.ParsedAnswer p = AnswerFormat.parse(tok.decode(target, false), e.corpusLabels());
          assertThat(p.label()).isEqualTo(e.label());
          assertThat(p.transcript()).isEqualTo(e.transcript());
          assertThat(p.rationale().isEmpty()).isEqualTo(labelOnly);
          assertThat(ids[ids.length - 1]).isEqualTo(tok.specialId(SpeechTokenizer.IM_END));
        }
      }
      // the prompt with all nine labels and with the corpus's labels both encode without <unk>
      assertThat(f.encode(ex.get(0), LabelSet.UNIFIED, false).ids()).doesNotContain(6);
      assertThatThrownBy(() -> f.encode(ex.get(0), LabelSet.of("calm"), false))
          .hasMessageContaining("not among");
    }
  }

  @Test
  void preTokenizerSplitsLikeHuggingFace() {
    assertThat(WordTokenizerWriter.words("Transcript: Hallo, Welt.\nEmotion: anger<|im_end|>"))
        .containsExactly("Transcript", ":", "Hallo", ",", "Welt", ".", "\n", "Emotion", ":", "anger");
    assertThat(WordTokenizerWriter.words("speaker's  \"Eisschrank\" ü-ß"))
        .containsExactly("speaker", "'", "s", "\"", "Eisschrank", "\"", "ü", "-", "ß");
  }
}
