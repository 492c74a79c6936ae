package io.ser4j.metrics.report;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small JSON serialiser for the values {@link io.ser4j.metrics.MetricsReport#toJsonMap()}
 * produces: {@link Map} (keys rendered with {@code String.valueOf}), {@link List} and other {@link
 * Iterable}s, {@code double[]}/{@code long[]}/{@code int[]}, {@link Number}, {@link String}, {@link
 * Boolean}, {@link Enum} (its name) and {@code null}. Non-finite numbers (NaN, ±∞) are written as
 * {@code null}, since JSON has no NaN. Doubles are written in Java's shortest round-trip form, so
 * parsing the text gives back the same {@code double}. Stateless and thread-safe.
 *
 * <pre>{@code
 * String line = JsonWriter.compact(report.toJsonMap());   // one line
 * String file = JsonWriter.pretty(report.toJsonMap());    // 2-space indented, trailing newline
 * }</pre>
 */
public final class JsonWriter {
  private static final String INDENT = "  ";

  private JsonWriter() {}

  /**
   * The value as one line of JSON.
   *
   * @throws IllegalArgumentException naming the type when a value of another type is met
   */
  public static String compact(Object value) {
    StringBuilder s = new StringBuilder();
    write(s, value, -1);
    return s.toString();
  }

  /**
   * The value as indented JSON (2 spaces per level) ending with a newline.
   *
   * @throws IllegalArgumentException naming the type when a value of another type is met
   */
  public static String pretty(Object value) {
    StringBuilder s = new StringBuilder();
    write(s, value, 0);
    return s.append('\n').toString();
  }

  /** Writes {@code v}; {@code depth < 0} means compact. */
  private static void write(StringBuilder s, Object v, int depth) {
    if (v == null) {
      s.append("null");
    } else if (v instanceof String str) {
      string(s, str);
    } else if (v instanceof Boolean b) {
      s.append(b.booleanValue());
    } else if (v instanceof Double || v instanceof Float) {
      number(s, ((Number) v).doubleValue());
    } else if (v instanceof Number n) {
      integral(s, n);
    } else if (v instanceof Enum<?> e) {
      string(s, e.name());
    } else if (v instanceof Map<?, ?> m) {
      object(s, m, depth);
    } else if (v instanceof Iterable<?> it) {
      array(s, it.iterator(), depth);
    } else if (v instanceof double[] a) {
      array(s, Arrays.stream(a).boxed().iterator(), depth);
    } else if (v instanceof long[] a) {
      array(s, Arrays.stream(a).boxed().iterator(), depth);
    } else if (v instanceof int[] a) {
      array(s, Arrays.stream(a).boxed().iterator(), depth);
    } else {
      throw new IllegalArgumentException(
          "cannot write a "
              + v.getClass().getName()
              + " as JSON (supported: Map, List, Number,"
              + " String, Boolean, Enum, null, primitive arrays)");
    }
  }

  private static void number(StringBuilder s, double d) {
    // Double.toString is the round-trip form ("0.25", "1.0", "1.0E-5"), all valid JSON numbers
    s.append(Double.isFinite(d) ? Double.toString(d) : "null");
  }

  private static void integral(StringBuilder s, Number n) {
    if (n instanceof Long
        || n instanceof Integer
        || n instanceof Short
        || n instanceof Byte
        || n instanceof BigInteger
        || n instanceof BigDecimal
        || n instanceof AtomicInteger
        || n instanceof AtomicLong) {
      s.append(n.toString());
    } else {
      number(s, n.doubleValue());
    }
  }

  private static void object(StringBuilder s, Map<?, ?> m, int depth) {
    if (m.isEmpty()) {
      s.append("{}");
      return;
    }
    s.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!first) {
        s.append(',');
      }
      first = false;
      newline(s, depth < 0 ? -1 : depth + 1);
      string(s, String.valueOf(e.getKey()));
      s.append(depth < 0 ? ":" : ": ");
      write(s, e.getValue(), depth < 0 ? -1 : depth + 1);
    }
    newline(s, depth);
    s.append('}');
  }

  private static void array(StringBuilder s, Iterator<?> it, int depth) {
    if (!it.hasNext()) {
      s.append("[]");
      return;
    }
    // arrays of scalars stay on one line (confusion-matrix rows, CI pairs)
    ArrayList<Object> items = new ArrayList<>();
    boolean scalars = true;
    while (it.hasNext()) {
      Object o = it.next();
      scalars &=
          !(o instanceof Map<?, ?>
              || o instanceof Iterable<?>
              || o instanceof double[]
              || o instanceof long[]
              || o instanceof int[]);
      items.add(o);
    }
    int inner = depth < 0 || scalars ? -1 : depth + 1;
    s.append('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        s.append(depth >= 0 && scalars ? ", " : ",");
      }
      if (inner >= 0) {
        newline(s, inner);
      }
      write(s, items.get(i), inner);
    }
    if (inner >= 0) {
      newline(s, depth);
    }
    s.append(']');
  }

  private static void newline(StringBuilder s, int depth) {
    if (depth >= 0) {
      s.append('\n').append(INDENT.repeat(depth));
    }
  }

  private static void string(StringBuilder s, String str) {
    s.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        case '\b' -> s.append("\\b");
        case '\f' -> s.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }
}
