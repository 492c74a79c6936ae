package io.ser4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.PitchContour;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON rendering for the CLI: GUIDE §7 keys, NaN written as {@code null}. */
final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  /** One line of JSON. */
  static String line(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A finite number, or null for NaN/Inf (JSON has no NaN). */
  static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** The cue keys of GUIDE §7 (without {@code file}), in a stable order. */
  static Map<String, Object> cues(Cues cues, boolean withContour) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("duration_s", num(cues.durationSeconds()));
    m.put("sample_rate_hz", cues.sourceSampleRateHz());
    for (Cue c : Cue.values()) {
      m.put(c.key(), num(cues.get(c)));
    }
    if (withContour) {
      cues.contour().ifPresent(pc -> m.put("pitch", contour(pc)));
    }
    return m;
  }

  static Map<String, Object> contour(PitchContour pc) {
    List<Double> t = new ArrayList<>(pc.size());
    List<Double> f = new ArrayList<>(pc.size());
    for (int i = 0; i < pc.size(); i++) {
      t.add(Math.round(pc.timeAt(i) * 1e6) / 1e6);
      f.add(Math.round(pc.f0At(i) * 1e3) / 1e3);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("times_s", t);
    m.put("f0_hz", f);
    return m;
  }
}
