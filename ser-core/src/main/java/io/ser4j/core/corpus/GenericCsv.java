package io.ser4j.core.corpus;

import io.ser4j.core.Label;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reader of a generic CSV through a {@link ColumnMapping}. Stateless; thread-safe. */
final class GenericCsv {
  private GenericCsv() {}

  static Corpus read(Path csv, ColumnMapping m) {
    Path dir = Sources.dirOf(csv);
    List<Utterance> out = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    try (Csv.Table t = Csv.Table.open(csv)) {
      int audioCol = t.column(m.audio());
      int idCol = m.id() == null ? -1 : t.column(m.id());
      int transcriptCol = m.transcript() == null ? -1 : t.column(m.transcript());
      int speakerCol = m.speaker() == null ? -1 : t.column(m.speaker());
      int labelCol = m.label() == null ? -1 : t.column(m.label());
      int annCol = m.annotations() == null ? -1 : t.column(m.annotations());
      int splitCol = m.split() == null ? -1 : t.column(m.split());
      Map<String, Integer> dimCols = new LinkedHashMap<>();
      m.dimensions().forEach((name, col) -> dimCols.put(name, t.column(col)));
      Set<Integer> mapped =
          new HashSet<>(List.of(audioCol, idCol, transcriptCol, speakerCol, labelCol, annCol, splitCol));
      mapped.addAll(dimCols.values());
      for (Csv.Row r = t.next(); r != null; r = t.next()) {
        String audioText = r.get(audioCol).trim();
        if (audioText.isEmpty()) {
          throw t.error(r, audioCol, "empty audio path");
        }
        Path audio = Sources.resolve(dir, audioText, t.file(), r.line(), t.name(audioCol));
        String id = idCol >= 0 ? r.get(idCol).trim() : Sources.baseName(audioText);
        if (id.isEmpty()) {
          throw t.error(r, idCol >= 0 ? idCol : audioCol, "empty id");
        }
        Long prev = seen.putIfAbsent(id, r.line());
        if (prev != null) {
          throw t.error(
              r, idCol >= 0 ? idCol : audioCol,
              "duplicate id \"" + id + "\" (first on line " + prev + ")");
        }
        Label majority = null;
        if (labelCol >= 0 && !r.get(labelCol).isBlank()) {
          majority = label(t, r, labelCol, r.get(labelCol), m);
        }
        List<Label> annotations = new ArrayList<>();
        if (annCol >= 0) {
          for (String part : r.get(annCol).split(java.util.regex.Pattern.quote(m.annotationSeparator()), -1)) {
            if (!part.isBlank()) {
              annotations.add(label(t, r, annCol, part, m));
            }
          }
          if (labelCol < 0) {
            majority = Utterance.plurality(annotations);
          }
        } else if (majority != null) {
          annotations.add(majority);
        }
        Map<String, Double> dims = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : dimCols.entrySet()) {
          if (!r.get(e.getValue()).isBlank()) {
            dims.put(e.getKey(), CremaD.parseDouble(t, r, e.getValue()));
          }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (m.otherColumnsAsMeta()) {
          for (int i = 0; i < t.header().size(); i++) {
            if (!mapped.contains(i)) {
              meta.put(t.name(i).trim(), r.get(i));
            }
          }
        }
        out.add(
            new Utterance(
                id,
                audio,
                transcriptCol >= 0 ? r.get(transcriptCol) : "",
                speakerCol >= 0 ? r.get(speakerCol).trim() : "",
                majority,
                annotations,
                dims,
                splitCol >= 0 ? r.get(splitCol).trim() : "",
                m.corpusName(),
                meta));
      }
    }
    return Corpus.of(m.corpusName(), out);
  }

  private static Label label(Csv.Table t, Csv.Row r, int col, String raw, ColumnMapping m) {
    String key = raw.trim().toLowerCase(Locale.ROOT);
    if (m.labelNames().isEmpty()) {
      return Label.of(key);
    }
    String name = m.labelNames().get(key);
    if (name == null) {
      throw t.error(
          r, col, "unknown label \"" + raw.trim() + "\"; the mapping knows "
              + m.labelNames().keySet());
    }
    return Label.of(name);
  }
}
