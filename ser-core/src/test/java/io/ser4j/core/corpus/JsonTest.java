package io.ser4j.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static Object parse(String s) throws Json.SyntaxError {
    return Json.parse(s);
  }

  private static Json.SyntaxError error(String s) {
    try {
      Object v = Json.parse(s);
      throw new AssertionError("expected a syntax error for " + s + " but got " + v);
    } catch (Json.SyntaxError e) {
      return e;
    }
  }

  @Test
  void parsesEveryValueType() throws Exception {
    Object v =
        parse(" {\"s\":\"x\",\"n\":-1.5e2,\"i\":0,\"t\":true,\"f\":false,\"z\":null,"
            + "\"a\":[1,[],{}],\"o\":{\"k\":\"v\"}} ");
    assertThat(v).isInstanceOf(Map.class);
    Map<?, ?> m = (Map<?, ?>) v;
    assertThat(List.copyOf(m.keySet())).isEqualTo(List.of("s", "n", "i", "t", "f", "z", "a", "o"));
    assertThat(m.get("s")).isEqualTo("x");
    assertThat(m.get("n")).isEqualTo(-150.0);
    assertThat(m.get("i")).isEqualTo(0.0);
    assertThat(m.get("t")).isEqualTo(true);
    assertThat(m.get("f")).isEqualTo(false);
    assertThat(m.get("z")).isSameAs(Json.NULL);
    assertThat(m.get("a")).isEqualTo(List.of(1.0, List.of(), Map.of()));
    assertThat(m.get("o")).isEqualTo(Map.of("k", "v"));
    assertThat(parse("\"top\"")).isEqualTo("top");
    assertThat(parse("3")).isEqualTo(3.0);
    assertThat(parse("0.25E+1")).isEqualTo(2.5);
    assertThat(parse("1e-2")).isEqualTo(0.01);
    assertThat(parse("-0")).isEqualTo(-0.0);
  }

  @Test
  void decodesEscapesAndSurrogatePairs() throws Exception {
    assertThat(parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"")).isEqualTo("a\"b\\c/d\b\f\n\r\t");
    assertThat(parse("\"\\u00e9\\u00E9\"")).isEqualTo("éé");
    // U+1F600 as an escaped surrogate pair and raw
    assertThat(parse("\"\\ud83d\\ude00\"")).isEqualTo("\uD83D\uDE00");
    assertThat(parse("\"\uD83D\uDE00 ok\"")).isEqualTo("\uD83D\uDE00 ok");
    assertThat(parse("\"Stück\"")).isEqualTo("Stück");
  }

  @Test
  void rejectsLoneSurrogatesAndBadEscapes() {
    assertThat(error("\"\\ud83d\"").problem).isEqualTo("lone high surrogate escape");
    assertThat(error("\"\\ud83dx\"").problem).isEqualTo("lone high surrogate escape");
    assertThat(error("\"\\ud83d\\u0041\"").problem)
        .isEqualTo("high surrogate escape not followed by a low surrogate");
    assertThat(error("\"\\ude00\"").problem).isEqualTo("lone low surrogate escape");
    assertThat(error("\"\uD83D\"").problem).isEqualTo("lone high surrogate in a string");
    assertThat(error("\"\uDE00\"").problem).isEqualTo("lone low surrogate in a string");
    assertThat(error("\"\\x\"").problem).isEqualTo("invalid escape '\\x'");
    assertThat(error("\"\\u12g4\"").problem).isEqualTo("\\u escape needs four hex digits");
    assertThat(error("\"\\u12\"").problem).isEqualTo("\\u escape needs four hex digits");
    assertThat(error("\"a\tb\"").problem).isEqualTo("unescaped control character U+0009 in a string");
    assertThat(error("\"abc").problem).isEqualTo("unterminated string");
  }

  @Test
  void rejectsNonStrictNumbersAndLiterals() {
    assertThat(error("01").problem).isEqualTo("leading zero in a number");
    assertThat(error("1.").problem).isEqualTo("expected a digit after '.', found end of input");
    assertThat(error(".5").problem).isEqualTo("expected a value, found '.'");
    assertThat(error("+1").problem).isEqualTo("expected a value, found '+'");
    assertThat(error("1e").problem).isEqualTo("expected a digit in the exponent, found end of input");
    assertThat(error("-").problem).isEqualTo("expected a digit, found end of input");
    assertThat(error("1e999").problem).isEqualTo("number out of range: 1e999");
    assertThat(error("NaN").problem).isEqualTo("expected a value, found 'N'");
    assertThat(error("tru").problem).isEqualTo("expected a value, found 't'");
    assertThat(error("nul").problem).isEqualTo("expected a value, found 'n'");
  }

  @Test
  void rejectsTrailingGarbageCommasDuplicatesAndDepth() {
    Json.SyntaxError e = error("{\"a\":1} x");
    assertThat(e.problem).isEqualTo("unexpected 'x' after the JSON value");
    assertThat(e.line).isEqualTo(1);
    assertThat(e.column).isEqualTo(9);
    assertThat(error("[1,]").problem).isEqualTo("expected a value, found ']'");
    assertThat(error("{\"a\":1,}").problem).isEqualTo("expected a string key, found '}'");
    assertThat(error("{'a':1}").problem).isEqualTo("expected a string key, found '''");
    assertThat(error("{\"a\" 1}").problem).isEqualTo("expected ':' after a key, found '1'");
    assertThat(error("[1 2]").problem).isEqualTo("expected ',' or ']' in an array, found '2'");
    assertThat(error("{\"a\":1 \"b\":2}").problem)
        .isEqualTo("expected ',' or '}' in an object, found '\"'");
    Json.SyntaxError dup = error("{\"a\":1,\"a\":2}");
    assertThat(dup.problem).isEqualTo("duplicate key \"a\"");
    assertThat(dup.column).isEqualTo(8);
    assertThat(error("").problem).isEqualTo("expected a value, found end of input");
    assertThat(error("  ").problem).isEqualTo("expected a value, found end of input");
    assertThat(error("[".repeat(Json.MAX_DEPTH + 1)).problem)
        .isEqualTo("nesting deeper than " + Json.MAX_DEPTH + " levels");
    assertThat(error("[".repeat(100_000)).problem).startsWith("nesting deeper");
    assertThat(error("/*c*/1").problem).isEqualTo("expected a value, found '/'");
  }

  @Test
  void reportsLineAndColumnInMultiLineText() {
    Json.SyntaxError e = error("{\n  \"a\": 1,\n  \"b\": tru\n}");
    assertThat(e.line).isEqualTo(3);
    assertThat(e.column).isEqualTo(8);
  }

  @Test
  void writerEscapesAndRoundTrips() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "q\"b\\n\nt\tc\u0001\u007f\u2028é\uD83D\uDE00");
    m.put("d", 0.1);
    m.put("l", 42L);
    m.put("a", List.of("x", true, Json.NULL));
    m.put("o", Map.of("k", -2.5e-300));
    String json = Json.write(new StringBuilder(), m).toString();
    assertThat(json).doesNotContain("\n").doesNotContain("\t").contains("\\u0001").contains("\\u2028");
    Map<String, Object> expected = new LinkedHashMap<>(m);
    expected.put("l", 42.0);
    assertThat(Json.parse(json)).isEqualTo(expected);
    assertThat(Json.write(new StringBuilder(), "a").toString()).isEqualTo("\"a\"");
    assertThatThrownBy(() -> Json.write(new StringBuilder(), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.write(new StringBuilder(), "x\uD800"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone high surrogate");
  }

  @Test
  void randomStringsRoundTrip() throws Exception {
    Random r = new Random(7);
    for (int n = 0; n < 2000; n++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(20);
      for (int i = 0; i < len; i++) {
        int kind = r.nextInt(4);
        if (kind == 0) {
          b.append((char) r.nextInt(0x80));
        } else if (kind == 1) {
          b.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0x10000));
        } else {
          char c = (char) r.nextInt(0xD800);
          b.append(c);
        }
      }
      String s = b.toString();
      String json = Json.write(new StringBuilder(), List.of(s)).toString();
      assertThat(Json.parse(json)).isEqualTo(List.of(s));
    }
    for (int n = 0; n < 2000; n++) {
      double d = Double.longBitsToDouble(r.nextLong());
      if (Double.isFinite(d)) {
        assertThat(Json.parse(Json.write(new StringBuilder(), d).toString())).isEqualTo(d);
      }
    }
  }
}
