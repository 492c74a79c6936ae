package io.ser4j.core.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.ManifestException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
  private static List<Csv.Row> rows(String text) {
    List<Csv.Row> out = new ArrayList<>();
    try (Csv c = new Csv(new StringReader(text), "t.csv")) {
      for (Csv.Row r = c.next(); r != null; r = c.next()) {
        out.add(r);
      }
    }
    return out;
  }

  private static List<List<String>> fields(String text) {
    return rows(text).stream().map(Csv.Row::fields).toList();
  }

  @Test
  void plainFieldsLfCrlfAndNoFinalNewline() {
    assertThat(fields("a,b,c\n1,2,3\n")).isEqualTo(List.of(List.of("a", "b", "c"), List.of("1", "2", "3")));
    assertThat(fields("a,b\r\n1,2\r\n")).isEqualTo(List.of(List.of("a", "b"), List.of("1", "2")));
    assertThat(fields("a,b\r1,2")).isEqualTo(List.of(List.of("a", "b"), List.of("1", "2")));
    assertThat(fields("a,,\n,x,")).isEqualTo(List.of(List.of("a", "", ""), List.of("", "x", "")));
    assertThat(fields(" a , b ")).isEqualTo(List.of(List.of(" a ", " b "))); // spaces are data
    assertThat(fields("")).isEmpty();
  }

  @Test
  void quotedFieldsWithDoubledQuotesCommasAndNewlines() {
    List<Csv.Row> r = rows("id,text\r\n1,\"say \"\"hi\"\", then, go\"\r\n2,\"two\r\nlines\nhere\"\r\n3,\"\"\r\n");
    assertThat(r).hasSize(4);
    assertThat(r.get(1).fields()).containsExactly("1", "say \"hi\", then, go");
    assertThat(r.get(2).fields()).containsExactly("2", "two\r\nlines\nhere");
    assertThat(r.get(3).fields()).containsExactly("3", "");
    // line numbers are where each record starts, counting the newlines inside quotes
    assertThat(r.stream().map(Csv.Row::line).toList()).containsExactly(1L, 2L, 3L, 6L);
  }

  @Test
  void dropsBomAndSkipsBlankLines() {
    List<Csv.Row> r = rows("\uFEFFa,b\n\n\r\n1,2\n\n");
    assertThat(r.get(0).fields()).containsExactly("a", "b");
    assertThat(r.get(1).fields()).containsExactly("1", "2");
    assertThat(r.get(1).line()).isEqualTo(4);
    // a BOM elsewhere is data
    assertThat(fields("a,\uFEFFb")).isEqualTo(List.of(List.of("a", "\uFEFFb")));
  }

  @Test
  void strictErrorsNameFileLineAndField() {
    assertThatThrownBy(() -> rows("a,b\n1,x\"y\n"))
        .isInstanceOf(ManifestException.class)
        .hasMessage(
            "t.csv:2 (column 2): quote inside an unquoted field (quote the whole field and double"
                + " the quote)");
    assertThatThrownBy(() -> rows("a,b\n1,\"x\"y\n"))
        .isInstanceOf(ManifestException.class)
        .hasMessage(
            "t.csv:2 (column 2): unexpected 'y' after a closing quote (a quote inside a quoted"
                + " field must be doubled)");
    assertThatThrownBy(() -> rows("a,b\n1,2\n3,\"open\nstill open\n"))
        .isInstanceOf(ManifestException.class)
        .hasMessage("t.csv:3 (column 2): unterminated quoted field");
  }

  @Test
  void tableChecksFieldCountsAndColumns(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("m.csv");
    Files.writeString(p, "file,speaker,emotion\r\na.wav,01,anger\r\nb.wav,02\r\n", StandardCharsets.UTF_8);
    try (Csv.Table t = Csv.Table.open(p)) {
      assertThat(t.header()).containsExactly("file", "speaker", "emotion");
      assertThat(t.column("speaker")).isEqualTo(1);
      assertThat(t.optColumn("nope")).isEqualTo(-1);
      assertThatThrownBy(() -> t.column("nope"))
          .isInstanceOf(ManifestException.class)
          .hasMessage(p + ":1 (column nope): missing column \"nope\"; the header has [file, speaker, emotion]");
      assertThat(t.next().fields()).containsExactly("a.wav", "01", "anger");
      assertThatThrownBy(t::next)
          .isInstanceOf(ManifestException.class)
          .hasMessage(p + ":3 (column emotion): expected 3 fields as in the header, found 2");
    }
    Files.writeString(p, "a,b\n1,2,3\n");
    try (Csv.Table t = Csv.Table.open(p)) {
      assertThatThrownBy(t::next)
          .isInstanceOf(ManifestException.class)
          .hasMessage(p + ":2 (column 3): expected 2 fields as in the header, found 3");
    }
    Files.writeString(p, "");
    assertThatThrownBy(() -> Csv.Table.open(p))
        .isInstanceOf(ManifestException.class)
        .hasMessage(p + ":1: empty file: expected a header row");
    Files.write(p, new byte[] {'a', '\n', (byte) 0xC3, '(', '\n'});
    try (Csv.Table t = Csv.Table.open(p)) {
      assertThatThrownBy(t::next).isInstanceOf(ManifestException.class).hasMessageContaining("not valid UTF-8");
    } catch (ManifestException e) {
      assertThat(e).hasMessageContaining("not valid UTF-8"); // decoder may fail while reading the header
    }
    assertThatThrownBy(() -> Csv.Table.open(dir.resolve("absent.csv")))
        .isInstanceOf(ManifestException.class)
        .hasMessage(dir.resolve("absent.csv") + ": cannot read: no such file");
  }

  @Test
  void longInputAcrossBufferBoundaries() {
    StringBuilder b = new StringBuilder("id,text\r\n");
    int n = 5000;
    for (int i = 0; i < n; i++) {
      b.append(i).append(i % 7 == 0 ? ",\"a,\r\nb \"\"q\"\"\"\r\n" : ",plain\r\n");
    }
    List<Csv.Row> r = rows(b.toString());
    assertThat(r).hasSize(n + 1);
    long line = 2;
    for (int i = 0; i < n; i++) {
      Csv.Row row = r.get(i + 1);
      assertThat(row.line()).isEqualTo(line);
      assertThat(row.fields()).containsExactly(String.valueOf(i), i % 7 == 0 ? "a,\r\nb \"q\"" : "plain");
      line += i % 7 == 0 ? 2 : 1;
    }
  }
}
