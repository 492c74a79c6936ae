package io.ser4j.core.corpus;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reader of CREMA-D's crowd votes ({@code tabulatedVotes.csv}, cross-checked against {@code
 * summaryTable.csv} when present). Stateless; thread-safe.
 */
final class CremaD {
  static final String NAME = "crema-d";
  static final String VOTES = "tabulatedVotes.csv";
  static final String SUMMARY = "summaryTable.csv";

  /** Vote columns, in file order, with their unified labels. */
  static final String[] VOTE_COLUMNS = {"A", "D", "F", "H", "N", "S"};

  static final Map<String, String> VOTE_LABELS =
      Map.of(
          "A", "anger", "D", "disgust", "F", "fear", "H", "happiness", "N", "neutral", "S",
          "sadness");

  /** Intended-emotion codes of the file names. */
  static final Map<String, String> INTENDED =
      Map.of(
          "ANG", "anger", "DIS", "disgust", "FEA", "fear", "HAP", "happiness", "NEU", "neutral",
          "SAD", "sadness");

  /** The twelve sentences by file-name code (CREMA-D's documentation). */
  static final Map<String, String> SENTENCES =
      Map.ofEntries(
          Map.entry("IEO", "It's eleven o'clock."),
          Map.entry("TIE", "That is exactly what happened."),
          Map.entry("IOM", "I'm on my way to the meeting."),
          Map.entry("IWW", "I wonder what this is about."),
          Map.entry("TAI", "The airplane is almost full."),
          Map.entry("MTI", "Maybe tomorrow it will be cold."),
          Map.entry("IWL", "I would like a new alarm clock."),
          Map.entry("ITH", "I think I have a doctor's appointment."),
          Map.entry("DFA", "Don't forget a jacket."),
          Map.entry("ITS", "I think I've seen this before."),
          Map.entry("TSI", "The surface is slick."),
          Map.entry("WSI", "We'll stop in a couple of minutes."));

  private CremaD() {}

