package io.ser4j.core.corpus;

import io.ser4j.core.Label;
import io.ser4j.core.ManifestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readers of the single-label acted corpora EmoDB and RAVDESS, from a {@code manifest.csv} (as in
 * {@code ../shared/data}) or from a directory of files with their original names. The label always
 * comes from the file-name code. Stateless; thread-safe.
 */
final class ActedCorpora {
  private static final Logger LOG = LoggerFactory.getLogger(ActedCorpora.class);

  static final String EMODB = "emodb";
  static final String RAVDESS = "ravdess";

  /** EmoDB file names: speaker (2 digits), text code, emotion letter, version letter. */
  static final Pattern EMODB_NAME = Pattern.compile("(\\d\\d)([ab]\\d\\d)([A-Za-z])([a-z])");

  /** RAVDESS file names: modality-channel-emotion-intensity-statement-repetition-actor. */
  static final Pattern RAVDESS_NAME =
      Pattern.compile("(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)-(\\d\\d)");

  /** EmoDB's emotion letters (German initials) to unified labels. */
  static final Map<Character, String> EMODB_CODES =
      Map.of(
          'W', "anger", 'L', "boredom", 'E', "disgust", 'A', "fear", 'F', "happiness", 'T',
          "sadness", 'N', "neutral");

  /** EmoDB's ten sentences by text code. */
  static final Map<String, String> EMODB_SENTENCES =
      Map.of(
          "a01", "Der Lappen liegt auf dem Eisschrank.",
          "a02", "Das will sie am Mittwoch abgeben.",
          "a04", "Heute abend könnte ich es ihm sagen.",
          "a05", "Das schwarze Blatt Papier befindet sich da oben neben dem Holzstück.",
          "a07", "In sieben Stunden wird es soweit sein.",
          "b01", "Was sind denn das für Tüten, die da unter dem Tisch stehen?",
          "b02", "Sie haben es gerade hochgetragen und jetzt gehen sie wieder runter.",
          "b03", "An den Wochenenden bin ich jetzt immer nach Hause gefahren und habe Agnes besucht.",
          "b09", "Ich will das eben wegbringen und dann mit Karl was trinken gehen.",
          "b10", "Die wird auf dem Platz sein, wo wir sie immer hinlegen.");

  /** RAVDESS's emotion codes to unified labels. */
  static final Map<String, String> RAVDESS_CODES =
      Map.of(
          "01", "neutral", "02", "calm", "03", "happiness", "04", "sadness", "05", "anger", "06",
          "fear", "07", "disgust", "08", "surprise");

  /** RAVDESS's two statements by code. */
  static final Map<String, String> RAVDESS_STATEMENTS =
      Map.of("01", "Kids are talking by the door.", "02", "Dogs are sitting by the door.");

  private ActedCorpora() {}

  /** What a file name says about an utterance. */
  private record Decoded(String speaker, Label label, String transcript, Map<String, String> meta) {}

