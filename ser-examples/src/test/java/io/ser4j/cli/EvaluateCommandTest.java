package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.model.baseline.BaselineModel;
import io.ser4j.model.baseline.BaselineRecognizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  static final Path DATA = SerCliTest.DATA;

  /**
   * A JSONL manifest of every {@code stride}-th clip of EmoDB's first {@code speakers} speakers,
   * at most {@code maxClips} (absolute audio paths).
   */
  static Path emodbSubset(Path dir, int speakers, int stride, int maxClips) {
    Corpus all = Corpora.readEmoDb(DATA.resolve("emodb/manifest.csv"));
    List<String> keep = List.copyOf(all.speakers()).subList(0, speakers);
    List<String> ids =
        all.filter(u -> keep.contains(u.speaker())).utterances().stream().map(u -> u.id()).toList();
    java.util.Set<String> picked = new java.util.HashSet<>();
    for (int i = 0; i < ids.size() && picked.size() < maxClips; i += stride) {
      picked.add(ids.get(i));
    }
    Corpus sub = all.filter(u -> picked.contains(u.id()));
    Path m = dir.resolve("subset.jsonl");
    Corpora.writeManifest(sub, m);
    return m;
  }

  @Test
  void crossValidationWritesPooledReportsForBothHeads(@TempDir Path tmp) throws IOException {
    Path manifest = emodbSubset(tmp, 4, 2, 1000);
    Path out = tmp.resolve("eval");
    SerCliTest.Run r =
        SerCliTest.run(
            "evaluate", "--manifest", manifest.toString(), "--model", "baseline", "--cv", "speakers:2",
            "--bootstrap", "50", "--out", out.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    for (Path dir : List.of(out, out.resolve("global"))) {
      for (String f : List.of("predictions.jsonl", "metrics.json", "report.md", "confusion.png")) {
        assertThat(dir.resolve(f)).as(dir + "/" + f).isNotEmptyFile();
      }
    }
    long clips = Files.readAllLines(manifest).stream().filter(l -> !l.isBlank()).count();
    List<String> preds = Files.readAllLines(out.resolve("predictions.jsonl"));
    assertThat(preds).hasSize((int) clips);
    JsonNode first = SerCliTest.MAPPER.readTree(preds.get(0));
    assertThat(first.has("id") && first.has("prediction") && first.has("annotations")).isTrue();
    assertThat(first.get("fold").asInt()).isBetween(0, 1);
    assertThat(first.get("distribution").size()).isEqualTo(7);
    JsonNode metrics = SerCliTest.MAPPER.readTree(out.resolve("metrics.json").toFile());
    assertThat(metrics.get("n").asInt()).isEqualTo((int) clips);
    // 4 speakers, half their clips, 2 per fold: a real but weak check (chance is about 0.14).
    assertThat(metrics.get("macro_f1_majority").asDouble()).isGreaterThan(0.3);
    assertThat(metrics.has("ci95")).isTrue();
    assertThat(r.jsonLines()).hasSize(2);
  }

  @Test
  void bundledModelEvaluationRestrictsToTheCorpusLabels(@TempDir Path tmp) throws IOException {
    Path manifest = emodbSubset(tmp, 1, 1, 12);
    Path out = tmp.resolve("eval");
    SerCliTest.Run r =
        SerCliTest.run("evaluate", "--manifest", manifest.toString(), "--bootstrap", "0", "--out", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> preds = Files.readAllLines(out.resolve("predictions.jsonl"));
    assertThat(preds).hasSize(12);
    for (String line : preds) {
      JsonNode d = SerCliTest.MAPPER.readTree(line).get("distribution");
      assertThat(d.has("calm") || d.has("surprise")).as("RAVDESS-only labels are left out").isFalse();
      double sum = 0;
      for (JsonNode v : d) {
        sum += v.asDouble();
      }
      assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
    }
    assertThat(out.resolve("metrics.json")).isNotEmptyFile();
  }

  @Test
  void badCvSpecificationsAreUsageErrors(@TempDir Path tmp) {
    Path manifest = DATA.resolve("emodb/manifest.csv");
    assertThat(SerCliTest.run("evaluate", "--manifest", manifest.toString(), "--cv", "folds:3", "--out", tmp.toString()).exit())
        .isEqualTo(SerCli.EXIT_USAGE);
    assertThat(
            SerCliTest.run(
                    "evaluate", "--manifest", manifest.toString(), "--cv", "speakers:2", "--model", "x.json",
                    "--out", tmp.toString())
                .exit())
        .isEqualTo(SerCli.EXIT_USAGE);
    assertThat(SerCliTest.run("evaluate", "--manifest", tmp.resolve("none.csv").toString(), "--out", tmp.toString()).exit())
        .isEqualTo(SerCli.EXIT_BAD_INPUT);
    SerCliTest.Run unknown =
        SerCliTest.run("evaluate", "--manifest", manifest.toString(), "--labels", "anger,contempt", "--out", tmp.toString());
    assertThat(unknown.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(unknown.err()).contains("contempt");
  }

  @Test
  void trainBaselineWritesALoadableModelThatAnalyzeUses(@TempDir Path tmp) throws IOException {
    Path manifest = emodbSubset(tmp, 3, 3, 1000);
    Path model = tmp.resolve("m.json");
    SerCliTest.Run r =
        SerCliTest.run("train-baseline", "--manifest", manifest.toString(), "--out", model.toString(), "--quiet");
    assertThat(r.exit()).as(r.err()).isZero();
    BaselineModel m = BaselineModel.read(model);
    assertThat(m.labels().size()).isEqualTo(7);
    assertThat(m.provenance().get("command")).contains("train-baseline").contains(manifest.toString());
    Path clip = DATA.resolve("emodb/wav/03a01Wa.wav");
    SerCliTest.Run a = SerCliTest.run("analyze", "--json", "--model", model.toString(), "--labels", "anger,sadness", clip.toString());
    assertThat(a.exit()).as(a.err()).isZero();
    JsonNode n = a.jsonLines().get(0);
    assertThat(n.get("model").asText()).startsWith(BaselineRecognizer.NAME);
    assertThat(n.get("probabilities").size()).isEqualTo(2);
    Files.writeString(model, "{broken");
    SerCliTest.Run bad = SerCliTest.run("analyze", "--model", model.toString(), clip.toString());
    assertThat(bad.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(bad.err()).contains("m.json").doesNotContain("at io.ser4j");
  }

  @Test
  void analyzeBaselineStaysAvailableBesideTheDefaultSpeechLm() throws IOException {
    Path clip = SerCliTest.REPO.resolve("examples/audio/angry.wav");
    SerCliTest.Run r = SerCliTest.run("analyze", "--json", "--model", "baseline", "--labels", "anger,sadness,neutral",
        clip.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode n = r.jsonLines().get(0);
    assertThat(n.get("model").asText()).isEqualTo("baseline");
    assertThat(n.get("label").asText()).isEqualTo("anger");
    assertThat(n.get("probabilities").size()).isEqualTo(3);
    assertThat(n.get("transcript").asText()).isEmpty();
  }
}