  static Corpus read(Path path, Modality modality) {
    Path dir = Files.isDirectory(path) ? path : Sources.dirOf(path);
    Path votes = dir.resolve(VOTES);
    if (!Files.isRegularFile(votes)) {
      throw new ManifestException(dir.toString(), "not a CREMA-D folder: no " + VOTES);
    }
    Map<String, String> summaryVotes = readSummary(dir.resolve(SUMMARY), modality);
    Path audioDir = dir.resolve("AudioWAV");
    List<Utterance> out = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    try (Csv.Table t = Csv.Table.open(votes)) {
      int rowIdCol = t.column("");
      int[] voteCols = new int[VOTE_COLUMNS.length];
      for (int i = 0; i < VOTE_COLUMNS.length; i++) {
        voteCols[i] = t.column(VOTE_COLUMNS[i]);
      }
      int fileCol = t.column("fileName");
      int nCol = t.column("numResponses");
      int voteCol = t.column("emoVote");
      int meanCol = t.optColumn("meanEmoResp");
      for (Csv.Row r = t.next(); r != null; r = t.next()) {
        String rowId = r.get(rowIdCol).trim();
        if (rowId.isEmpty() || "123".indexOf(rowId.charAt(0)) < 0) {
          throw t.error(r, rowIdCol, "row id \"" + rowId + "\" does not start with 1, 2 or 3");
        }
        if (rowId.charAt(0) != modality.rowIdDigit()) {
          continue;
        }
        String fileName = r.get(fileCol).trim();
        String[] parts = fileName.split("_");
        if (parts.length != 4 || parts[0].isEmpty()) {
          throw t.error(
              r, fileCol, "not a CREMA-D file name: \"" + fileName
                  + "\" (expected ActorID_Sentence_Emotion_Level, e.g. 1001_IEO_NEU_XX)");
        }
        List<Label> annotations = new ArrayList<>();
        int total = 0;
        int best = -1;
        TreeSet<String> top = new TreeSet<>();
        for (int i = 0; i < VOTE_COLUMNS.length; i++) {
          int n = count(t, r, voteCols[i]);
          total += n;
          for (int k = 0; k < n; k++) {
            annotations.add(Label.of(VOTE_LABELS.get(VOTE_COLUMNS[i])));
          }
          if (n > best) {
            best = n;
            top.clear();
            top.add(VOTE_COLUMNS[i]);
          } else if (n == best) {
            top.add(VOTE_COLUMNS[i]);
          }
        }
        int declared = count(t, r, nCol);
        if (declared != total) {
          throw t.error(
              r, nCol, "numResponses is " + declared + " but the vote columns sum to " + total);
        }
        if (total == 0) {
          throw t.error(r, nCol, "no votes for " + fileName);
        }
        String expectedVote = String.join(":", top);
        String emoVote = r.get(voteCol).trim();
        if (!emoVote.equals(expectedVote)) {
          throw t.error(
              r, voteCol, "emoVote \"" + emoVote + "\" disagrees with the vote counts (top: "
                  + expectedVote + ")");
        }
        String summaryVote = summaryVotes.get(fileName);
        if (summaryVote != null && !summaryVote.equals(emoVote)) {
          throw t.error(
              r, voteCol, "emoVote \"" + emoVote + "\" disagrees with " + SUMMARY + "'s "
                  + modality.summaryPrefix() + "Vote \"" + summaryVote + "\"");
        }
        Label majority = top.size() == 1 ? Label.of(VOTE_LABELS.get(top.first())) : null;
        Map<String, Double> dims = new LinkedHashMap<>();
        if (meanCol >= 0 && !r.get(meanCol).isBlank()) {
          dims.put("intensity", parseDouble(t, r, meanCol));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("sentence", parts[1]);
        meta.put("intended", INTENDED.getOrDefault(parts[2], parts[2]));
        meta.put("level", parts[3]);
        meta.put("vote", emoVote);
        meta.put("modality", modality.name().toLowerCase(java.util.Locale.ROOT));
        Long prev = seen.putIfAbsent(fileName, r.line());
        if (prev != null) {
          throw t.error(
              r, fileCol, "duplicate file \"" + fileName + "\" (first on line " + prev + ")");
        }
        out.add(
            new Utterance(
                fileName,
                audioDir.resolve(fileName + ".wav"),
                SENTENCES.getOrDefault(parts[1], ""),
                parts[0],
                majority,
                annotations,
                dims,
                "",
                NAME,
                meta));
      }
    }
    if (out.isEmpty()) {
      throw new ManifestException(votes.toString(), "no rows for modality " + modality);
    }
    return Corpus.of(NAME, out);
  }

  private static Map<String, String> readSummary(Path summary, Modality modality) {
    Map<String, String> votes = new HashMap<>();
    if (!Files.isRegularFile(summary)) {
      return votes;
    }
    try (Csv.Table t = Csv.Table.open(summary)) {
      int fileCol = t.column("FileName");
      int voteCol = t.column(modality.summaryPrefix() + "Vote");
      for (Csv.Row r = t.next(); r != null; r = t.next()) {
        votes.put(r.get(fileCol).trim(), r.get(voteCol).trim());
      }
    }
    return votes;
  }

  private static int count(Csv.Table t, Csv.Row r, int col) {
    String s = r.get(col).trim();
    try {
      int n = Integer.parseInt(s);
      if (n < 0) {
        throw t.error(r, col, "vote count must not be negative: " + s);
      }
      return n;
    } catch (NumberFormatException e) {
      throw t.error(r, col, "not an integer: \"" + s + "\"");
    }
  }

  static double parseDouble(Csv.Table t, Csv.Row r, int col) {
    String s = r.get(col).trim();
    if (!Sources.isDecimal(s)) {
      throw t.error(r, col, "not a number: \"" + s + "\"");
    }
    double d = Double.parseDouble(s);
    if (!Double.isFinite(d)) {
      throw t.error(r, col, "number out of range: \"" + s + "\"");
    }
    return d;
  }
}
