package io.ser4j.examples.teacher;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.Cues;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.CueNorms;
import io.ser4j.rationale.FaithfulnessReport;
import io.ser4j.rationale.TeachingInput;
import io.ser4j.rationale.llm.LlmTeacher;
import io.ser4j.rationale.llm.LlmTeacherOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Asks an LLM behind any OpenAI-compatible Chat Completions endpoint (OpenAI, vLLM, Ollama,
 * llama.cpp server) to explain the labels of a few clips, from their transcripts and measured cues,
 * and checks each rationale's acoustic claims. See {@code README.md} beside this file.
 *
 * <p>Run: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.teacher.LlmTeacherExample
 * BASE_URL MODEL [MANIFEST] [N] [API_KEY_ENV]}, e.g. {@code ... http://localhost:11434 llama3.1:8b
 * ../shared/data/emodb/manifest.csv 5}. The API key is read from the environment variable named by
 * API_KEY_ENV (default {@code OPENAI_API_KEY}); none is sent when it is unset.
 */
public final class LlmTeacherExample {
  /** Clips taught when no N is given. */
  public static final int DEFAULT_CLIPS = 5;

  private LlmTeacherExample() {}

  /** Parses the arguments (see the class javadoc) and prints one rationale per clip. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2) {
      System.err.println("usage: LlmTeacherExample BASE_URL MODEL [MANIFEST] [N] [API_KEY_ENV]");
      System.exit(2);
    }
    Path manifest = Path.of(args.length > 2 ? args[2] : "../shared/data/emodb/manifest.csv");
    int n = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_CLIPS;
    String keyEnv = args.length > 4 ? args[4] : LlmTeacherOptions.DEFAULT_API_KEY_ENV;
    List<LlmTeacher.Outcome> outcomes = run(args[0], args[1], keyEnv, manifest, n, System.out);
    System.exit(outcomes.stream().allMatch(LlmTeacher.Outcome::ok) ? 0 : 1);
  }

  /**
   * Teaches the first {@code n} utterances of {@code manifest} through the endpoint and prints each
   * rationale with its faithfulness counts (or the failure).
   *
   * @param baseUrl the server, e.g. {@code https://api.openai.com} or {@code http://localhost:8000}
   * @param model the model name the server serves
   * @param apiKeyEnv the environment variable holding the API key
   * @param manifest any manifest {@link Corpora#autodetect} reads
   * @param n how many utterances (at least 2: the norms need two clips)
   * @param out where to print
   * @return one outcome per utterance
   * @throws InterruptedException when interrupted while waiting for the server
   */
  public static List<LlmTeacher.Outcome> run(
      String baseUrl, String model, String apiKeyEnv, Path manifest, int n, PrintStream out)
      throws InterruptedException {
    // 1. Measure the clips' cues and build reference norms over them. (ser teach builds the norms
    //    over the whole manifest, per speaker; a handful of clips only gives a rough corpus norm.)
    Corpus corpus = Corpora.autodetect(manifest);
    List<Utterance> clips = corpus.utterances().subList(0, Math.min(n, corpus.size()));
    CueExtractor extractor = CueExtractor.create();
    Map<String, Cues> cues = new LinkedHashMap<>();
    for (Utterance u : clips) {
      cues.put(u.id(), extractor.extract(AudioLoader.load(u.audio()), false));
    }
    CueNorms norms = CueNorms.build(Corpus.of("sample", clips), cues, CueNorms.Scope.CORPUS, 2);

    // 2. The teacher: endpoint, model, the NAME of the key's variable (never the key), limits.
    LlmTeacher teacher =
        LlmTeacher.create(
            LlmTeacherOptions.builder()
                .setBaseUrl(baseUrl)
                .setModel(model)
                .optApiKeyEnv(apiKeyEnv)
                .optConcurrency(4) // requests in flight
                .optRequestsPerSecond(2) // request starts per second, retries included
                .optFaithfulness(LlmTeacherOptions.Faithfulness.REPORT)
                .build());

    // 3. Teach them all; a reply that fails validation after its retries is a typed failure.
    List<TeachingInput> inputs =
        clips.stream().map(u -> TeachingInput.of(u, cues.get(u.id()), norms)).toList();
    List<LlmTeacher.Outcome> outcomes = teacher.teachAll(inputs);
    for (LlmTeacher.Outcome o : outcomes) {
      String id = o.input().utteranceId();
      if (o.ok()) {
        FaithfulnessReport f = o.result().faithfulness();
        out.printf(Locale.ROOT, "%s [%s] %s%n  claims: %d consistent, %d contradicted, %d unverifiable%n",
            id, o.result().rationale().label(), o.result().rationale().text(),
            f.consistent(), f.contradicted(), f.unverifiable());
      } else {
        out.printf(Locale.ROOT, "%s FAILED (%s): %s%n", id,
            o.failure().reason().name().toLowerCase(Locale.ROOT), o.failure().problem());
      }
    }
    return outcomes;
  }
}