  /** Decodes an EmoDB file name, or explains why it cannot. */
  private static Decoded decodeEmoDb(String fileName, Problem problem) {
    String base = Sources.baseName(fileName);
    Matcher m = EMODB_NAME.matcher(base);
    if (!m.matches()) {
      throw problem.at(
          "not an EmoDB file name: \"" + fileName + "\" (expected e.g. 03a01Fa.wav: speaker,"
              + " text code, emotion letter, version)");
    }
    String emotion = EMODB_CODES.get(m.group(3).charAt(0));
    if (emotion == null) {
      throw problem.at(
          "unknown EmoDB emotion code '" + m.group(3) + "' in \"" + fileName
              + "\"; known codes W anger, L boredom, E disgust, A fear, F happiness, T sadness,"
              + " N neutral");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("sentence", m.group(2));
    return new Decoded(
        m.group(1), Label.of(emotion), EMODB_SENTENCES.getOrDefault(m.group(2), ""), meta);
  }

  /** Decodes a RAVDESS file name, or explains why it cannot. */
  private static Decoded decodeRavdess(String fileName, Problem problem) {
    String base = Sources.baseName(fileName);
    Matcher m = RAVDESS_NAME.matcher(base);
    if (!m.matches()) {
      throw problem.at(
          "not a RAVDESS file name: \"" + fileName + "\" (expected e.g. 03-01-05-01-02-01-12.wav:"
              + " modality-channel-emotion-intensity-statement-repetition-actor)");
    }
    String emotion = RAVDESS_CODES.get(m.group(3));
    if (emotion == null) {
      throw problem.at(
          "unknown RAVDESS emotion code \"" + m.group(3) + "\" in \"" + fileName
              + "\"; known codes 01-08");
    }
    String intensity =
        switch (m.group(4)) {
          case "01" -> "normal";
          case "02" -> "strong";
          default -> throw problem.at(
              "unknown RAVDESS intensity code \"" + m.group(4) + "\" in \"" + fileName + "\"");
        };
    String channel =
        switch (m.group(2)) {
          case "01" -> "speech";
          case "02" -> "song";
          default -> throw problem.at(
              "unknown RAVDESS vocal channel code \"" + m.group(2) + "\" in \"" + fileName + "\"");
        };
    String statement = RAVDESS_STATEMENTS.get(m.group(5));
    if (statement == null || !Set.of("01", "02").contains(m.group(6))) {
      throw problem.at(
          "unknown RAVDESS statement/repetition code in \"" + fileName + "\" (01 or 02 each)");
    }
    int actor = Integer.parseInt(m.group(7));
    if (actor < 1) {
      throw problem.at("RAVDESS actor code must be 01 or more in \"" + fileName + "\"");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("channel", channel);
    meta.put("intensity", intensity);
    meta.put("statement", m.group(5));
    meta.put("repetition", m.group(6));
    meta.put("sex", actor % 2 == 1 ? "male" : "female");
    return new Decoded(m.group(7), Label.of(emotion), statement, meta);
  }

  /** Builds the exception for a decoding problem at a known place. */
  @FunctionalInterface
  private interface Problem {
    ManifestException at(String problem);
  }

  private interface Decoder {
    Decoded decode(String fileName, Problem problem);
  }

  static Corpus readEmoDb(Path path) {
    return read(path, EMODB, ActedCorpora::decodeEmoDb);
  }

  static Corpus readRavdess(Path path) {
    return read(path, RAVDESS, ActedCorpora::decodeRavdess);
  }

  private static Corpus read(Path path, String name, Decoder decoder) {
    if (Files.isDirectory(path)) {
      Path manifest = path.resolve("manifest.csv");
      if (Files.isRegularFile(manifest)) {
        return fromManifest(manifest, name, decoder);
      }
      return fromDirectory(path, name, decoder);
    }
    if (!Files.exists(path)) {
      throw new ManifestException(path.toString(), "no such file or directory");
    }
    return fromManifest(path, name, decoder);
  }

  private static Corpus fromManifest(Path csvPath, String name, Decoder decoder) {
    Path dir = Sources.dirOf(csvPath);
    List<Utterance> out = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    int disagreements = 0;
    String firstDisagreement = null;
    try (Csv.Table t = Csv.Table.open(csvPath)) {
      int fileCol = t.column("file");
      int speakerCol = t.optColumn("speaker");
      int transcriptCol = t.optColumn("transcript");
      int emotionCol = t.optColumn("emotion");
      for (Csv.Row r = t.next(); r != null; r = t.next()) {
        final Csv.Row row = r;
        String file = r.get(fileCol).trim();
        if (file.isEmpty()) {
          throw t.error(r, fileCol, "empty file name");
        }
        Decoded d = decoder.decode(file, p -> t.error(row, fileCol, p));
        String speaker = d.speaker();
        if (speakerCol >= 0) {
          String s = r.get(speakerCol).trim();
          if (!s.equals(d.speaker())) {
            throw t.error(
                r,
                speakerCol,
                "speaker \"" + s + "\" disagrees with the file name's speaker code \""
                    + d.speaker() + "\"");
          }
        }
        if (emotionCol >= 0 && !r.get(emotionCol).isBlank()
            && !Label.of(r.get(emotionCol)).equals(d.label())) {
          disagreements++;
          if (firstDisagreement == null) {
            firstDisagreement = t.file() + ":" + r.line();
          }
        }
        String transcript = transcriptCol >= 0 ? r.get(transcriptCol) : d.transcript();
        Map<String, String> meta = new LinkedHashMap<>(d.meta());
        for (int i = 0; i < t.header().size(); i++) {
          if (i != fileCol && i != speakerCol && i != transcriptCol && i != emotionCol) {
            meta.put(t.name(i).trim(), r.get(i));
          }
        }
        Path audio = Sources.resolve(dir, file, t.file(), r.line(), "file");
        String id = Sources.baseName(file);
        Long prev = seen.putIfAbsent(id, r.line());
        if (prev != null) {
          throw t.error(r, fileCol, "duplicate id \"" + id + "\" (first on line " + prev + ")");
        }
        out.add(
            new Utterance(
                id, audio, transcript, speaker, d.label(), List.of(d.label()), Map.of(), "", name,
                meta));
      }
    }
    if (disagreements > 0) {
      LOG.warn(
          "{}: the emotion column disagrees with the file-name code on {} row(s) (first {});"
              + " using the file-name code",
          csvPath,
          disagreements,
          firstDisagreement);
    }
    return Corpus.of(name, out);
  }

  private static Corpus fromDirectory(Path dir, String name, Decoder decoder) {
    List<Path> wavs;
    try (Stream<Path> s = Files.walk(dir, 3)) {
      wavs =
          s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".wav"))
              .filter(Files::isRegularFile)
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      IOException io = e instanceof IOException x ? x : ((java.io.UncheckedIOException) e).getCause();
      throw Sources.cannotRead(dir, io);
    }
    if (wavs.isEmpty()) {
      throw new ManifestException(
          dir.toString(), "no manifest.csv and no .wav files (searched 3 levels deep)");
    }
    List<Utterance> out = new ArrayList<>();
    Map<String, Path> seen = new HashMap<>();
    for (Path wav : wavs) {
      String fileName = wav.getFileName().toString();
      Decoded d = decoder.decode(fileName, p -> new ManifestException(wav.toString(), p));
      String id = Sources.baseName(fileName);
      Path prev = seen.putIfAbsent(id, wav);
      if (prev != null) {
        throw new ManifestException(wav.toString(), "duplicate id \"" + id + "\" (also " + prev + ")");
      }
      out.add(
          new Utterance(
              id, wav, d.transcript(), d.speaker(), d.label(), List.of(d.label()), Map.of(), "",
              name, d.meta()));
    }
    return Corpus.of(name, out);
  }
}
