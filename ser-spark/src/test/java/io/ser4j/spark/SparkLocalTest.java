package io.ser4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.ser4j.audio.AudioLoader;
import io.ser4j.core.Cue;
import io.ser4j.core.Label;
import io.ser4j.core.Recognition;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationCounts;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.Metric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * ser-spark in {@code local[2]} on 24 real EmoDB clips with the bundled baseline: predictions equal
 * a single-JVM run exactly, per-item failures are rows (never a failed job), the model is loaded
 * once per JVM, Parquet and JSONL round-trip, and distributed metrics are identical to {@link
 * Evaluation}'s. One SparkSession for the whole class (startup is the slow part).
 */
@Tag("spark")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkLocalTest {
  /** Every 17th EmoDB clip: 24 clips spread over all 8 speakers and 7 emotions. */
  static final int STRIDE = 17;

  static final int CLIPS = 24;

  @TempDir static Path tmp;

  SparkSession spark;
  Corpus corpus;
  Path wavDir;
  /** id → single-JVM recognition (the reference). */
  Map<String, Recognition> reference;

  static Path dataDir() {
    String d = System.getProperty("ser4j.data.dir");
    assertThat(d).as("system property ser4j.data.dir").isNotNull();
    Path p = Path.of(d, "emodb");
    assertThat(p.resolve("manifest.csv")).as("EmoDB manifest under " + p).exists();
    return p;
  }

  @BeforeAll
  void setUp() throws IOException {
    Corpus all = Corpora.readEmoDb(dataDir());
    List<Utterance> picked = new ArrayList<>();
    for (int i = 0; i < all.size() && picked.size() < CLIPS; i += STRIDE) {
      picked.add(all.utterances().get(i));
    }
    corpus = Corpus.of("emodb-24", picked);
    assertThat(corpus.size()).isEqualTo(CLIPS);
    wavDir = Files.createDirectories(tmp.resolve("wav"));
    for (Utterance u : picked) {
      Files.copy(u.audio(), wavDir.resolve(u.audio().getFileName()));
    }
    // a corrupt clip: must become an error row, not a failed job
    Files.write(wavDir.resolve("broken.wav"), "RIFF....WAVEjunk".getBytes(StandardCharsets.US_ASCII));

    reference = new LinkedHashMap<>();
    try (Recognizer r = RecognizerProvider.open("baseline")) {
      for (Utterance u : picked) {
        reference.put(u.id(), r.recognize(AudioLoader.load(u.audio()), null));
      }
    }
    ExecutorModels.closeAll();
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ser4j-spark-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
  }

  @AfterAll
  void tearDown() {
    if (spark != null) {
      spark.stop();
    }
    ExecutorModels.closeAll();
  }

  private static Map<String, Row> byId(List<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows) {
      assertThat(out.put(r.getString(r.fieldIndex(PredictionSchema.ID)), r)).isNull();
    }
    return out;
  }

  /** The row equals the single-JVM recognition exactly (label, every probability, every cue). */
  private static void assertSameAsReference(Row row, Recognition ref) {
    String id = row.getString(0);
    assertThat(row.isNullAt(row.fieldIndex(PredictionSchema.ERROR))).as(id + " error").isTrue();
    assertThat(row.getString(row.fieldIndex(PredictionSchema.LABEL))).as(id).isEqualTo(ref.label().name());
    Map<String, Double> probs = row.getJavaMap(row.fieldIndex(PredictionSchema.PROBABILITIES));
    Map<String, Double> refProbs = new LinkedHashMap<>();
    ref.probabilities().asMap().forEach((k, v) -> refProbs.put(k.name(), v));
    assertThat(probs).as(id + " probabilities").isEqualTo(refProbs);
    Map<String, Double> cues = row.getJavaMap(row.fieldIndex(PredictionSchema.CUES));
    Map<String, Double> refCues = new LinkedHashMap<>();
    for (Map.Entry<Cue, Double> e : ref.cues().asMap().entrySet()) {
      if (Double.isFinite(e.getValue())) {
        refCues.put(e.getKey().key(), e.getValue());
      }
    }
    assertThat(cues).as(id + " cues").isEqualTo(refCues).containsKey("f0_mean_hz");
    assertThat(row.getString(row.fieldIndex(PredictionSchema.TRANSCRIPT))).isEqualTo(ref.transcript());
    assertThat(row.getString(row.fieldIndex(PredictionSchema.RATIONALE))).isEqualTo(ref.rationale());
  }

  @Test
  void binaryFilesMatchSingleJvmAndRecordFailures() throws IOException {
    SparkRecognizer rec = SparkRecognizer.builder().model("baseline").build();
    Dataset<Row> preds = rec.recognizeFiles(spark, wavDir.toString()).cache();
    assertThat(preds.schema()).isEqualTo(PredictionSchema.SCHEMA);
    assertThat(preds.javaRDD().getNumPartitions()).as("both local cores get work").isGreaterThanOrEqualTo(2);
    Map<String, Row> rows = byId(preds.collectAsList());
    assertThat(rows).hasSize(CLIPS + 1);
    reference.forEach((id, ref) -> assertSameAsReference(rows.get(id), ref));
    Row broken = rows.get("broken");
    assertThat(broken.isNullAt(broken.fieldIndex(PredictionSchema.LABEL))).isTrue();
    assertThat(broken.getString(broken.fieldIndex(PredictionSchema.ERROR)))
        .startsWith("AudioFormatException: ")
        .contains("broken.wav");
    assertThat(ExecutorModels.loadCount()).as("model loads in this JVM (driver = executor)").isEqualTo(1);

    // Parquet and JSONL round-trip to the same table
    String parquet = tmp.resolve("preds.parquet").toString();
    String jsonl = tmp.resolve("preds.jsonl").toString();
    SparkRecognizer.writeParquet(preds, parquet);
    SparkRecognizer.writeJsonl(preds, jsonl);
    Map<String, Row> fromParquet = byId(spark.read().parquet(parquet).collectAsList());
    assertThat(fromParquet.keySet()).isEqualTo(rows.keySet());
    reference.forEach((id, ref) -> assertSameAsReference(fromParquet.get(id), ref));
    Map<String, Row> fromJson =
        byId(spark.read().schema(PredictionSchema.SCHEMA).json(jsonl).collectAsList());
    reference.forEach((id, ref) -> assertSameAsReference(fromJson.get(id), ref));
    assertThat(fromJson.get("broken").getString(7)).isEqualTo(broken.getString(7));
    List<String> lines;
    try (Stream<Path> parts = Files.list(Path.of(jsonl))) {
      lines =
          parts
              .filter(p -> p.getFileName().toString().startsWith("part-"))
              .flatMap(SparkLocalTest::readLines)
              .collect(Collectors.toList());
    }
    assertThat(lines).hasSize(CLIPS + 1);
    assertThat(lines).allMatch(l -> l.startsWith("{\"id\":\"") && l.endsWith("}"));
    assertThat(lines).filteredOn(l -> l.contains("\"error\":")).hasSize(1);
    preds.unpersist();

    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> rec.recognizeFiles(spark, tmp.resolve("no-such-dir").toString())))
        .isInstanceOf(io.ser4j.core.SerException.class)
        .hasMessageContaining("no-such-dir")
        .hasMessageContaining("cannot list audio files");
  }

  private static Stream<String> readLines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8).stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void manifestRunAndDistributedMetricsEqualSingleJvm() {
    // the 24 clips plus one whose file does not exist
    List<Utterance> withMissing = new ArrayList<>(corpus.utterances());
    withMissing.add(Utterance.of("missing", tmp.resolve("nope.wav"), "", "99", Label.of("anger"), "t"));
    Dataset<Row> manifest = SparkManifest.fromCorpus(spark, Corpus.of("m", withMissing), 3);
    SparkRecognizer rec = SparkRecognizer.builder().model("baseline").build();
    Dataset<Row> preds = rec.recognizeManifest(manifest).cache();
    Map<String, Row> rows = byId(preds.collectAsList());
    assertThat(rows).hasSize(CLIPS + 1);
    reference.forEach((id, ref) -> assertSameAsReference(rows.get(id), ref));
    assertThat(rows.get("missing").getString(7)).contains("nope.wav");

    DistributedEvaluation.Result res = DistributedEvaluation.evaluate(preds, manifest);
    assertThat(res.failed()).isEqualTo(1);
    assertThat(res.unlabelled()).isZero();
    assertThat(res.partitions()).isGreaterThanOrEqualTo(2);
    List<EvaluationItem> items = new ArrayList<>();
    for (Utterance u : corpus.utterances()) {
      items.add(
          new EvaluationItem(
              u.id(), reference.get(u.id()).label(), u.annotations(), u.majority(), null, null));
    }
    Evaluation single = Evaluation.of(items);
    EvaluationCounts merged = res.counts();
    assertThat(merged.n()).isEqualTo(CLIPS);
    for (Metric m : Metric.values()) {
      if (EvaluationCounts.supports(m)) {
        assertThat(Double.valueOf(merged.metric(m))).as(m.key()).isEqualTo(Double.valueOf(single.metric(m)));
      }
    }
    assertThat(single.accuracy()).as("the baseline is better than chance on EmoDB").isGreaterThan(0.3);
    assertThat(merged.perClass()).isEqualTo(single.perClass());
    assertThat(merged.confusionMatrix()).isEqualTo(single.confusionMatrix());
    preds.unpersist();
  }

  @Test
  void jsonlAndPathListManifestsOnTheFileSystem() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("manifests"));
    StringBuilder jsonl = new StringBuilder();
    StringBuilder list = new StringBuilder("# one path per line\n");
    for (Utterance u : corpus.utterances().subList(0, 3)) {
      String rel = "../wav/" + u.audio().getFileName(); // relative to the manifest's directory
      jsonl.append("{\"id\":\"").append(u.id()).append("\",\"audio\":\"").append(rel)
          .append("\",\"label\":\"").append(u.majority().name()).append("\"}\n");
      list.append(wavDir.resolve(u.audio().getFileName())).append("\n\n");
    }
    Files.writeString(dir.resolve("m.jsonl"), jsonl);
    Files.writeString(dir.resolve("paths.txt"), list);
    SparkRecognizer rec = SparkRecognizer.builder().model("baseline").build();
    for (String name : List.of("m.jsonl", "paths.txt")) {
      Dataset<Row> manifest = SparkManifest.read(spark, dir.resolve(name).toString());
      List<Row> m = manifest.collectAsList();
      assertThat(m).as(name).hasSize(3);
      Map<String, Row> rows = byId(rec.recognizeManifest(manifest).collectAsList());
      assertThat(rows).as(name).hasSize(3);
      rows.forEach((id, row) -> assertSameAsReference(row, reference.get(id)));
    }
    Dataset<Row> labelled = SparkManifest.read(spark, dir.resolve("m.jsonl").toString());
    Row first = labelled.collectAsList().get(0);
    assertThat(first.getList(2)).containsExactly(corpus.utterances().get(0).majority().name());
  }

  @Test
  void batchExampleWritesPredictionsAndMergedMetrics() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("example"));
    StringBuilder jsonl = new StringBuilder();
    List<EvaluationItem> items = new ArrayList<>();
    for (Utterance u : corpus.utterances().subList(0, 8)) {
      jsonl.append("{\"id\":\"").append(u.id()).append("\",\"audio\":\"").append(u.audio())
          .append("\",\"label\":\"").append(u.majority().name()).append("\"}\n");
      items.add(EvaluationItem.of(u.id(), reference.get(u.id()).label(), u.annotations()));
    }
    jsonl.append("{\"id\":\"gone\",\"audio\":\"gone.wav\",\"label\":\"anger\"}\n");
    Files.writeString(dir.resolve("m.jsonl"), jsonl);
    Path out = dir.resolve("out");
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    int status =
        io.ser4j.spark.examples.SparkBatchExample.run(
            spark,
            io.ser4j.spark.examples.SparkBatchExample.parse(
                new String[] {"--manifest", dir.resolve("m.jsonl").toString(), "--out", out.toString(),
                  "--model", "baseline", "--partitions", "2"}),
            new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
    assertThat(status).as("one clip is missing: exit 3, the others processed").isEqualTo(3);
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("9 clips (1 failed)").contains("macro-F1");
    assertThat(out.resolve("predictions.parquet/_SUCCESS")).exists();
    assertThat(out.resolve("predictions.jsonl/_SUCCESS")).exists();
    assertThat(spark.read().parquet(out.resolve("predictions.parquet").toString()).count()).isEqualTo(9);
    String metrics = Files.readString(out.resolve("metrics.json"));
    Evaluation single = Evaluation.of(items);
    assertThat(metrics)
        .startsWith("{\"n\":8,\"n_no_majority\":0,")
        .contains("\"macro_f1_majority\":" + single.macroF1() + ",")
        .contains("\"accuracy_majority\":" + single.accuracy() + ",")
        .contains("\"n_failed\":1");

    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> io.ser4j.spark.examples.SparkBatchExample.parse(new String[] {"--out", "x"})))
        .isInstanceOf(io.ser4j.spark.examples.SparkBatchExample.UsageException.class)
        .hasMessageContaining("exactly one of");
  }

  @Test
  void throughputHarnessRunsAllThreeConfigurations() throws Exception {
    java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
    List<io.ser4j.spark.examples.SparkThroughputBenchmark.Measurement> ms =
        io.ser4j.spark.examples.SparkThroughputBenchmark.run(
            spark, corpus, 2, 1, "baseline", new java.io.PrintStream(table, true, StandardCharsets.UTF_8));
    assertThat(ms).extracting(m -> m.name())
        .containsExactly("single JVM, 1 thread", "single JVM, 2 threads", "Spark local[2], 2 partitions");
    assertThat(ms).allMatch(m -> m.clipsPerSecond() > 0 && m.clips() == 2);
    assertThat(table.toString(StandardCharsets.UTF_8)).contains("| clips/s |");
  }
}
