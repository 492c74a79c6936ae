package io.ser4j.core.corpus;

import io.ser4j.core.ManifestException;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict RFC 4180 CSV reader: comma-separated fields, fields optionally enclosed in double
 * quotes, a doubled quote inside a quoted field stands for one quote, quoted fields may hold
 * commas, CR and LF. Records end at CRLF, LF or a lone CR. A UTF-8 byte-order mark at the start is
 * dropped. Completely empty lines are skipped (so a trailing newline or blank lines between records
 * are harmless). Strictness: a quote inside an unquoted field, text between a closing quote and the
 * next separator, and an unterminated quoted field are errors naming the line and field. Input is
 * decoded as strict UTF-8 (malformed bytes are an error). Not thread-safe (one reader per file).
 */
final class Csv implements Closeable {
  /** One record: its 1-based starting line and its fields. */
  record Row(long line, List<String> fields) {
    Row {
      fields = List.copyOf(fields);
    }

    /** The field at 0-based {@code index}. */
    String get(int index) {
      return fields.get(index);
    }
  }

  private final Reader in;
  private final String file;
  private long line = 1;
  private final char[] buf = new char[BUFFER_CHARS];
  private int bufLen;
  private int bufPos;
  private boolean started;

  /** Characters read from the underlying reader at a time. */
  private static final int BUFFER_CHARS = 1 << 14;

  /**
   * @param in the characters to parse (closed by {@link #close()})
   * @param file the name used in error messages
   */
  Csv(Reader in, String file) {
    this.in = in;
    this.file = file;
  }

  /** Opens {@code path} as strict UTF-8. */
  static Csv open(Path path) {
    try {
      return new Csv(Files.newBufferedReader(path, StandardCharsets.UTF_8), path.toString());
    } catch (IOException e) {
      throw Sources.cannotRead(path, e);
    }
  }

  private boolean fill() throws IOException {
    if (bufPos < bufLen) {
      return true;
    }
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      bufLen = 0;
      bufPos = 0;
      return false;
    }
    bufLen = n;
    bufPos = 0;
    return true;
  }

  private int read() throws IOException {
    return fill() ? buf[bufPos++] : -1;
  }

  private int peek() throws IOException {
    return fill() ? buf[bufPos] : -1;
  }

  /**
   * The next record, or {@code null} at the end of the input.
   *
   * @throws ManifestException on a syntax error or undecodable input, naming file, line and field
   */
  Row next() {
    try {
      return nextRow();
    } catch (CharacterCodingException e) {
      throw ManifestException.at(file, line, null, "not valid UTF-8 text");
    } catch (IOException e) {
      throw new ManifestException(file, "cannot read: " + Sources.describe(e), e);
    }
  }

  private Row nextRow() throws IOException {
    if (!started) {
      started = true;
      if (peek() == '\uFEFF') {
        read();
      }
    }
    // skip empty lines
    while (true) {
      int c = peek();
      if (c == -1) {
        return null;
      } else if (c == '\n') {
        read();
        line++;
      } else if (c == '\r') {
        read();
        if (peek() == '\n') {
          read();
        }
        line++;
      } else {
        break;
      }
    }
    long startLine = line;
    List<String> fields = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    while (true) {
      // at the start of a field
      b.setLength(0);
      int c = peek();
      if (c == '"') {
        read();
        long quoteLine = line;
        while (true) {
          int q = read();
          if (q == -1) {
            throw ManifestException.at(
                file, quoteLine, String.valueOf(fields.size() + 1), "unterminated quoted field");
          } else if (q == '"') {
            if (peek() == '"') {
              read();
              b.append('"');
            } else {
              break;
            }
          } else {
            if (q == '\n' || (q == '\r' && peek() != '\n')) {
              line++;
            }
            b.append((char) q);
          }
        }
        int after = peek();
        if (after != ',' && after != '\n' && after != '\r' && after != -1) {
          throw ManifestException.at(
              file,
              line,
              String.valueOf(fields.size() + 1),
              "unexpected '" + (char) after + "' after a closing quote (a quote inside a quoted"
                  + " field must be doubled)");
        }
      } else {
        while (true) {
          int u = peek();
          if (u == ',' || u == '\n' || u == '\r' || u == -1) {
            break;
          }
          if (u == '"') {
            throw ManifestException.at(
                file,
                line,
                String.valueOf(fields.size() + 1),
                "quote inside an unquoted field (quote the whole field and double the quote)");
          }
          b.append((char) read());
        }
      }
      fields.add(b.toString());
      int sep = read();
      if (sep == ',') {
        continue;
      }
      if (sep == '\r') {
        if (peek() == '\n') {
          read();
        }
        line++;
      } else if (sep == '\n') {
        line++;
      }
      return new Row(startLine, fields);
    }
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing useful to do: we only read
    }
  }

  /**
   * A CSV file with a header row: columns are looked up by name and every record must have as many
   * fields as the header. Not thread-safe.
   */
  static final class Table implements Closeable {
    private final Csv csv;
    private final String file;
    private final List<String> header;
    private final Map<String, Integer> index;

    private Table(Csv csv, String file, List<String> header) {
      this.csv = csv;
      this.file = file;
      this.header = header;
      Map<String, Integer> idx = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        idx.putIfAbsent(header.get(i).trim(), i);
      }
      this.index = Collections.unmodifiableMap(idx);
    }

    /**
     * Opens {@code path} and reads its header.
     *
     * @throws ManifestException when the file cannot be read, is empty or malformed
     */
    static Table open(Path path) {
      Csv csv = Csv.open(path);
      try {
        Row h = csv.next();
        if (h == null) {
          throw ManifestException.at(path.toString(), 1, null, "empty file: expected a header row");
        }
        return new Table(csv, path.toString(), h.fields());
      } catch (RuntimeException e) {
        csv.close();
        throw e;
      }
    }

    /** The header fields. */
    List<String> header() {
      return header;
    }

    /** True when the header has a column named {@code name} (compared after trimming). */
    boolean has(String name) {
      return index.containsKey(name);
    }

    /**
     * The 0-based index of column {@code name}.
     *
     * @throws ManifestException naming the file and the header when there is no such column
     */
    int column(String name) {
      Integer i = index.get(name);
      if (i == null) {
        throw ManifestException.at(
            file, 1, name, "missing column \"" + name + "\"; the header has " + header);
      }
      return i;
    }

    /** The 0-based index of column {@code name}, or -1. */
    int optColumn(String name) {
      return index.getOrDefault(name, -1);
    }

    /** The name of the 0-based column {@code i}, for error messages. */
    String name(int i) {
      return i < header.size() ? header.get(i) : String.valueOf(i + 1);
    }

    /** The file name used in messages. */
    String file() {
      return file;
    }

    /**
     * The next record, or {@code null} at the end.
     *
     * @throws ManifestException on a syntax error or a record with a different number of fields
     *     than the header (the column named is the first missing or first extra one)
     */
    Row next() {
      Row r = csv.next();
      if (r != null && r.fields().size() != header.size()) {
        int n = r.fields().size();
        String col = n < header.size() ? header.get(n) : String.valueOf(header.size() + 1);
        throw ManifestException.at(
            file,
            r.line(),
            col,
            "expected " + header.size() + " fields as in the header, found " + n);
      }
      return r;
    }

    /** A {@link ManifestException} about column {@code i} of row {@code r}. */
    ManifestException error(Row r, int i, String problem) {
      return ManifestException.at(file, r.line(), name(i), problem);
    }

    @Override
    public void close() {
      csv.close();
    }
  }
}
