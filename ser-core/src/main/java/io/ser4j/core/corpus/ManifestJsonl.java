package io.ser4j.core.corpus;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and writes ser4j's JSONL manifest (schema in docs/corpora.md). Stateless; thread-safe. */
final class ManifestJsonl {
  static final String ID = "id";
  static final String AUDIO = "audio";
  static final String TRANSCRIPT = "transcript";
  static final String SPEAKER = "speaker";
  static final String LABEL = "label";
  static final String ANNOTATIONS = "annotations";
  static final String DIMENSIONS = "dimensions";
  static final String SPLIT = "split";
  static final String CORPUS = "corpus";
  static final String META = "meta";

  /** The keys the reader understands; others are ignored. */
  static final Set<String> KNOWN_KEYS =
      Set.of(ID, AUDIO, TRANSCRIPT, SPEAKER, LABEL, ANNOTATIONS, DIMENSIONS, SPLIT, CORPUS, META);

  private ManifestJsonl() {}

  static Corpus read(Path jsonl) {
    String file = jsonl.toString();
    String text;
    try {
      text = Files.readString(jsonl, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Sources.cannotRead(jsonl, e);
    }
    String name = Sources.baseName(jsonl.getFileName() == null ? file : jsonl.getFileName().toString());
    Path dir = Sources.dirOf(jsonl);
    List<Utterance> out = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    int lineStart = 0;
    long lineNo = 0;
    if (text.startsWith("\uFEFF")) {
      throw ManifestException.at(file, 1, "1", "byte-order mark at the start (JSONL must not have one)");
    }
    while (lineStart <= text.length()) {
      int nl = text.indexOf('\n', lineStart);
      int end = nl < 0 ? text.length() : nl;
      String line = text.substring(lineStart, end);
      lineNo++;
      lineStart = end + 1;
      if (line.isBlank()) {
        if (nl < 0) {
          break;
        }
        continue;
      }
      Utterance u = parseLine(line, file, lineNo, dir, name);
      Long previous = seen.putIfAbsent(u.id(), lineNo);
      if (previous != null) {
        throw ManifestException.at(
            file, lineNo, ID, "duplicate id \"" + u.id() + "\" (first on line " + previous + ")");
      }
      out.add(u);
      if (nl < 0) {
        break;
      }
    }
    return Corpus.of(name, out);
  }

  static Utterance parseLine(String line, String file, long lineNo, Path dir, String corpusName) {
    Object v;
    try {
      v = Json.parse(line);
    } catch (Json.SyntaxError e) {
      throw ManifestException.at(file, lineNo, String.valueOf(e.column), "bad JSON: " + e.problem);
    }
    if (!(v instanceof Map<?, ?> raw)) {
      throw ManifestException.at(
          file, lineNo, "1", "expected a JSON object per line, found " + Json.typeName(v));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> o = (Map<String, Object>) raw;
    Fields f = new Fields(o, file, lineNo);
    String id = f.requiredString(ID);
    String audioText = f.requiredString(AUDIO);
    Path audio = Sources.resolve(dir, audioText, file, lineNo, AUDIO);
    String transcript = f.optString(TRANSCRIPT);
    String speaker = f.optString(SPEAKER);
    Label majority = null;
    String label = f.optString(LABEL);
    if (o.containsKey(LABEL) && o.get(LABEL) != Json.NULL) {
      majority = f.label(label, LABEL);
    }
    List<Label> annotations = new ArrayList<>();
    Object a = o.get(ANNOTATIONS);
    if (a != null && a != Json.NULL) {
      if (!(a instanceof List<?> list)) {
        throw f.wrongType(ANNOTATIONS, "an array of strings", a);
      }
      for (Object item : list) {
        if (!(item instanceof String s)) {
          throw f.wrongType(ANNOTATIONS, "an array of strings", item);
        }
        annotations.add(f.label(s, ANNOTATIONS));
      }
    }
    Map<String, Double> dims = new LinkedHashMap<>();
    Object d = o.get(DIMENSIONS);
    if (d != null && d != Json.NULL) {
      if (!(d instanceof Map<?, ?> dm)) {
        throw f.wrongType(DIMENSIONS, "an object of numbers", d);
      }
      for (Map.Entry<?, ?> e : dm.entrySet()) {
        if (!(e.getValue() instanceof Double num)) {
          throw ManifestException.at(
              file,
              lineNo,
              DIMENSIONS,
              "dimension \"" + e.getKey() + "\" must be a number, found "
                  + Json.typeName(e.getValue()));
        }
        dims.put((String) e.getKey(), num);
      }
    }
    String split = f.optString(SPLIT);
    String corpus = f.optString(CORPUS);
    Map<String, String> meta = new LinkedHashMap<>();
    Object m = o.get(META);
    if (m != null && m != Json.NULL) {
      if (!(m instanceof Map<?, ?> mm)) {
        throw f.wrongType(META, "an object of strings", m);
      }
      for (Map.Entry<?, ?> e : mm.entrySet()) {
        if (!(e.getValue() instanceof String s)) {
          throw ManifestException.at(
              file,
              lineNo,
              META,
              "meta \"" + e.getKey() + "\" must be a string, found " + Json.typeName(e.getValue()));
        }
        meta.put((String) e.getKey(), s);
      }
    }
    return new Utterance(
        id,
        audio,
        transcript,
        speaker,
        majority,
        annotations,
        dims,
        split,
        corpus.isEmpty() ? corpusName : corpus,
        meta);
  }

  /** Typed access to one line's object with located errors. */
  private record Fields(Map<String, Object> o, String file, long line) {
    String requiredString(String key) {
      Object v = o.get(key);
      if (v == null || v == Json.NULL) {
        throw ManifestException.at(file, line, key, "missing required field \"" + key + "\"");
      }
      if (!(v instanceof String s)) {
        throw wrongType(key, "a string", v);
      }
      if (s.isBlank()) {
        throw ManifestException.at(file, line, key, "\"" + key + "\" must not be blank");
      }
      return s;
    }

    String optString(String key) {
      Object v = o.get(key);
      if (v == null || v == Json.NULL) {
        return "";
      }
      if (!(v instanceof String s)) {
        throw wrongType(key, "a string", v);
      }
      return s;
    }

    Label label(String s, String key) {
      if (s.isBlank()) {
        throw ManifestException.at(file, line, key, "blank label");
      }
      return Label.of(s);
    }

    ManifestException wrongType(String key, String expected, Object found) {
      return ManifestException.at(
          file, line, key, "expected " + expected + ", found " + Json.typeName(found));
    }
  }

  /** The JSON object of one utterance, keys in schema order. */
  static Map<String, Object> toJson(Utterance u, Path dir) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put(ID, u.id());
    o.put(AUDIO, relativeAudio(u.audio(), dir));
    if (!u.transcript().isEmpty()) {
      o.put(TRANSCRIPT, u.transcript());
    }
    if (!u.speaker().isEmpty()) {
      o.put(SPEAKER, u.speaker());
    }
    if (u.majority() != null) {
      o.put(LABEL, u.majority().name());
    }
    if (!u.annotations().isEmpty()) {
      List<Object> a = new ArrayList<>();
      u.annotations().forEach(l -> a.add(l.name()));
      o.put(ANNOTATIONS, a);
    }
    if (!u.dimensions().isEmpty()) {
      o.put(DIMENSIONS, new LinkedHashMap<>(u.dimensions()));
    }
    if (!u.split().isEmpty()) {
      o.put(SPLIT, u.split());
    }
    if (!u.corpus().isEmpty()) {
      o.put(CORPUS, u.corpus());
    }
    if (!u.meta().isEmpty()) {
      o.put(META, new LinkedHashMap<>(u.meta()));
    }
    return o;
  }

  /** The audio path relative to the manifest directory (with '/') when under it, else absolute. */
  static String relativeAudio(Path audio, Path dir) {
    Path abs = audio.toAbsolutePath().normalize();
    if (abs.startsWith(dir)) {
      Path rel = dir.relativize(abs);
      StringBuilder b = new StringBuilder();
      for (Path part : rel) {
        if (b.length() > 0) {
          b.append('/');
        }
        b.append(part);
      }
      return b.toString();
    }
    return abs.toString();
  }

  static void write(Corpus corpus, Path jsonl) {
    Path target = jsonl.toAbsolutePath().normalize();
    Path dir = Sources.dirOf(target);
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        StringBuilder b = new StringBuilder(256);
        for (Utterance u : corpus.utterances()) {
          b.setLength(0);
          try {
            Json.write(b, toJson(u, dir));
          } catch (IllegalArgumentException e) {
            throw new ManifestException(
                corpus.name() + " / " + u.id(), "cannot write as JSON: " + e.getMessage());
          }
          b.append('\n');
          w.write(b.toString());
        }
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new ManifestException(target.toString(), "cannot write: " + Sources.describe(e), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // best effort: the temp file is hidden and named after the target
        }
      }
    }
  }
}
