package io.ser4j.rationale.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.model.safetensors.SafeTensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA fine-tuning of a checkpoint: only the decoder projections change (adapters merged into the
 * saved weights), and resuming from the last checkpoint re-creates the same weights (the
 * checkpoint keeps the base weights unmerged, so the adapters are not applied twice).
 */
class SftTrainerLoraTest {
  static final Path DATA = Path.of(System.getProperty("ser4j.data.dir", "../../shared/data"));

  @Test
  void loraChangesOnlyDecoderProjectionsAndResumesExactly(@TempDir Path tmp) throws Exception {
    Corpus emodb = Corpora.readEmoDb(DATA.resolve("emodb/manifest.csv"));
    List<SftExample> train = SftDataset.build(List.of(emodb), SftFormatTest.rationales(emodb, 1), null, false)
        .examples().subList(0, 6);
    SftConfig full = SftConfig.builder().epochs(1).batchSize(3).augmenter(Augmenter.NONE).patience(0).seed(2).build();
    Path base = tmp.resolve("base");
    new SftTrainer(null).train(new SftTrainer.Request(full, train, List.of(), base, null,
        ModelShapes.preset("micro"), tmp.resolve("cache"), false));

    SftConfig lora = full.toBuilder().scope("lora").lora(4, 8).learningRate(1e-2).checkpointEvery(1).build();
    Path out = tmp.resolve("lora");
    SftTrainer.Result r = new SftTrainer(null).train(new SftTrainer.Request(lora, train, List.of(), out, base, null,
        tmp.resolve("cache"), false));
    assertThat(r.steps()).isEqualTo(2);
    byte[] first = Files.readAllBytes(out.resolve("model.safetensors"));
    try (SafeTensorsFile a = SafeTensorsFile.open(base.resolve("model.safetensors"));
        SafeTensorsFile b = SafeTensorsFile.open(out.resolve("model.safetensors"))) {
      int changed = 0;
      for (String k : a.names()) {
        boolean same = Arrays.equals(a.readFloats(k), b.readFloats(k));
        boolean projection = k.startsWith("language_model.model.layers.") && k.endsWith("_proj.weight");
        if (!projection) {
          assertThat(same).as(k).isTrue();
        }
        changed += same ? 0 : 1;
      }
      assertThat(changed).isEqualTo(2 * 7); // 2 decoder layers x 7 targeted projections
    }
    // the checkpoint holds the unmerged base plus the adapters
    Path ckpt = SftTrainer.latestCheckpoint(out.resolve(SftTrainer.STATE_DIR));
    assertThat(ckpt.resolve("adapter_model.safetensors")).exists();
    assertThat(Files.readAllBytes(ckpt.resolve("model.safetensors")))
        .isEqualTo(Files.readAllBytes(base.resolve("model.safetensors")));
    // resuming a finished run rebuilds the same merged weights
    Files.delete(out.resolve("model.safetensors"));
    new SftTrainer(null).train(new SftTrainer.Request(lora, train, List.of(), out, base, null, tmp.resolve("cache"), true));
    assertThat(Files.readAllBytes(out.resolve("model.safetensors"))).isEqualTo(first);
    // another learning rate is another run: refused on resume
    assertThatThrownBy(() -> new SftTrainer(null).train(new SftTrainer.Request(lora.toBuilder().learningRate(1e-3).build(),
        train, List.of(), out, base, null, tmp.resolve("cache"), true)))
        .isInstanceOf(TrainingException.class).hasMessageContaining("other settings");
  }
}
