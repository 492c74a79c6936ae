package io.ser4j.model.speechlm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.model.speechlm.AnswerFormat.ParsedAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerFormatTest {
  private static final LabelSet EMODB =
      LabelSet.of("anger", "boredom", "disgust", "fear", "happiness", "neutral", "sadness");

  @Test
  void parsesTheDocumentedExample() {
    String text =
        "Transcript: Der Lappen liegt auf dem Eisschrank.\n"
            + "Emotion: anger\n"
            + "Rationale: Loud, with a high and widely varying pitch and a fast rate; the neutral"
            + " wording carries no emotion, so the voice decides.<|im_end|>";
    ParsedAnswer a = AnswerFormat.parse(text, EMODB);
    assertThat(a.transcript()).isEqualTo("Der Lappen liegt auf dem Eisschrank.");
    assertThat(a.label()).isEqualTo(Label.of("anger"));
    assertThat(a.rawEmotion()).isEqualTo("anger");
    assertThat(a.rationale()).startsWith("Loud, with").endsWith("the voice decides.");
    assertThat(a.warnings()).isEmpty();
  }

  @Test
  void formatRoundTrips() {
    String s = AnswerFormat.format("Hallo  Welt.", Label.of("sadness"), "Low pitch.\nSlow rate.");
    assertThat(s).isEqualTo("Transcript: Hallo  Welt.\nEmotion: sadness\nRationale: Low pitch. Slow rate.");
    ParsedAnswer a = AnswerFormat.parse(AnswerFormat.formatTarget("Hallo  Welt.", Label.of("sadness"), "x"), EMODB);
    assertThat(a.transcript()).isEqualTo("Hallo  Welt.");
    assertThat(a.label()).isEqualTo(Label.of("sadness"));
    assertThat(a.rationale()).isEqualTo("x");
    assertThat(a.warnings()).isEmpty();
  }

  @Test
  void formatWithEmptyTranscriptHasNoSpaceAfterColon() {
    String s = AnswerFormat.format("", Label.of("fear"), null);
    assertThat(s).isEqualTo("Transcript:\nEmotion: fear\nRationale:");
    ParsedAnswer a = AnswerFormat.parse(s, EMODB);
    assertThat(a.transcript()).isEmpty();
    assertThat(a.rationale()).isEmpty();
    assertThat(a.label()).isEqualTo(Label.of("fear"));
    assertThat(a.warnings()).isEmpty();
  }

  @Test
  void formatTargetEndsWithEndOfTurn() {
    assertThat(AnswerFormat.formatTarget("a", Label.of("anger"), "b")).endsWith("Rationale: b<|im_end|>");
  }

  @Test
  void toleratesWhitespaceCaseMarkdownCrlfAndPreamble() {
    String text =
        "Sure! Here is my analysis.\r\n\r\n"
            + "  **Transcript:** Kids are talking by the door.  \r\n"
            + "**EMOTION**:   Angry.  \r\n"
            + "__Rationale:__ Loud and fast.\r\n"
            + "The pitch is high.\r\n";
    ParsedAnswer a = AnswerFormat.parse(text, EMODB);
    assertThat(a.transcript()).isEqualTo("Kids are talking by the door.");
    assertThat(a.label()).isEqualTo(Label.of("anger"));
    assertThat(a.rawEmotion()).isEqualTo("Angry.");
    assertThat(a.rationale()).isEqualTo("Loud and fast.\nThe pitch is high.");
    assertThat(a.warnings()).isEmpty();
  }

  @Test
  void cutsAtTheFirstEndMarker() {
    String text = "Transcript: a\nEmotion: fear\nRationale: b<|endoftext|>Emotion: anger<|im_end|>";
    ParsedAnswer a = AnswerFormat.parse(text, EMODB);
    assertThat(a.label()).isEqualTo(Label.of("fear"));
    assertThat(a.rationale()).isEqualTo("b");
  }

  @Test
  void laterDuplicateKeysBelongToTheRationale() {
    String text = "Transcript: a\nEmotion: fear\nRationale: b\nEmotion: anger";
    ParsedAnswer a = AnswerFormat.parse(text, EMODB);
    assertThat(a.label()).isEqualTo(Label.of("fear"));
    assertThat(a.rationale()).isEqualTo("b\nEmotion: anger");
  }

  @Test
  void fieldsInAnotherOrderStillParse() {
    ParsedAnswer a = AnswerFormat.parse("Emotion: neutral\nTranscript: x\nRationale: y", EMODB);
    assertThat(a.label()).isEqualTo(Label.of("neutral"));
    assertThat(a.transcript()).isEqualTo("x");
    assertThat(a.rationale()).isEqualTo("y");
  }

  @Test
  void missingSectionsComeBackEmptyWithWarnings() {
    ParsedAnswer a = AnswerFormat.parse("Emotion: sadness", EMODB);
    assertThat(a.label()).isEqualTo(Label.of("sadness"));
    assertThat(a.transcript()).isEmpty();
    assertThat(a.rationale()).isEmpty();
    assertThat(a.warnings()).containsExactly("no Transcript field", "no Rationale field");
  }

  @Test
  void missingEmotionGivesNullLabelAndWarning() {
    ParsedAnswer a = AnswerFormat.parse("Transcript: x\nRationale: y", EMODB);
    assertThat(a.label()).isNull();
    assertThat(a.hasLabel()).isFalse();
    assertThat(a.rawEmotion()).isEmpty();
    assertThat(a.warnings()).contains("no Emotion field");
  }

  @Test
  void nullEmptyAndGarbageTextNeverThrow() {
    for (String s : new String[] {null, "", "\n\n", "<|im_end|>", "::::", "Emotion:", "**"}) {
      ParsedAnswer a = AnswerFormat.parse(s, EMODB);
      assertThat(a.label()).as(String.valueOf(s)).isNull();
      assertThat(a.transcript()).isEmpty();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "angry, anger",
    "Angry., anger",
    "happy, happiness",
    "joy, happiness",
    "sad, sadness",
    "fearful, fear",
    "afraid, fear",
    "disgusted, disgust",
    "bored, boredom",
    "'  NEUTRAL! ', neutral",
    "**anger**, anger",
    "\"sadness\", sadness"
  })
  void mapsSurfaceFormsToCandidates(String value, String expected) {
    assertThat(AnswerFormat.parse("Emotion: " + value, EMODB).label()).isEqualTo(Label.of(expected));
  }

  @Test
  void synonymIsOnlyAcceptedWhenItsTargetIsACandidate() {
    LabelSet three = LabelSet.of("anger", "neutral", "sadness");
    assertThat(AnswerFormat.parse("Emotion: surprised", LabelSet.UNIFIED).label())
        .isEqualTo(Label.of("surprise"));
    ParsedAnswer a = AnswerFormat.parse("Emotion: surprised", three);
    assertThat(a.label()).isNull();
    assertThat(a.rawEmotion()).isEqualTo("surprised");
    assertThat(a.warnings()).anyMatch(w -> w.contains("'surprised' is not one of [anger, neutral, sadness]"));
    assertThat(AnswerFormat.parse("Emotion: happiness", three).label()).isNull();
  }

  @Test
  void unknownEmotionIsNotALabel() {
    ParsedAnswer a = AnswerFormat.parse("Transcript: x\nEmotion: excited\nRationale: y", EMODB);
    assertThat(a.label()).isNull();
    assertThat(a.rawEmotion()).isEqualTo("excited");
  }

  @Test
  void labelsLineUsesCanonicalOrder() {
    assertThat(AnswerFormat.labelsLine(LabelSet.of("sadness", "zest", "anger", "calm", "awe")))
        .isEqualTo("Labels: anger, calm, sadness, awe, zest");
    assertThat(AnswerFormat.labelsLine(EMODB))
        .isEqualTo("Labels: anger, boredom, disgust, fear, happiness, neutral, sadness");
  }

  @Test
  void linesAfterOneLineFieldsAreIgnoredWithAWarning() {
    ParsedAnswer a = AnswerFormat.parse("Transcript: a\nb\nEmotion: fear\nRationale: r", EMODB);
    assertThat(a.transcript()).isEqualTo("a");
    assertThat(a.warnings()).containsExactly("1 line(s) after a one-line field ignored");
  }

  @Test
  void tidyUndoesWordLevelDecoderSpacing() {
    assertThat(AnswerFormat.tidy("Against this speaker ' s usual voice , the voice is loud ."))
        .isEqualTo("Against this speaker's usual voice, the voice is loud.");
    assertThat(AnswerFormat.tidy("it isn ' t ( really ) so !")).isEqualTo("it isn't (really) so!");
    assertThat(AnswerFormat.tidy("Kids are talking by the door.")).isEqualTo("Kids are talking by the door.");
    assertThat(AnswerFormat.tidy("")).isEmpty();
  }
}
