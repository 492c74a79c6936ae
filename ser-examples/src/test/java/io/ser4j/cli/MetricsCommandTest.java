package io.ser4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.metrics.Agreement;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.ConfidenceInterval;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.Metric;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ser metrics} against GUIDE §7, on real crowd votes (the CREMA-D fixture of ser-metrics,
 * written out as the JSONL the command reads) and compared with the library's own Evaluation.
 */
class MetricsCommandTest {
  static final Path REPO = Path.of(System.getProperty("ser4j.repo.dir", ".."));
  static final Path FIXTURE =
      REPO.resolve("ser-metrics/src/test/resources/fixtures/metrics/crema_d_voice.json");
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** GUIDE §7: keys `ser metrics --json` must print. */
  static final List<String> KEYS =
      List.of(
          "n",
          "n_no_majority",
          "labels",
          "accuracy_majority",
          "macro_f1_majority",
          "macro_f1_annotator_aware",
          "per_class",
          "confusion_matrix",
          "fleiss_kappa",
          "krippendorff_alpha");

  /** GUIDE §7: extra keys with distributions. */
  static final List<String> SOFT_KEYS =
      List.of("all_inclusive_macro_f1", "soft_accuracy", "soft_micro_f1", "js_similarity", "ece");

  @TempDir static Path tmp;
  static Path withDist;
  static Path noDist;
  static Path small;
  static List<EvaluationItem> itemsWithDist;
  static List<EvaluationItem> itemsNoDist;
  static List<EvaluationItem> itemsSmall;

  record Run(int exit, String out, String err) {
    JsonNode json() throws IOException {
      assertThat(out.strip().lines()).as("one JSON object on stdout").hasSize(1);
      return MAPPER.readTree(out);
    }
  }

