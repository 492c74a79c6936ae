package io.ser4j.core.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) reader and writer, enough for JSONL manifests, so that ser-core
 * needs no JSON library.
 *
 * <p>Values map to Java as: object → unmodifiable {@code Map<String, Object>} (insertion order),
 * array → unmodifiable {@code List<Object>}, string → {@link String}, number → {@link Double}
 * (finite), {@code true}/{@code false} → {@link Boolean}, {@code null} → {@link #NULL}.
 *
 * <p>Strict: no comments, no trailing commas, no leading zeros, no single quotes, no unescaped
 * control characters in strings, no lone surrogates (also via {@code \}{@code uXXXX}), no duplicate
 * keys, nothing after the value except whitespace, nesting at most {@link #MAX_DEPTH} levels.
 * Errors are {@link SyntaxError}s with a 1-based line and column (in UTF-16 code units). Stateless;
 * thread-safe.
 */
final class Json {
  /** The JSON {@code null} value (a map cannot hold Java {@code null} values unambiguously). */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** Deepest nesting of arrays and objects accepted (guards the parser's stack). */
  static final int MAX_DEPTH = 256;

  private Json() {}

  /** A syntax error at a 1-based line and column of the parsed text. */
  static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;
    final String problem;

    SyntaxError(int line, int column, String problem) {
      super(line + ":" + column + ": " + problem);
      this.line = line;
      this.column = column;
      this.problem = problem;
    }
  }

  /**
   * Parses one complete JSON text (one value, surrounded by optional whitespace).
   *
   * @throws SyntaxError on any deviation from RFC 8259 or the limits above
   */
  static Object parse(String text) throws SyntaxError {
    Parser p = new Parser(text);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos < text.length()) {
      throw p.error("unexpected " + p.describe(p.pos) + " after the JSON value");
    }
    return v;
  }

  /** Names the JSON type of a parsed value, for error messages. */
  static String typeName(Object v) {
    if (v == NULL) {
      return "null";
    } else if (v instanceof String) {
      return "a string";
    } else if (v instanceof Double) {
      return "a number";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v instanceof List) {
      return "an array";
    } else if (v instanceof Map) {
      return "an object";
    }
    return v.getClass().getSimpleName();
  }

  private static final class Parser {
    private final String s;
    private int pos;
    private int line = 1;
    private int lineStart;

    Parser(String s) {
      this.s = s;
    }

    SyntaxError error(String problem) {
      return errorAt(pos, problem);
    }

    SyntaxError errorAt(int at, String problem) {
      // line/lineStart track the current position; "at" is never before lineStart.
      return new SyntaxError(line, at - lineStart + 1, problem);
    }

    String describe(int at) {
      if (at >= s.length()) {
        return "end of input";
      }
      char c = s.charAt(at);
      if (c < 0x20 || c == 0x7f) {
        return String.format("control character U+%04X", (int) c);
      }
      return "'" + c + "'";
    }

    void skipWs() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == '\n') {
          pos++;
          line++;
          lineStart = pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
          pos++;
        } else {
          return;
        }
      }
    }

    Object value(int depth) throws SyntaxError {
      if (pos >= s.length()) {
        throw error("expected a value, found end of input");
      }
      char c = s.charAt(pos);
      switch (c) {
        case '{':
          return object(depth + 1);
        case '[':
          return array(depth + 1);
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", NULL);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
          }
          throw error("expected a value, found " + describe(pos));
      }
    }

    Object literal(String word, Object v) throws SyntaxError {
      if (!s.startsWith(word, pos)) {
        throw error("expected a value, found " + describe(pos));
      }
      pos += word.length();
      return v;
    }

    Map<String, Object> object(int depth) throws SyntaxError {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH + " levels");
      }
      pos++; // '{'
      Map<String, Object> m = new LinkedHashMap<>();
      skipWs();
      if (pos < s.length() && s.charAt(pos) == '}') {
        pos++;
        return Collections.unmodifiableMap(m);
      }
      while (true) {
        skipWs();
        if (pos >= s.length() || s.charAt(pos) != '"') {
          throw error("expected a string key, found " + describe(pos));
        }
        int keyAt = pos;
        String key = string();
        if (m.containsKey(key)) {
          throw errorAt(keyAt, "duplicate key \"" + key + "\"");
        }
        skipWs();
        if (pos >= s.length() || s.charAt(pos) != ':') {
          throw error("expected ':' after a key, found " + describe(pos));
        }
        pos++;
        skipWs();
        m.put(key, value(depth));
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
        } else if (pos < s.length() && s.charAt(pos) == '}') {
          pos++;
          return Collections.unmodifiableMap(m);
        } else {
          throw error("expected ',' or '}' in an object, found " + describe(pos));
        }
      }
    }

    List<Object> array(int depth) throws SyntaxError {
      if (depth > MAX_DEPTH) {
        throw error("nesting deeper than " + MAX_DEPTH + " levels");
      }
      pos++; // '['
      List<Object> list = new ArrayList<>();
      skipWs();
      if (pos < s.length() && s.charAt(pos) == ']') {
        pos++;
        return Collections.unmodifiableList(list);
      }
      while (true) {
        skipWs();
        list.add(value(depth));
        skipWs();
        if (pos < s.length() && s.charAt(pos) == ',') {
          pos++;
        } else if (pos < s.length() && s.charAt(pos) == ']') {
          pos++;
          return Collections.unmodifiableList(list);
        } else {
          throw error("expected ',' or ']' in an array, found " + describe(pos));
        }
      }
    }

    String string() throws SyntaxError {
      int start = pos;
      pos++; // opening quote
      StringBuilder b = new StringBuilder();
      while (true) {
        if (pos >= s.length()) {
          throw errorAt(start, "unterminated string");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          pos++;
          return b.toString();
        } else if (c == '\\') {
          escape(b);
        } else if (c < 0x20) {
          throw error("unescaped " + describe(pos) + " in a string");
        } else if (Character.isHighSurrogate(c)) {
          if (pos + 1 < s.length() && Character.isLowSurrogate(s.charAt(pos + 1))) {
            b.append(c).append(s.charAt(pos + 1));
            pos += 2;
          } else {
            throw error("lone high surrogate in a string");
          }
        } else if (Character.isLowSurrogate(c)) {
          throw error("lone low surrogate in a string");
        } else {
          b.append(c);
          pos++;
        }
      }
    }

    private void escape(StringBuilder b) throws SyntaxError {
      int at = pos;
      if (pos + 1 >= s.length()) {
        throw errorAt(at, "unterminated escape sequence");
      }
      char e = s.charAt(pos + 1);
      pos += 2;
      switch (e) {
        case '"' -> b.append('"');
        case '\\' -> b.append('\\');
        case '/' -> b.append('/');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          char c = hex4(at);
          if (Character.isHighSurrogate(c)) {
            if (s.startsWith("\\u", pos)) {
              int lowAt = pos;
              pos += 2;
              char low = hex4(lowAt);
              if (!Character.isLowSurrogate(low)) {
                throw errorAt(lowAt, "high surrogate escape not followed by a low surrogate");
              }
              b.append(c).append(low);
            } else {
              throw errorAt(at, "lone high surrogate escape");
            }
          } else if (Character.isLowSurrogate(c)) {
            throw errorAt(at, "lone low surrogate escape");
          } else {
            b.append(c);
          }
        }
        default -> throw errorAt(at, "invalid escape '\\" + (e < 0x20 ? "?" : e) + "'");
      }
    }

    private char hex4(int escapeAt) throws SyntaxError {
      if (pos + 4 > s.length()) {
        throw errorAt(escapeAt, "\\u escape needs four hex digits");
      }
      int v = 0;
      for (int i = 0; i < 4; i++) {
        int d = Character.digit(s.charAt(pos + i), 16);
        if (d < 0 || s.charAt(pos + i) > 'f') {
          throw errorAt(escapeAt, "\\u escape needs four hex digits");
        }
        v = v * 16 + d;
      }
      pos += 4;
      return (char) v;
    }

    Double number() throws SyntaxError {
      int start = pos;
      if (s.charAt(pos) == '-') {
        pos++;
      }
      if (pos >= s.length() || !isDigit(s.charAt(pos))) {
        throw error("expected a digit, found " + describe(pos));
      }
      if (s.charAt(pos) == '0') {
        pos++;
        if (pos < s.length() && isDigit(s.charAt(pos))) {
          throw errorAt(start, "leading zero in a number");
        }
      } else {
        digits();
      }
      if (pos < s.length() && s.charAt(pos) == '.') {
        pos++;
        if (pos >= s.length() || !isDigit(s.charAt(pos))) {
          throw error("expected a digit after '.', found " + describe(pos));
        }
        digits();
      }
      if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        if (pos >= s.length() || !isDigit(s.charAt(pos))) {
          throw error("expected a digit in the exponent, found " + describe(pos));
        }
        digits();
      }
      double d = Double.parseDouble(s.substring(start, pos));
      if (!Double.isFinite(d)) {
        throw errorAt(start, "number out of range: " + s.substring(start, pos));
      }
      return d;
    }

    private void digits() {
      while (pos < s.length() && isDigit(s.charAt(pos))) {
        pos++;
      }
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }

  // ---------------------------------------------------------------- writer

  /**
   * Appends {@code v} as compact JSON (no whitespace). Accepts what {@link #parse} returns plus any
   * {@link Map} with string keys, {@link List}, {@link CharSequence}, {@link Number} (finite) and
   * Java {@code null}.
   *
   * @throws IllegalArgumentException on a non-finite number, a lone surrogate or an unsupported type
   */
  static StringBuilder write(StringBuilder out, Object v) {
    if (v == null || v == NULL) {
      out.append("null");
    } else if (v instanceof CharSequence cs) {
      writeString(out, cs.toString());
    } else if (v instanceof Boolean bool) {
      out.append(bool.booleanValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new IllegalArgumentException("JSON cannot represent the number " + d);
      }
      out.append(Double.toString(d));
    } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.append(((Number) v).longValue());
    } else if (v instanceof Map<?, ?> m) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(out, k);
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (v instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, list.get(i));
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }
    return out;
  }

  /** Appends {@code s} as a JSON string: quotes, backslashes and control characters escaped. */
  static void writeString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              out.append(c).append(s.charAt(++i));
            } else {
              throw new IllegalArgumentException("lone high surrogate at index " + i);
            }
          } else if (Character.isLowSurrogate(c)) {
            throw new IllegalArgumentException("lone low surrogate at index " + i);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
