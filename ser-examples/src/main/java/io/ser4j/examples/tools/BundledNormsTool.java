package io.ser4j.examples.tools;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.Cues;
import io.ser4j.core.SerException;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.CueNorms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the corpus norms bundled with ser-rationale ({@code
 * io/ser4j/rationale/corpus-norms.json}, used by the facade's {@code "cue-grounded"} teacher): the
 * cues of every EmoDB and RAVDESS clip, corpus scope.
 *
 * <p>Run: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.tools.BundledNormsTool
 * ../shared/data ser-rationale/src/main/resources/io/ser4j/rationale/corpus-norms.json}
 */
public final class BundledNormsTool {
  private BundledNormsTool() {}

  /**
   * Measures the cues and writes the norms.
   *
   * @param args the data directory and the output file
   * @throws IOException when the output cannot be written
   */
  public static void main(String[] args) throws IOException {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data");
    Path out = Path.of(args.length > 1 ? args[1] : "corpus-norms.json");
    Corpus corpus =
        Corpus.concat(
            "emodb+ravdess",
            List.of(
                Corpora.readEmoDb(data.resolve("emodb/manifest.csv")),
                Corpora.readRavdess(data.resolve("ravdess/manifest.csv"))));
    CueExtractor extractor = CueExtractor.create();
    Map<String, Cues> cues = new ConcurrentHashMap<>();
    corpus.utterances().parallelStream().forEach(u -> measure(u, extractor, cues));
    CueNorms norms = CueNorms.build(corpus, cues, CueNorms.Scope.CORPUS, CueNorms.DEFAULT_MIN_CLIPS_PER_SPEAKER);
    Files.writeString(out, norms.toJson(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " from " + cues.size() + " of " + corpus.size() + " clips");
  }

  private static void measure(Utterance u, CueExtractor extractor, Map<String, Cues> cues) {
    try {
      cues.put(u.id(), extractor.extract(AudioLoader.load(u.audio()), false));
    } catch (SerException e) {
      System.err.println("skipped " + u.id() + ": " + e.getMessage());
    }
  }
}