  static Run run(String... args) {
    CommandLine cli = SerCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * Writes the fixture as JSONL (annotations expanded from the vote counts; the distribution, the
   * speaker and, on every 10th item, the given majority) and keeps the same items as the library
   * sees them.
   */
  @BeforeAll
  static void writeInputs() throws IOException {
    assertThat(FIXTURE).as("fixture (ser4j.repo.dir=" + REPO + ")").isRegularFile();
    JsonNode root = MAPPER.readTree(FIXTURE.toFile());
    List<String> voteLabels = new ArrayList<>();
    root.get("vote_labels").forEach(n -> voteLabels.add(n.asText()));
    LabelSet distLabels = LabelSet.of(voteLabels.toArray(new String[0]));
    StringBuilder a = new StringBuilder();
    StringBuilder b = new StringBuilder();
    itemsWithDist = new ArrayList<>();
    itemsNoDist = new ArrayList<>();
    int i = 0;
    for (JsonNode it : root.get("items")) {
      ObjectNode line = MAPPER.createObjectNode();
      line.put("id", it.get("id").asText());
      line.put("prediction", it.get("prediction").asText());
      List<Label> ann = new ArrayList<>();
      var arr = line.putArray("annotations");
      for (int k = 0; k < voteLabels.size(); k++) {
        for (int r = 0; r < it.get("votes").get(k).asInt(); r++) {
          arr.add(voteLabels.get(k));
          ann.add(Label.of(voteLabels.get(k)));
        }
      }
      EvaluationItem item =
          EvaluationItem.of(it.get("id").asText(), Label.of(it.get("prediction").asText()), ann);
      if (i % 10 == 0) {
        line.put("majority", it.get("prediction").asText());
        item = item.withMajority(Label.of(it.get("prediction").asText()));
      }
      line.put("speaker", it.get("speaker").asText());
      item = item.withSpeaker(it.get("speaker").asText());
      itemsNoDist.add(item);
      b.append(line).append('\n');
      double[] scores = new double[voteLabels.size()];
      ObjectNode dist = MAPPER.createObjectNode();
      double sum = 0;
      for (int k = 0; k < scores.length; k++) {
        scores[k] = it.get("distribution_scores").get(k).asInt();
        sum += scores[k];
      }
      for (int k = 0; k < scores.length; k++) {
        dist.put(voteLabels.get(k), scores[k] / sum);
      }
      line.set("distribution", dist);
      itemsWithDist.add(item.withDistribution(LabelDistribution.normalise(distLabels, scores)));
      a.append(line).append('\n');
      if (i % 500 == 0) {
        a.append("   \n"); // blank lines are skipped
      }
      i++;
    }
    withDist = Files.writeString(tmp.resolve("crema_dist.jsonl"), a);
    noDist = Files.writeString(tmp.resolve("crema_votes.jsonl"), b);
    String[] firstLines = b.toString().split("\n");
    small =
        Files.writeString(
            tmp.resolve("small.jsonl"),
            String.join("\n", List.of(firstLines).subList(0, 1500)) + "\n");
    itemsSmall = itemsNoDist.subList(0, 1500);
  }

  @Test
  void jsonHasEveryGuideKeyWithTheLibrarysValues() throws IOException {
    Run r = run("metrics", "--input", withDist.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    for (String k : KEYS) {
      assertThat(j.has(k)).as("key " + k).isTrue();
    }
    for (String k : SOFT_KEYS) {
      assertThat(j.has(k)).as("soft key " + k).isTrue();
    }
    assertThat(j.has("ci95")).isFalse();
    Evaluation ev = Evaluation.of(itemsWithDist);
    assertThat(j.get("n").asInt()).isEqualTo(ev.n()).isEqualTo(7442);
    assertThat(j.get("n_no_majority").asInt()).isEqualTo(ev.nNoMajority()).isPositive();
    List<String> labelNames = new ArrayList<>();
    j.get("labels").forEach(l -> labelNames.add(l.asText()));
    List<String> expectedNames = new ArrayList<>();
    ev.labels().forEach(l -> expectedNames.add(l.name()));
    assertThat(labelNames).isEqualTo(expectedNames).hasSize(6);
    // every CREMA-D label is a majority or a prediction somewhere: no separate full set
    assertThat(j.has("labels_all")).isFalse();
    for (Metric m : Metric.values()) {
      double v = ev.metric(m);
      assertThat(j.get(m.key()).asDouble()).as(m.key()).isEqualTo(v);
    }
    for (var c : ev.perClass()) {
      JsonNode pc = j.get("per_class").get(c.label().name());
      assertThat(pc.get("precision").asDouble()).isEqualTo(c.precision());
      assertThat(pc.get("recall").asDouble()).isEqualTo(c.recall());
      assertThat(pc.get("f1").asDouble()).isEqualTo(c.f1());
      assertThat(pc.get("support").asLong()).isEqualTo(c.support());
    }
    long[][] cm = ev.confusionMatrix().counts();
    for (int row = 0; row < cm.length; row++) {
      for (int col = 0; col < cm.length; col++) {
        assertThat(j.get("confusion_matrix").get(row).get(col).asLong()).isEqualTo(cm[row][col]);
      }
    }
    assertThat(j.get("macro_f1_annotator_aware").asDouble())
        .isGreaterThan(j.get("macro_f1_majority").asDouble());
  }

  @Test
  void withoutDistributionsThereAreNoSoftKeys() throws IOException {
    Run r = run("metrics", "--json", "--input", noDist.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    for (String k : KEYS) {
      assertThat(j.has(k)).as("key " + k).isTrue();
    }
    for (String k : SOFT_KEYS) {
      assertThat(j.has(k)).as("soft key " + k).isFalse();
    }
    Evaluation ev = Evaluation.of(itemsNoDist);
    assertThat(j.get("macro_f1_majority").asDouble()).isEqualTo(ev.macroF1());
    assertThat(j.get("fleiss_kappa").asDouble()).isEqualTo(ev.fleissKappa());
  }

  @Test
  void bootstrapIntervalsMatchTheLibraryAndContainTheEstimate() throws IOException {
    Run r =
        run("metrics", "--input", small.toString(), "--json", "--bootstrap", "300", "--seed", "11");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    JsonNode ci = j.get("ci95");
    assertThat(ci).isNotNull();
    Evaluation ev = Evaluation.of(itemsSmall);
    Map<Metric, ConfidenceInterval> expected =
        Bootstrap.withReplicates(300).seed(11).confidenceIntervals(ev, List.of(Metric.values()));
    for (Metric m :
        List.of(
            Metric.ACCURACY_MAJORITY,
            Metric.MACRO_F1_MAJORITY,
            Metric.MACRO_F1_ANNOTATOR_AWARE,
            Metric.FLEISS_KAPPA,
            Metric.KRIPPENDORFF_ALPHA)) {
      JsonNode pair = ci.get(m.key());
      assertThat(pair).as("ci95." + m.key()).hasSize(2);
      double lo = pair.get(0).asDouble();
      double hi = pair.get(1).asDouble();
      assertThat(lo).as(m.key()).isEqualTo(expected.get(m).lower());
      assertThat(hi).as(m.key()).isEqualTo(expected.get(m).upper());
      assertThat(j.get(m.key()).asDouble()).as(m.key() + " estimate in its CI").isBetween(lo, hi);
      assertThat(hi - lo).as(m.key() + " CI width").isPositive().isLessThan(0.2);
    }
    assertThat(j.get("bootstrap").get("replicates").asInt()).isEqualTo(300);
    assertThat(j.get("bootstrap").get("seed").asLong()).isEqualTo(11);
  }

  @Test
  void theSameSeedGivesTheSameOutputAndAnotherSeedOtherIntervals() {
    Run a =
        run("metrics", "--input", small.toString(), "--json", "--bootstrap", "100", "--seed", "5");
    Run b =
        run("metrics", "--input", small.toString(), "--json", "--bootstrap", "100", "--seed", "5");
    Run c =
        run("metrics", "--input", small.toString(), "--json", "--bootstrap", "100", "--seed", "6");
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(b.out()).isEqualTo(a.out());
    assertThat(c.out()).isNotEqualTo(a.out());
    Run s =
        run(
            "metrics",
            "--input",
            small.toString(),
            "--json",
            "--bootstrap",
            "100",
            "--seed",
            "5",
            "--by-speaker");
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out()).contains("\"stratified_by_speaker\":true").isNotEqualTo(a.out());
  }

  @Test
  void malformedLineIsBadInputNamingFileAndLine() throws IOException {
    Path bad =
        Files.writeString(
            tmp.resolve("bad.jsonl"),
            "{\"id\": \"a\", \"prediction\": \"anger\", \"annotations\": [\"anger\"]}\n"
                + "\n"
                + "{\"id\": \"b\", \"prediction\": \"fear\", \"annotations\": [\"fear\""
                + " \"anger\"]}\n");
    Run r = run("metrics", "--input", bad.toString(), "--json");
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains(bad + ":3 (column ").contains("not valid JSON");

    Path missing =
        Files.writeString(
            tmp.resolve("missing.jsonl"),
            "{\"id\": \"a\", \"prediction\": \"anger\", \"annotations\": [\"anger\"]}\n"
                + "{\"id\": \"b\", \"annotations\": [\"fear\"]}\n");
    Run m = run("metrics", "--input", missing.toString(), "--json");
    assertThat(m.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(m.err()).contains(missing + ":2 (column prediction): missing");

    Path types =
        Files.writeString(
            tmp.resolve("types.jsonl"),
            "{\"id\": \"a\", \"prediction\": \"anger\", \"annotations\": []}\n");
    assertThat(run("metrics", "--input", types.toString()).err())
        .contains(types + ":1 (column annotations)");

    Path dup =
        Files.writeString(
            tmp.resolve("dup.jsonl"),
            "{\"id\": \"a\", \"prediction\": \"anger\", \"annotations\": [\"anger\"]}\n"
                + "{\"id\": \"a\", \"prediction\": \"fear\", \"annotations\": [\"fear\"]}\n");
    assertThat(run("metrics", "--input", dup.toString()).err())
        .contains(dup + ":2 (column id)", "first on line 1");

    Path sum =
        Files.writeString(
            tmp.resolve("sum.jsonl"),
            "{\"id\": \"a\", \"prediction\": \"anger\", \"annotations\": [\"anger\"],"
                + " \"distribution\": {\"anger\": 0.5, \"fear\": 0.2}}\n");
    Run d = run("metrics", "--input", sum.toString());
    assertThat(d.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(d.err()).contains(sum + ":1 (column distribution)", "sum to 0.7");
  }

  @Test
  void unknownLabelWithLabelsIsBadInput() throws IOException {
    Path f =
        Files.writeString(
            tmp.resolve("labels.jsonl"),
            "{\"id\": \"a\", \"prediction\": \"anger\", \"annotations\": [\"anger\", \"fear\"]}\n"
                + "{\"id\": \"b\", \"prediction\": \"anger\", \"annotations\": [\"contempt\"]}\n");
    Run r = run("metrics", "--input", f.toString(), "--json", "--labels", "anger,fear");
    assertThat(r.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .contains(f + ":2 (column annotations)", "'contempt'", "--labels anger,fear");

    Run ok = run("metrics", "--input", f.toString(), "--json", "--labels", "fear,anger,contempt");
    assertThat(ok.exit()).as(ok.err()).isZero();
    JsonNode j = ok.json();
    assertThat(j.get("labels").toString()).isEqualTo("[\"fear\",\"anger\",\"contempt\"]");
    assertThat(j.get("confusion_matrix")).hasSize(3);
  }

  /**
   * GUIDE §7: without --labels the majority-based metrics use the union of the majority labels and
   * predictions of the items with a majority (scikit-learn without labels=): a label that is only
   * ever a minority annotation ('contempt') and the prediction of an item without a majority
   * ('surprise') are in labels_all (agreement, soft metrics) but not zero-F1 classes.
   */
  @Test
  void implicitLabelsLeaveOutMinorityOnlyAnnotationsAndPredictionsOfTies() throws IOException {
    Path f =
        Files.writeString(
            tmp.resolve("implicit.jsonl"),
            "{\"id\": \"a\", \"prediction\": \"anger\","
                + " \"annotations\": [\"anger\", \"anger\", \"contempt\"]}\n"
                + "{\"id\": \"b\", \"prediction\": \"fear\","
                + " \"annotations\": [\"fear\", \"contempt\", \"fear\"]}\n"
                + "{\"id\": \"c\", \"prediction\": \"anger\","
                + " \"annotations\": [\"fear\", \"fear\"]}\n"
                + "{\"id\": \"d\", \"prediction\": \"surprise\","
                + " \"annotations\": [\"anger\", \"fear\"]}\n");
    Run r = run("metrics", "--input", f.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("n_no_majority").asInt()).isEqualTo(1);
    assertThat(j.get("labels").toString()).isEqualTo("[\"anger\",\"fear\"]");
    assertThat(j.get("labels_all").toString())
        .isEqualTo("[\"anger\",\"contempt\",\"fear\",\"surprise\"]");
    // anger: P=1/2 R=1 F1=2/3; fear: P=1 R=1/2 F1=2/3 -> Macro-F1 2/3 over two classes
    assertThat(j.get("macro_f1_majority").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(j.get("uar").asDouble()).isCloseTo(0.75, within(1e-12));
    assertThat(j.get("per_class").size()).isEqualTo(2);
    assertThat(j.get("per_class").has("contempt")).isFalse();
    assertThat(j.get("confusion_matrix").toString()).isEqualTo("[[1,0],[1,1]]");
    // the agreement metrics see all four categories (contempt votes are disagreement)
    int[][] counts = {{2, 1, 0, 0}, {0, 1, 2, 0}, {0, 0, 2, 0}, {1, 0, 1, 0}};
    assertThat(j.get("fleiss_kappa").asDouble())
        .isCloseTo(Agreement.fleissKappa(counts), within(1e-12));

    // --labels with the full set: everything over it, the unused classes are zero-F1 classes
    Run g =
        run(
            "metrics",
            "--input",
            f.toString(),
            "--json",
            "--labels",
            "anger,contempt,fear,surprise");
    assertThat(g.exit()).as(g.err()).isZero();
    JsonNode k = g.json();
    assertThat(k.get("labels")).hasSize(4);
    assertThat(k.has("labels_all")).isFalse();
    assertThat(k.get("macro_f1_majority").asDouble()).isCloseTo(2.0 / 3 / 2, within(1e-12));
    assertThat(k.get("fleiss_kappa").asDouble()).isEqualTo(j.get("fleiss_kappa").asDouble());
  }

  @Test
  void usageAndFileErrors(@TempDir Path dir) {
    // GUIDE §7 wants exit 2 for usage errors; SerCli's exit-code mapper currently maps picocli's
    // ParameterException to 1, so only "non-zero, nothing on stdout, the reason on stderr" here
    Run noInput = run("metrics", "--json");
    assertThat(noInput.exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(noInput.out()).isEmpty();
    assertThat(noInput.err()).contains("Missing required option: '--input");
    Run zero = run("metrics", "--input", small.toString(), "--bootstrap", "0");
    assertThat(zero.exit()).isEqualTo(SerCli.EXIT_USAGE);
    assertThat(zero.out()).isEmpty();
    assertThat(zero.err()).contains("--bootstrap must be between 1 and");
    Run nofile = run("metrics", "--input", dir.resolve("nope.jsonl").toString());
    assertThat(nofile.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(nofile.err()).contains("nope.jsonl: no such file");
    Run empty = run("metrics", "--input", writeUnchecked(dir.resolve("empty.jsonl"), "\n\n"));
    assertThat(empty.exit()).isEqualTo(SerCli.EXIT_BAD_INPUT);
    assertThat(empty.err()).contains("no items");
  }

  @Test
  void textOutputAndReportDirectory(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("report");
    Run r =
        run(
            "metrics",
            "--input",
            withDist.toString(),
            "--bootstrap",
            "50",
            "--out",
            out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("7442 items", "| macro_f1_majority |", "95% CI", "| anger |");
    for (String f : List.of("metrics.json", "report.md", "confusion.png", "reliability.png")) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    assertThat(ImageIO.read(out.resolve("confusion.png").toFile()).getWidth()).isPositive();
    JsonNode j = MAPPER.readTree(out.resolve("metrics.json").toFile());
    assertThat(j.get("macro_f1_majority").asDouble())
        .isEqualTo(Evaluation.of(itemsWithDist).macroF1());
    assertThat(j.get("ci95").has("macro_f1_majority")).isTrue();
    assertThat(r.err()).contains("wrote 4 report files");

    Path out2 = dir.resolve("votes-only");
    Run v = run("metrics", "--input", noDist.toString(), "--json", "--out", out2.toString());
    assertThat(v.exit()).as(v.err()).isZero();
    assertThat(out2.resolve("reliability.png")).doesNotExist();
    assertThat(Files.readString(out2.resolve("report.md")))
        .contains("reliability.png was not written");
  }

  private static String writeUnchecked(Path p, String text) {
    try {
      return Files.writeString(p, text).toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
