package io.ser4j.model.baseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.SerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained acoustic baseline: feature names, label set, a {@link LinearHead#GLOBAL global} head
 * (used when the speaker is unknown, e.g. {@code ser analyze}) and optionally a {@link
 * LinearHead#SPEAKER_NORMALISED speaker-normalised} head, plus provenance (training command, data,
 * licences). Stored as one JSON file (format {@value #FORMAT}, described in {@code
 * docs/baseline.md}). Immutable and thread-safe.
 *
 * @param featureVersion {@link BaselineFeatures#VERSION} the model was trained with
 * @param featureNames feature names in vector order
 * @param labels output labels, in probability order
 * @param global head over globally standardised features
 * @param speakerNormalised head over per-speaker z-scored features, or {@code null}
 * @param provenance free-form string metadata (training command, corpora, licence, date)
 */
public record BaselineModel(
    int featureVersion,
    List<String> featureNames,
    LabelSet labels,
    LinearHead global,
    LinearHead speakerNormalised,
    Map<String, String> provenance) {
  /** The {@code format} value of a baseline model file. */
  public static final String FORMAT = "ser4j-baseline";
  /** Classpath location of the bundled model. */
  public static final String BUNDLED_RESOURCE = "/io/ser4j/model/baseline/baseline-v1.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Validates shapes and copies. */
  public BaselineModel {
    featureNames = List.copyOf(featureNames);
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(global, "global");
    provenance = Map.copyOf(new LinkedHashMap<>(provenance));
    checkHead(global, featureNames.size(), labels.size());
    if (speakerNormalised != null) {
      checkHead(speakerNormalised, featureNames.size(), labels.size());
    }
  }

  private static void checkHead(LinearHead h, int d, int c) {
    if (h.regression().features() != d || h.regression().classes() != c) {
      throw new IllegalArgumentException(
          "head shape " + h.regression().classes() + "x" + h.regression().features()
              + " does not match " + c + " labels x " + d + " features");
    }
  }

  /** Writes the model as JSON. */
  public void write(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The model as a JSON document. */
  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("feature_version", featureVersion);
    ObjectNode prov = root.putObject("provenance");
    provenance.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> prov.put(e.getKey(), e.getValue()));
    ArrayNode ls = root.putArray("labels");
    labels.forEach(l -> ls.add(l.name()));
    ArrayNode fs = root.putArray("features");
    featureNames.forEach(fs::add);
    ObjectNode heads = root.putObject("heads");
    heads.set(LinearHead.GLOBAL, headJson(global));
    if (speakerNormalised != null) {
      heads.set(LinearHead.SPEAKER_NORMALISED, headJson(speakerNormalised));
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode headJson(LinearHead h) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("lambda", h.lambda());
    array(o.putArray("mean"), h.mean());
    array(o.putArray("sd"), h.sd());
    ArrayNode w = o.putArray("weights");
    for (double[] row : h.regression().weights()) {
      array(w.addArray(), row);
    }
    array(o.putArray("bias"), h.regression().bias());
    return o;
  }

  private static void array(ArrayNode a, double[] v) {
    for (double x : v) {
      a.add((float) x);
    }
  }

  /**
   * Reads a model file.
   *
   * @throws ModelLoadException naming the file and the problem when it is missing, unreadable, not
   *     JSON, of another format or feature version, or has inconsistent shapes or values
   */
  public static BaselineModel read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException(file.toString(), "baseline model file not found");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new ModelLoadException(file.toString(), "cannot read baseline model: " + e.getMessage(), e);
    }
  }

  /** The model bundled in the jar ({@value #BUNDLED_RESOURCE}). */
  public static BaselineModel bundled() {
    try (InputStream in = BaselineModel.class.getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new ModelLoadException(
            "classpath:" + BUNDLED_RESOURCE, "the bundled baseline model is missing from the jar");
      }
      return read(in, "classpath:" + BUNDLED_RESOURCE);
    } catch (IOException e) {
      throw new ModelLoadException("classpath:" + BUNDLED_RESOURCE, e.getMessage(), e);
    }
  }

  /**
   * Reads a model from a stream.
   *
   * @param source the name used in error messages
   * @throws ModelLoadException when the content is not a valid baseline model
   */
  public static BaselineModel read(InputStream in, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(in);
    } catch (IOException e) {
      throw new ModelLoadException(source, "not valid JSON: " + firstLine(e.getMessage()), e);
    }
    try {
      if (root == null || !root.isObject()) {
        throw new ModelLoadException(source, "not a JSON object");
      }
      if (!FORMAT.equals(root.path("format").asText())) {
        throw new ModelLoadException(
            source, "\"format\" is " + root.path("format") + ", expected \"" + FORMAT + "\"");
      }
      int version = root.path("feature_version").asInt(-1);
      if (version != BaselineFeatures.VERSION) {
        throw new ModelLoadException(
            source,
            "feature_version " + version + " is not supported (this build computes version "
                + BaselineFeatures.VERSION + ")");
      }
      List<String> features = strings(root, "features", source);
      if (!features.equals(BaselineFeatures.names())) {
        throw new ModelLoadException(
            source, "feature names do not match this build's " + BaselineFeatures.dimension() + " features");
      }
      List<String> labelNames = strings(root, "labels", source);
      LabelSet labels;
      try {
        labels = LabelSet.of(labelNames.toArray(String[]::new));
      } catch (IllegalArgumentException e) {
        throw new ModelLoadException(source, "bad \"labels\": " + e.getMessage());
      }
      JsonNode heads = root.path("heads");
      LinearHead global = head(heads.get(LinearHead.GLOBAL), LinearHead.GLOBAL, features.size(), labels.size(), source);
      if (global == null) {
        throw new ModelLoadException(source, "missing \"heads.global\"");
      }
      LinearHead spk =
          head(heads.get(LinearHead.SPEAKER_NORMALISED), LinearHead.SPEAKER_NORMALISED,
              features.size(), labels.size(), source);
      Map<String, String> prov = new LinkedHashMap<>();
      JsonNode p = root.path("provenance");
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        prov.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
      }
      return new BaselineModel(version, features, labels, global, spk, prov);
    } catch (SerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelLoadException(source, "invalid baseline model: " + e.getMessage(), e);
    }
  }

  private static LinearHead head(JsonNode h, String name, int d, int c, String source) {
    if (h == null || h.isNull()) {
      return null;
    }
    String where = "heads." + name;
    double[] mean = doubles(h.get("mean"), d, where + ".mean", source);
    double[] sd = doubles(h.get("sd"), d, where + ".sd", source);
    for (double s : sd) {
      if (!(s > 0)) {
        throw new ModelLoadException(source, where + ".sd holds a non-positive value " + s);
      }
    }
    double[] bias = doubles(h.get("bias"), c, where + ".bias", source);
    JsonNode w = h.get("weights");
    if (w == null || !w.isArray() || w.size() != c) {
      throw new ModelLoadException(source, where + ".weights must be " + c + " rows of " + d + " numbers");
    }
    double[][] weights = new double[c][];
    for (int i = 0; i < c; i++) {
      weights[i] = doubles(w.get(i), d, where + ".weights[" + i + "]", source);
    }
    double lambda = h.path("lambda").asDouble(Double.NaN);
    return new LinearHead(name, mean, sd, lambda, new SoftmaxRegression(weights, bias));
  }

  private static double[] doubles(JsonNode a, int n, String where, String source) {
    if (a == null || !a.isArray() || a.size() != n) {
      throw new ModelLoadException(
          source, where + " must be an array of " + n + " numbers" + (a != null && a.isArray() ? ", has " + a.size() : ""));
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      JsonNode x = a.get(i);
      if (!x.isNumber() || !Double.isFinite(x.asDouble())) {
        throw new ModelLoadException(source, where + "[" + i + "] is not a finite number: " + x);
      }
      v[i] = x.asDouble();
    }
    return v;
  }

  private static List<String> strings(JsonNode root, String key, String source) {
    JsonNode a = root.get(key);
    if (a == null || !a.isArray() || a.isEmpty()) {
      throw new ModelLoadException(source, "missing or empty \"" + key + "\" array");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode x : a) {
      if (!x.isTextual()) {
        throw new ModelLoadException(source, "\"" + key + "\" holds a non-string " + x);
      }
      out.add(x.asText());
    }
    return out;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
