package io.ser4j.examples.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ser4j.core.Label;
import io.ser4j.core.Recognition;
import io.ser4j.core.Ser;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.model.bundled.BundledSpeechLm;
import io.ser4j.rationale.RationaleStore;
import io.ser4j.rationale.StoredRationale;
import io.ser4j.rationale.train.LearningCurve;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the fine-tuning example end to end on real EmoDB clips (a 6-clip JSONL sample, the micro
 * preset, one epoch of 3 steps): rationales in the store, a finite recorded loss per step, a Hugging
 * Face–layout checkpoint that loads through {@link Ser}, and a recognition over its label set.
 */
class FineTuneExampleTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));

  @Test
  void teachesTrainsLoadsAndAnalyses(@TempDir Path tmp) throws Exception {
    assertThat(DATA.resolve("emodb/manifest.csv")).as("EmoDB under ser4j.data.dir").exists();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    FineTuneExample.Options o = FineTuneExample.parse(new String[] {
        "--sample", DATA.toString(), "--clips", "6", "--out", tmp.resolve("run").toString(),
        "--epochs", "1", "--batch-size", "2", "--preset", "micro"});
    FineTuneExample.Outcome r = FineTuneExample.run(o, out);
    String printed = buf.toString(StandardCharsets.UTF_8);

    // the sample is a JSONL manifest of 6 real clips with 6 different labels
    Corpus sample = Corpora.readManifest(r.manifest());
    assertThat(r.manifest().getFileName().toString()).endsWith(".jsonl");
    assertThat(sample.size()).isEqualTo(6);
    assertThat(sample.labelsSeen()).hasSize(6);

    // (1) one OK cue-grounded rationale per clip, of the clip's label
    assertThat(r.taught()).isEqualTo(6);
    try (RationaleStore store = RationaleStore.open(r.rationales())) {
      List<StoredRationale> recs = store.records();
      assertThat(recs).hasSize(6).allSatisfy(s -> {
        assertThat(s.status()).isEqualTo(StoredRationale.Status.OK);
        assertThat(s.text()).isNotBlank();
        assertThat(s.label()).isEqualTo(sample.find(s.key().utteranceId()).orElseThrow().majority().name());
      });
    }

    // (2) 6 examples, batch 2, 1 epoch: 3 steps, each with a finite positive loss, printed and saved
    assertThat(r.examples()).isEqualTo(6);
    assertThat(r.curve()).hasSize(3);
    for (LearningCurve.Point p : r.curve()) {
      assertThat(p.trainLoss()).isFinite().isPositive();
      assertThat(p.gradNorm()).isFinite();
    }
    assertThat(printed).containsPattern("step 1/3: epoch 1 loss \\d+\\.\\d{3}")
        .containsPattern("step 3/3: .*loss \\d+\\.\\d{3}");
    String csv = Files.readString(r.modelDir().resolve("learning_curve.csv"));
    assertThat(LearningCurve.fromCsv(csv).points()).hasSize(3);
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
        "generation_config.json")) {
      assertThat(r.modelDir().resolve(f)).as(f).isNotEmptyFile();
    }

    // (3) the facade loaded the checkpoint; the answer is over its candidate labels
    Recognition rec = r.recognition();
    assertThat(r.labels().size()).isGreaterThanOrEqualTo(2);
    assertThat(rec.label()).isNotNull();
    assertThat(r.labels().contains(rec.label())).as("label %s in %s", rec.label(), r.labels()).isTrue();
    assertThat(rec.probabilities().asMap().keySet()).allSatisfy(l -> assertThat(r.labels().contains(l)).isTrue());
    assertThat(rec.probabilities().asMap().values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-6));
    assertThat(printed).contains("  label:         " + rec.label().name()).contains("  rationale:");
    try (Ser again = Ser.builder().optModel(r.modelDir()).build()) {
      Label l = again.analyze(sample.utterances().get(0).audio()).label();
      assertThat(l).isEqualTo(rec.label()); // greedy decoding: the same checkpoint answers the same
    }
  }

  @Test
  void fineTunesTheBundledSpeechLmKeepingItsTokenizer(@TempDir Path tmp) throws Exception {
    FineTuneExample.Options o = FineTuneExample.parse(new String[] {
        "--sample", DATA.toString(), "--clips", "4", "--out", tmp.resolve("run").toString(),
        "--batch-size", "2", "--init", "default"});
    assertThat(o.init()).isEqualTo(BundledSpeechLm.directory());
    FineTuneExample.Outcome r = FineTuneExample.run(o, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8));
    assertThat(r.curve()).hasSize(2);
    // a trained model starts far below a random one (about 5.1 nats per target token for micro)
    assertThat(r.curve().get(0).trainLoss()).isFinite().isPositive().isLessThan(2.0);
    assertThat(Files.readString(r.modelDir().resolve("tokenizer.json")))
        .isEqualTo(Files.readString(BundledSpeechLm.directory().resolve("tokenizer.json")));
    assertThat(r.labels().contains(r.recognition().label())).isTrue();
  }

  @Test
  void badArgumentsAreRefusedByName() {
    assertThatThrownBy(() -> FineTuneExample.parse(new String[] {"--sample", "x", "--preset", "huge"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("huge");
    assertThatThrownBy(() -> FineTuneExample.parse(new String[] {"--sample", "x", "--epochs", "two"}))
        .hasMessageContaining("--epochs");
    assertThatThrownBy(() -> FineTuneExample.parse(new String[] {"--manifest", "a.jsonl", "--sample", "x"}))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> FineTuneExample.parse(new String[] {"--out"})).hasMessageContaining("--out needs a value");
  }
}
