package io.ser4j.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the committed reference fixtures written by tools/reference/metrics_reference.py. */
final class Fixtures {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Fixtures() {}

  static JsonNode read(String name) {
    String path = "/fixtures/metrics/" + name;
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + path);
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Items of the CREMA-D fixture: votes expanded into annotator label lists. */
  static List<EvaluationItem> cremaItems(JsonNode root) {
    List<String> voteLabels = new ArrayList<>();
    root.get("vote_labels").forEach(n -> voteLabels.add(n.asText()));
    LabelSet distLabels = LabelSet.of(voteLabels.toArray(new String[0]));
    List<EvaluationItem> items = new ArrayList<>();
    for (JsonNode it : root.get("items")) {
      List<Label> ann = new ArrayList<>();
      JsonNode votes = it.get("votes");
      for (int k = 0; k < voteLabels.size(); k++) {
        for (int r = 0; r < votes.get(k).asInt(); r++) {
          ann.add(Label.of(voteLabels.get(k)));
        }
      }
      double[] scores = new double[voteLabels.size()];
      for (int k = 0; k < scores.length; k++) {
        scores[k] = it.get("distribution_scores").get(k).asInt();
      }
      items.add(
          EvaluationItem.of(it.get("id").asText(), Label.of(it.get("prediction").asText()), ann)
              .withDistribution(LabelDistribution.normalise(distLabels, scores))
              .withSpeaker(it.get("speaker").asText()));
    }
    return items;
  }

  /** Items of one edge case: annotation lists, optional majority, distribution, speaker. */
  static List<EvaluationItem> caseItems(JsonNode c) {
    List<EvaluationItem> items = new ArrayList<>();
    for (JsonNode it : c.get("items")) {
      List<String> ann = new ArrayList<>();
      it.get("annotations").forEach(n -> ann.add(n.asText()));
      EvaluationItem item =
          EvaluationItem.of(it.get("id").asText(), it.get("prediction").asText(), ann);
      if (it.hasNonNull("majority")) {
        item = item.withMajority(Label.of(it.get("majority").asText()));
      }
      if (it.hasNonNull("speaker")) {
        item = item.withSpeaker(it.get("speaker").asText());
      }
      if (it.hasNonNull("distribution")) {
        List<String> names = new ArrayList<>();
        List<Double> probs = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : iterable(it.get("distribution"))) {
          names.add(e.getKey());
          probs.add(e.getValue().asDouble());
        }
        double[] p = probs.stream().mapToDouble(Double::doubleValue).toArray();
        item = item.withDistribution(LabelDistribution.of(LabelSet.of(names.toArray(new String[0])), p));
      }
      items.add(item);
    }
    return items;
  }

  static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode obj) {
    return obj::fields;
  }

  /** The case's explicit label set, or null for the union. */
  static LabelSet caseLabels(JsonNode c) {
    if (!c.hasNonNull("labels")) {
      return null;
    }
    List<String> names = new ArrayList<>();
    c.get("labels").forEach(n -> names.add(n.asText()));
    return LabelSet.of(names.toArray(new String[0]));
  }
}
