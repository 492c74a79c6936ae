package io.ser4j.rationale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cues of the 408 EmoDB clips as measured by {@code CueExtractor.create().extract(clip,
 * false)} at the source rate: {@code fixtures/rationale/emodb_cues.json}, {@code {"<id>":
 * {"duration_s":..,"<cue key>":value|null,...}}}. Regenerate with {@code mvn -pl ser-rationale -am
 * test -Plong -Dtest=EmodbCuesFixtureTest -Dser4j.rationale.regenerate=true}.
 */
final class EmodbCuesFixture {
  static final String RESOURCE = "/fixtures/rationale/emodb_cues.json";
  static final Path SOURCE = Path.of("src/test/resources" + RESOURCE);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EmodbCuesFixture() {}

  static Map<String, Cues> read() {
    try (InputStream in = EmodbCuesFixture.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + RESOURCE);
      }
      JsonNode root = MAPPER.readTree(in);
      Map<String, Cues> out = new TreeMap<>();
      root.fields().forEachRemaining(e -> {
        Cues.Builder b = Cues.builder().durationSeconds(e.getValue().get("duration_s").asDouble());
        for (Cue c : Cue.values()) {
          JsonNode v = e.getValue().get(c.key());
          b.set(c, v == null || v.isNull() ? Double.NaN : v.asDouble());
        }
        out.put(e.getKey(), b.build());
      });
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Map<String, Cues> cues) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    new TreeMap<>(cues).forEach((id, c) -> {
      ObjectNode o = root.putObject(id);
      o.put("duration_s", c.durationSeconds());
      for (Cue k : Cue.values()) {
        if (c.isDefined(k)) {
          o.put(k.key(), c.get(k));
        } else {
          o.putNull(k.key());
        }
      }
    });
    Files.writeString(SOURCE, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
  }
}
