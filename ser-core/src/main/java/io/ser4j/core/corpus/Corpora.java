package io.ser4j.core.corpus;

import io.ser4j.core.ManifestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads and writes corpora. Every reader returns an immutable {@link Corpus} whose labels are
 * mapped to the unified names of {@link io.ser4j.core.LabelSet#UNIFIED} where one exists (label
 * mappings in docs/corpora.md). A malformed row fails the whole read with a {@link
 * ManifestException} whose message reads {@code "<file>:<line> (column <column>): <problem>"};
 * audio files are not opened here: a missing file is reported per utterance by {@link
 * Corpus#checkAudio()}. Stateless; thread-safe.
 */
public final class Corpora {
  private Corpora() {}

  /**
   * Reads a ser4j JSONL manifest: one JSON object per line ({@code id}, {@code audio} required;
   * {@code transcript}, {@code speaker}, {@code label}, {@code annotations}, {@code dimensions},
   * {@code split}, {@code corpus}, {@code meta} optional; other keys ignored; blank lines
   * skipped). Audio paths are resolved against the manifest's directory. The corpus is named after
   * the file (without {@code .jsonl}).
   *
   * @throws ManifestException on unreadable input, bad JSON (column = character position), a
   *     missing or mistyped field (column = key) or a duplicate id
   */
  public static Corpus readManifest(Path jsonl) {
    return ManifestJsonl.read(jsonl);
  }

  /**
   * Writes {@code corpus} as a JSONL manifest, atomically: to a temporary file in the target's
   * directory, then renamed over the target. Audio paths under the manifest's directory are written
   * relative to it (with {@code /}), others absolute. Keys are written in schema order; empty
   * optional fields are left out.
   *
   * @throws ManifestException when the file cannot be written or a string cannot be encoded
   */
  public static void writeManifest(Corpus corpus, Path jsonl) {
    ManifestJsonl.write(corpus, jsonl);
  }

  /**
   * Reads EmoDB from its {@code manifest.csv} (as in {@code ../shared/data/emodb}; columns {@code
   * file} required, {@code speaker}, {@code transcript}, {@code emotion} optional, others kept as
   * metadata), from a folder holding one, or from a folder of .wav files with original EmoDB names
   * (searched 3 levels deep). The label and speaker always come from the file name (6th character:
   * W anger, L boredom, E disgust, A fear, F happiness, T sadness, N neutral); a differing {@code
   * emotion} column is logged and ignored, a differing {@code speaker} column is an error.
   *
   * @throws ManifestException on a file name that is not an EmoDB name or has an unknown emotion
   *     code, and on any malformed row
   */
  public static Corpus readEmoDb(Path manifestCsvOrWavDir) {
    return ActedCorpora.readEmoDb(manifestCsvOrWavDir);
  }

  /**
   * Reads RAVDESS like {@link #readEmoDb}: from {@code manifest.csv} or a folder of files named
   * {@code Modality-Channel-Emotion-Intensity-Statement-Repetition-Actor.wav} (emotion 01 neutral,
   * 02 calm, 03 happiness, 04 sadness, 05 anger, 06 fear, 07 disgust, 08 surprise; the actor is the
   * speaker).
   *
   * @throws ManifestException on a file name that is not a RAVDESS name, an unknown code, or a
   *     malformed row
   */
  public static Corpus readRavdess(Path manifestCsvOrWavDir) {
    return ActedCorpora.readRavdess(manifestCsvOrWavDir);
  }

  /**
   * Reads CREMA-D's crowd ratings for one modality from a folder holding {@code
   * tabulatedVotes.csv} (or that file itself). Each vote becomes one annotator label (columns A
   * anger, D disgust, F fear, H happiness, N neutral, S sadness, in that order); the majority is the
   * strict plurality (absent on ties such as {@code A:N}), checked against {@code emoVote} and,
   * when the folder has it, {@code summaryTable.csv}. The speaker is the actor id of the file name
   * {@code ActorID_Sentence_Emotion_Level}; audio is expected at {@code AudioWAV/<name>.wav}.
   *
   * @throws ManifestException on a missing column, a count that does not parse, a vote sum that
   *     differs from {@code numResponses}, or an {@code emoVote} that contradicts the counts
   */
  public static Corpus readCremaD(Path dir, Modality modality) {
    return CremaD.read(dir, modality);
  }

  /**
   * Reads MSP-Podcast from its {@code Labels} folder (or the corpus root holding {@code Labels/}, or
   * {@code labels_consensus.csv} itself): the consensus class letter (A anger, H happiness, S
   * sadness, N neutral, U surprise, F fear, D disgust, C contempt, O other, X no agreement →
   * no majority), {@code EmoAct}/{@code EmoVal}/{@code EmoDom} as arousal/valence/dominance, {@code
   * SpkrID} ({@code Unknown} → no speaker), {@code Split_Set}; per-annotator labels from {@code
   * labels_detailed.csv}'s {@code EmoClass_Major} when present. Audio is expected at {@code
   * <root>/Audios/<FileName>}, transcripts (optional) at {@code <root>/Transcripts/<id>.txt}.
   *
   * @throws ManifestException on an unknown class code, a rating that does not parse, or any
   *     malformed row
   */
  public static Corpus readMspPodcast(Path labelsDir) {
    return MspPodcast.read(labelsDir);
  }

  /**
   * Reads a generic CSV (header row, RFC 4180) through a column mapping.
   *
   * @throws ManifestException when a mapped column is missing, a row is malformed, a rating does
   *     not parse, or a label is not in the mapping's label names
   */
  public static Corpus readCsv(Path csv, ColumnMapping mapping) {
    return GenericCsv.read(csv, mapping);
  }

  /**
   * Which format {@code path} holds, judged by file name, header and file names; empty when none
   * fits. A {@code *.jsonl} file → JSONL; a {@code tabulatedVotes.csv} file or a folder holding it
   * → CREMA-D; {@code labels_consensus.csv} (as a file, in the folder, or in its {@code Labels/})
   * → MSP-Podcast; a CSV with {@code file} and {@code emotion} columns → EmoDB or RAVDESS by the
   * first row's file name; a folder with {@code manifest.csv} → as that file; a folder with exactly
   * one {@code *.jsonl} → JSONL; otherwise a folder whose first .wav file (by name, 3 levels deep)
   * has an EmoDB or RAVDESS name.
   *
   * @throws ManifestException when {@code path} does not exist or cannot be read
   */
  public static Optional<CorpusFormat> detectFormat(Path path) {
    if (!Files.exists(path)) {
      throw new ManifestException(path.toString(), "no such file or directory");
    }
    String fileName = path.getFileName() == null ? "" : path.getFileName().toString();
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (Files.isRegularFile(path)) {
      if (lower.endsWith(".jsonl")) {
        return Optional.of(CorpusFormat.JSONL);
      } else if (fileName.equals(CremaD.VOTES)) {
        return Optional.of(CorpusFormat.CREMA_D);
      } else if (fileName.equals(MspPodcast.CONSENSUS)) {
        return Optional.of(CorpusFormat.MSP_PODCAST);
      } else if (lower.endsWith(".csv")) {
        return detectActedCsv(path);
      }
      return Optional.empty();
    }
    if (Files.isRegularFile(path.resolve(CremaD.VOTES))) {
      return Optional.of(CorpusFormat.CREMA_D);
    }
    if (MspPodcast.labelsDir(path) != null) {
      return Optional.of(CorpusFormat.MSP_PODCAST);
    }
    Path manifest = path.resolve("manifest.csv");
    if (Files.isRegularFile(manifest)) {
      return detectActedCsv(manifest);
    }
    List<Path> jsonl = list(path, 1, ".jsonl");
    if (jsonl.size() == 1) {
      return Optional.of(CorpusFormat.JSONL);
    }
    List<Path> wavs = list(path, 3, ".wav");
    if (!wavs.isEmpty()) {
      return byFileName(wavs.get(0).getFileName().toString());
    }
    return Optional.empty();
  }

  /**
   * Reads whatever {@link #detectFormat} finds ({@link Modality#VOICE} for CREMA-D).
   *
   * @throws ManifestException when no known format fits (the message lists the known formats) or
   *     the chosen reader fails
   */
  public static Corpus autodetect(Path path) {
    CorpusFormat f =
        detectFormat(path)
            .orElseThrow(
                () -> {
                  StringBuilder b = new StringBuilder("no known corpus format fits; known formats: ");
                  CorpusFormat[] all = CorpusFormat.values();
                  for (int i = 0; i < all.length; i++) {
                    b.append(i == 0 ? "" : "; ").append(all[i].description());
                  }
                  b.append("; any other CSV: Corpora.readCsv with a ColumnMapping");
                  return new ManifestException(path.toString(), b.toString());
                });
    return read(path, f);
  }

  /** Reads {@code path} as format {@code format} ({@link Modality#VOICE} for CREMA-D). */
  public static Corpus read(Path path, CorpusFormat format) {
    return switch (format) {
      case JSONL -> readManifest(Files.isDirectory(path) ? onlyJsonl(path) : path);
      case EMODB -> readEmoDb(path);
      case RAVDESS -> readRavdess(path);
      case CREMA_D -> readCremaD(path, Modality.VOICE);
      case MSP_PODCAST -> readMspPodcast(path);
    };
  }

  /**
   * Converts any corpus {@link #autodetect} reads (e.g. {@code ../shared/data/emodb/manifest.csv})
   * into a JSONL manifest at {@code jsonl}, and returns the corpus that was written.
   *
   * @throws ManifestException when the source cannot be read or the target cannot be written
   */
  public static Corpus convertToJsonl(Path source, Path jsonl) {
    Corpus c = autodetect(source);
    writeManifest(c, jsonl);
    return c;
  }

  private static Path onlyJsonl(Path dir) {
    List<Path> found = list(dir, 1, ".jsonl");
    if (found.size() != 1) {
      throw new ManifestException(
          dir.toString(), "expected exactly one *.jsonl manifest in the folder, found " + found.size());
    }
    return found.get(0);
  }

  private static Optional<CorpusFormat> detectActedCsv(Path csv) {
    try (Csv.Table t = Csv.Table.open(csv)) {
      if (!t.has("file") || !t.has("emotion")) {
        return Optional.empty();
      }
      Csv.Row first = t.next();
      return first == null ? Optional.empty() : byFileName(first.get(t.column("file")).trim());
    }
  }

  private static Optional<CorpusFormat> byFileName(String file) {
    String base = Sources.baseName(file);
    if (ActedCorpora.EMODB_NAME.matcher(base).matches()) {
      return Optional.of(CorpusFormat.EMODB);
    } else if (ActedCorpora.RAVDESS_NAME.matcher(base).matches()) {
      return Optional.of(CorpusFormat.RAVDESS);
    }
    return Optional.empty();
  }

  private static List<Path> list(Path dir, int depth, String suffix) {
    try (Stream<Path> s = Files.walk(dir, depth)) {
      return new ArrayList<>(
          s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(suffix))
              .filter(Files::isRegularFile)
              .sorted()
              .toList());
    } catch (IOException e) {
      throw Sources.cannotRead(dir, e);
    } catch (java.io.UncheckedIOException e) {
      throw Sources.cannotRead(dir, e.getCause());
    }
  }
}
