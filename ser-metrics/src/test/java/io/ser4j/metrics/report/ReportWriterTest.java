package io.ser4j.metrics.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.metrics.Bootstrap;
import io.ser4j.metrics.Evaluation;
import io.ser4j.metrics.EvaluationItem;
import io.ser4j.metrics.MetricsReport;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Report directories written for a real evaluation (CREMA-D crowd votes). */
class ReportWriterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int BOOTSTRAP_REPLICATES = 200;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  /** The CREMA-D fixture of ser-metrics: votes expanded to annotator lists, with distributions. */
  static List<EvaluationItem> cremaItems(boolean withDistributions) throws IOException {
    JsonNode root;
    try (InputStream in =
        ReportWriterTest.class.getResourceAsStream("/fixtures/metrics/crema_d_voice.json")) {
      assertThat(in).as("fixture crema_d_voice.json").isNotNull();
      root = MAPPER.readTree(in);
    }
    List<String> voteLabels = new ArrayList<>();
    root.get("vote_labels").forEach(n -> voteLabels.add(n.asText()));
    LabelSet distLabels = LabelSet.of(voteLabels.toArray(new String[0]));
    List<EvaluationItem> items = new ArrayList<>();
    for (JsonNode it : root.get("items")) {
      List<Label> ann = new ArrayList<>();
      for (int k = 0; k < voteLabels.size(); k++) {
        for (int r = 0; r < it.get("votes").get(k).asInt(); r++) {
          ann.add(Label.of(voteLabels.get(k)));
        }
      }
      EvaluationItem item =
          EvaluationItem.of(it.get("id").asText(), Label.of(it.get("prediction").asText()), ann)
              .withSpeaker(it.get("speaker").asText());
      if (withDistributions) {
        double[] scores = new double[voteLabels.size()];
        for (int k = 0; k < scores.length; k++) {
          scores[k] = it.get("distribution_scores").get(k).asInt();
        }
        item = item.withDistribution(LabelDistribution.normalise(distLabels, scores));
      }
      items.add(item);
    }
    return items;
  }

  @Test
  void writesAllFourFilesForARealEvaluation(@TempDir Path tmp) throws IOException {
    assertThat(GraphicsEnvironment.isHeadless()).isTrue();
    Evaluation ev = Evaluation.of(cremaItems(true));
    assertThat(ev.n()).isGreaterThan(1000);
    MetricsReport report =
        ev.report()
            .withBootstrap(Bootstrap.withReplicates(BOOTSTRAP_REPLICATES).seed(3))
            .withProvenance("dataset", "crema-d fixture");
    Path dir = tmp.resolve("nested/report");
    WrittenReport out = ReportWriter.defaults().write(report, dir);

    assertThat(out.skipped()).isEmpty();
    assertThat(out.files())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("confusion.png", "reliability.png", "report.md", "metrics.json");
    for (String name : List.of("confusion.png", "reliability.png", "report.md", "metrics.json")) {
      assertThat(dir.resolve(name)).isRegularFile();
    }
    assertNoTemporaryFiles(dir);
    // written files get the usual permissions (umask), not a temporary file's 0600
    Path plain = Files.writeString(tmp.resolve("plain.txt"), "x");
    assertThat(Files.getPosixFilePermissions(dir.resolve("metrics.json")))
        .isEqualTo(Files.getPosixFilePermissions(plain));

    assertPlot(dir.resolve("confusion.png"));
    assertPlot(dir.resolve("reliability.png"));

    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md)
        .contains(
            "# Metrics report",
            "| macro_f1_majority |",
            "95% CI",
            "![",
            "confusion.png",
            "reliability.png",
            "dataset: crema-d fixture",
            "seed 3",
            "## Calibration");

    JsonNode json = MAPPER.readTree(dir.resolve("metrics.json").toFile());
    assertSameJson(json, report.toJsonMap(), "$");
    assertThat(json.get("ci95").get("macro_f1_majority").size()).isEqualTo(2);
  }

  @Test
  void withoutDistributionsSkipsTheReliabilityDiagramAndSaysSo(@TempDir Path dir)
      throws IOException {
    Files.writeString(dir.resolve("reliability.png"), "stale plot of an earlier report");
    Evaluation ev = Evaluation.of(cremaItems(false));
    WrittenReport out = ReportWriter.defaults().write(ev, dir);

    assertThat(out.wrote("reliability.png")).isFalse();
    assertThat(dir.resolve("reliability.png")).doesNotExist();
    assertThat(out.skipped())
        .singleElement()
        .asString()
        .contains("reliability.png", "distribution");
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md).contains("reliability.png was not written").doesNotContain("](reliability.png)");
    assertPlot(dir.resolve("confusion.png"));
    JsonNode json = MAPPER.readTree(dir.resolve("metrics.json").toFile());
    assertThat(json.has("soft_accuracy")).isFalse();
    assertSameJson(json, ev.toJsonMap(), "$");
  }

  @Test
  void rewritingReplacesTheFilesWhole(@TempDir Path dir) throws IOException {
    List<EvaluationItem> items = cremaItems(true);
    ReportWriter w = ReportWriter.defaults().plotSize(400, 300);
    w.write(Evaluation.of(items.subList(0, 200)), dir);
    w.write(Evaluation.of(items).report().withProvenance("run", "second"), dir);
    JsonNode json = MAPPER.readTree(dir.resolve("metrics.json").toFile());
    assertThat(json.get("n").asInt()).isEqualTo(items.size());
    assertThat(json.get("provenance").get("run").asText()).isEqualTo("second");
    BufferedImage img = ImageIO.read(dir.resolve("confusion.png").toFile());
    assertThat(img.getWidth()).isEqualTo(400);
    assertThat(img.getHeight()).isEqualTo(300);
    assertNoTemporaryFiles(dir);
  }

  @Test
  void aDirectoryThatIsAFileIsAnIoError(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("taken"), "x");
    Evaluation ev = Evaluation.of(cremaItems(false).subList(0, 50));
    assertThatThrownBy(() -> ReportWriter.defaults().write(ev, file))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> ReportWriter.defaults().plotSize(10, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10x10");
  }

  @Test
  void reportNamesTheFullAndAnnotatorAwareLabelSetsWhenTheyDiffer(@TempDir Path dir)
      throws IOException {
    // fear is only a minority annotation; sadness is a majority only where the prediction
    // (neutral) was chosen by an annotator
    Evaluation ev =
        Evaluation.of(
            List.of(
                EvaluationItem.of("a", "anger", List.of("anger", "anger", "fear")),
                EvaluationItem.of("b", "neutral", List.of("sadness", "sadness", "neutral")),
                EvaluationItem.of("c", "neutral", List.of("neutral"))));
    ReportWriter.defaults().write(ev, dir);
    assertThat(Files.readString(dir.resolve(ReportWriter.REPORT_MD)))
        .contains("Labels: anger, neutral, sadness.")
        .contains("All labels (soft-label and agreement metrics): anger, fear, neutral, sadness.")
        .contains("Annotator-aware Macro-F1 classes: anger, neutral.");
    Evaluation given = Evaluation.of(List.of(EvaluationItem.of("a", "anger", List.of("anger"))));
    ReportWriter.defaults().write(given, dir);
    assertThat(Files.readString(dir.resolve(ReportWriter.REPORT_MD)))
        .contains("Labels: anger.")
        .doesNotContain("All labels")
        .doesNotContain("Annotator-aware Macro-F1 classes");
  }

  private static void assertNoTemporaryFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  /** Decodes, has the writer's size, and is a real drawing (many colours, not one flat fill). */
  private static void assertPlot(Path png) throws IOException {
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).as(png.toString()).isNotNull();
    assertThat(img.getWidth()).isEqualTo(ReportWriter.DEFAULT_WIDTH_PX);
    assertThat(img.getHeight()).isEqualTo(ReportWriter.DEFAULT_HEIGHT_PX);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertThat(colours.size()).as("distinct colours in " + png).isGreaterThan(20);
  }

  /** The parsed JSON equals the map the report produced: same keys, numbers exactly equal. */
  @SuppressWarnings("unchecked")
  static void assertSameJson(JsonNode node, Object expected, String path) {
    if (expected == null) {
      assertThat(node.isNull()).as(path + " is null").isTrue();
    } else if (expected instanceof Map<?, ?> m) {
      assertThat(node.isObject()).as(path + " is an object").isTrue();
      List<String> keys = new ArrayList<>();
      node.fieldNames().forEachRemaining(keys::add);
      List<String> expectedKeys = new ArrayList<>();
      ((Map<Object, Object>) m).keySet().forEach(k -> expectedKeys.add(String.valueOf(k)));
      assertThat(keys).as(path + " keys").containsExactlyElementsOf(expectedKeys);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        assertSameJson(node.get(String.valueOf(e.getKey())), e.getValue(), path + "." + e.getKey());
      }
    } else if (expected instanceof List<?> l) {
      assertThat(node.size()).as(path + " length").isEqualTo(l.size());
      for (int i = 0; i < l.size(); i++) {
        assertSameJson(node.get(i), l.get(i), path + "[" + i + "]");
      }
    } else if (expected instanceof Double || expected instanceof Float) {
      double d = ((Number) expected).doubleValue();
      if (Double.isFinite(d)) {
        assertThat(node.doubleValue()).as(path).isEqualTo(d);
      } else {
        assertThat(node.isNull()).as(path + " (non-finite) is null").isTrue();
      }
    } else if (expected instanceof Number n) {
      assertThat(node.isIntegralNumber()).as(path + " is integral").isTrue();
      assertThat(node.longValue()).as(path).isEqualTo(n.longValue());
    } else if (expected instanceof Boolean b) {
      assertThat(node.booleanValue()).as(path).isEqualTo(b);
    } else {
      assertThat(node.asText()).as(path).isEqualTo(String.valueOf(expected));
    }
  }

  @Test
  void jsonWriterRoundTripsNumbersAndEscapes() throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nan", Double.NaN);
    m.put("inf", Double.NEGATIVE_INFINITY);
    m.put("doubles", List.of(0.1, 1e-300, Double.MIN_VALUE, -0.0, 1.0, 123456789.123, 2.5e20));
    m.put("long", Long.MAX_VALUE);
    m.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 é");
    m.put("flags", List.of(true, false));
    m.put("nothing", null);
    m.put("empty", Map.of());
    m.put("nested", List.of(List.of(1, 2), List.of()));
    for (String text : List.of(JsonWriter.compact(m), JsonWriter.pretty(m))) {
      JsonNode n = MAPPER.readTree(text);
      assertThat(n.get("nan").isNull()).isTrue();
      assertThat(n.get("inf").isNull()).isTrue();
      List<Double> back = new ArrayList<>();
      n.get("doubles").forEach(d -> back.add(d.doubleValue()));
      assertThat(back)
          .containsExactly(0.1, 1e-300, Double.MIN_VALUE, -0.0, 1.0, 123456789.123, 2.5e20);
      assertThat(n.get("long").longValue()).isEqualTo(Long.MAX_VALUE);
      assertThat(n.get("text").asText()).isEqualTo(m.get("text"));
      assertThat(n.get("nothing").isNull()).isTrue();
      assertThat(n.get("nested").get(0).get(1).asInt()).isEqualTo(2);
    }
    assertThat(JsonWriter.compact(m)).doesNotContain("\n");
    assertThatThrownBy(() -> JsonWriter.compact(List.of(new Object())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }
}
