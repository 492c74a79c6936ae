package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.Rationale;
import io.ser4j.rationale.RationaleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ser evaluate --cv speakers:K --model speechlm:PRESET}: a SpeechLM trained and scored per
 * fold. Long: the untrained micro model decodes its full token budget for every clip (430 s on the
 * loaded shared machine).
 */
@Tag("long")
class EvaluateSpeechLmCvTest {
  @Test
  void trainsAndScoresASpeechLmPerFold(@TempDir Path tmp) throws Exception {
    Path manifest = EvaluateCommandTest.emodbSubset(tmp, 4, 10, 16);
    Corpus c = Corpora.autodetect(manifest);
    Path store = tmp.resolve("r.jsonl");
    try (RationaleStore s = RationaleStore.open(store)) {
      for (Utterance u : c.utterances()) {
        s.append(new Rationale(u.id(), "The voice is loud and tense; this points to " + u.majority().name() + ".",
            u.majority(), "t", "v1", 1));
      }
    }
    Path out = tmp.resolve("eval");
    SerCliTest.Run r = SerCliTest.run("evaluate", "--manifest", manifest.toString(), "--model", "speechlm:micro",
        "--rationales", store.toString(), "--cv", "speakers:2", "--epochs", "1", "--cue-prefix", "2", "--bootstrap", "0", "--quiet",
        "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(out.resolve("predictions.jsonl"));
    assertThat(lines).hasSize(c.size());
    assertThat(lines).allMatch(l -> l.contains("\"fold\":"));
    assertThat(out.resolve("metrics.json")).exists();
    assertThat(out.resolve("folds/fold0/model.safetensors")).exists();
    assertThat(out.resolve("folds/fold1/model.safetensors")).exists();
    assertThat(r.out()).contains("macro_f1=");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("folds/fold0/config.json").toFile())
        .path("ser4j_cue_tokens").asInt()).isEqualTo(2);
    // a SpeechLM without rationales (and not label-only) is a usage error
    SerCliTest.Run bad = SerCliTest.run("evaluate", "--manifest", manifest.toString(), "--model", "speechlm:micro",
        "--cv", "speakers:2", "--out", tmp.resolve("bad").toString());
    assertThat(bad.exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(bad.err()).contains("--rationales");
    SerCliTest.Run negative = SerCliTest.run("evaluate", "--manifest", manifest.toString(), "--model", "speechlm:micro",
        "--rationales", store.toString(), "--cv", "speakers:2", "--cue-prefix", "-1", "--out", tmp.resolve("neg").toString());
    assertThat(negative.exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(negative.err()).contains("cue");
  }
}
