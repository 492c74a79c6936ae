package io.ser4j.core.corpus;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reader of MSP-Podcast's {@code Labels/labels_consensus.csv} and (optional) {@code
 * Labels/labels_detailed.csv} (GUIDE §4). Stateless; thread-safe.
 */
final class MspPodcast {
  private static final Logger LOG = LoggerFactory.getLogger(MspPodcast.class);

  static final String NAME = "msp-podcast";
  static final String CONSENSUS = "labels_consensus.csv";
  static final String DETAILED = "labels_detailed.csv";

  /** Consensus letter codes; {@code X} (no agreement) has no label. */
  static final Map<String, String> LETTERS =
      Map.of(
          "A", "anger", "H", "happiness", "S", "sadness", "N", "neutral", "U", "surprise", "F",
          "fear", "D", "disgust", "C", "contempt", "O", "other");

  /** Long names of {@code EmoClass_Major} in labels_detailed.csv (lower-cased). */
  static final Map<String, String> LONG_NAMES =
      Map.of(
          "neutral", "neutral", "angry", "anger", "sad", "sadness", "happy", "happiness", "fear",
          "fear", "disgust", "disgust", "surprise", "surprise", "contempt", "contempt", "other",
          "other");

  private MspPodcast() {}

  /** The folder holding labels_consensus.csv, given it, its parent, or the file itself. */
  static Path labelsDir(Path path) {
    if (Files.isRegularFile(path)) {
      return Sources.dirOf(path);
    }
    if (Files.isRegularFile(path.resolve(CONSENSUS))) {
      return path.toAbsolutePath().normalize();
    }
    if (Files.isRegularFile(path.resolve("Labels").resolve(CONSENSUS))) {
      return path.resolve("Labels").toAbsolutePath().normalize();
    }
    return null;
  }

  static Corpus read(Path path) {
    Path labels = labelsDir(path);
    if (labels == null) {
      throw new ManifestException(
          path.toString(), "not an MSP-Podcast folder: no " + CONSENSUS + " in it or in Labels/");
    }
    Path root = Sources.dirOf(labels.resolve(CONSENSUS)).getParent();
    if (root == null) {
      root = labels;
    }
    Path audios = root.resolve("Audios");
    Path transcripts = root.resolve("Transcripts");
    Map<String, List<Label>> annotations = readDetailed(labels.resolve(DETAILED));
    Path consensus = labels.resolve(CONSENSUS);
    List<Utterance> out = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    try (Csv.Table t = Csv.Table.open(consensus)) {
      int fileCol = t.column("FileName");
      int classCol = t.column("EmoClass");
      int actCol = t.optColumn("EmoAct");
      int valCol = t.optColumn("EmoVal");
      int domCol = t.optColumn("EmoDom");
      int spkCol = t.optColumn("SpkrID");
      int genderCol = t.optColumn("Gender");
      int splitCol = t.optColumn("Split_Set");
      for (Csv.Row r = t.next(); r != null; r = t.next()) {
        String fileName = r.get(fileCol).trim();
        if (fileName.isEmpty()) {
          throw t.error(r, fileCol, "empty file name");
        }
        String code = r.get(classCol).trim();
        Label majority;
        if (code.equals("X")) {
          majority = null;
        } else {
          String name = LETTERS.get(code);
          if (name == null) {
            throw t.error(
                r, classCol, "unknown MSP-Podcast emotion code \"" + code
                    + "\"; known A, H, S, N, U, F, D, C, O and X (no agreement)");
          }
          majority = Label.of(name);
        }
        Map<String, Double> dims = new LinkedHashMap<>();
        putDim(t, r, actCol, "arousal", dims);
        putDim(t, r, valCol, "valence", dims);
        putDim(t, r, domCol, "dominance", dims);
        String speaker = spkCol >= 0 ? r.get(spkCol).trim() : "";
        if (speaker.equalsIgnoreCase("unknown")) {
          speaker = "";
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (genderCol >= 0 && !r.get(genderCol).isBlank()) {
          meta.put("gender", r.get(genderCol).trim());
        }
        meta.put("emo_class", code);
        String id = Sources.baseName(fileName);
        if (id.isBlank()) {
          throw t.error(r, fileCol, "no file name in \"" + fileName + "\"");
        }
        Long prev = seen.putIfAbsent(id, r.line());
        if (prev != null) {
          throw t.error(r, fileCol, "duplicate file \"" + fileName + "\" (first on line " + prev + ")");
        }
        List<Label> ann = annotations.remove(fileName);
        out.add(
            new Utterance(
                id,
                Sources.resolve(audios, fileName, t.file(), r.line(), "FileName"),
                transcript(transcripts, id),
                speaker,
                majority,
                ann == null ? List.of() : ann,
                dims,
                splitCol >= 0 ? r.get(splitCol).trim() : "",
                NAME,
                meta));
      }
    }
    if (!annotations.isEmpty()) {
      LOG.warn(
          "{}: {} file(s) have detailed labels but no consensus row; ignored (e.g. {})",
          labels.resolve(DETAILED),
          annotations.size(),
          annotations.keySet().iterator().next());
    }
    return Corpus.of(NAME, out);
  }

  private static void putDim(Csv.Table t, Csv.Row r, int col, String name, Map<String, Double> d) {
    if (col >= 0 && !r.get(col).isBlank()) {
      d.put(name, CremaD.parseDouble(t, r, col));
    }
  }

  private static String transcript(Path transcripts, String id) {
    Path p = transcripts.resolve(id + ".txt");
    if (!Files.isRegularFile(p)) {
      return "";
    }
    try {
      return Files.readString(p, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw Sources.cannotRead(p, e);
    }
  }

  /** FileName → per-annotator primary labels, in row order; empty map when the file is absent. */
  private static Map<String, List<Label>> readDetailed(Path detailed) {
    Map<String, List<Label>> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(detailed)) {
      return out;
    }
    try (Csv.Table t = Csv.Table.open(detailed)) {
      int fileCol = t.column("FileName");
      int majorCol = t.column("EmoClass_Major");
      for (Csv.Row r = t.next(); r != null; r = t.next()) {
        String raw = r.get(majorCol).trim();
        String name = LONG_NAMES.get(raw.toLowerCase(Locale.ROOT));
        if (name == null && raw.toLowerCase(Locale.ROOT).startsWith("other")) {
          name = "other"; // e.g. "Other-Confused": free-text "other" answers
        }
        if (name == null) {
          name = LETTERS.get(raw);
        }
        if (name == null) {
          throw t.error(
              r, majorCol, "unknown MSP-Podcast emotion \"" + raw + "\"; known "
                  + "Neutral, Angry, Sad, Happy, Fear, Disgust, Surprise, Contempt, Other");
        }
        out.computeIfAbsent(r.get(fileCol).trim(), k -> new ArrayList<>()).add(Label.of(name));
      }
    }
    return out;
  }
}
