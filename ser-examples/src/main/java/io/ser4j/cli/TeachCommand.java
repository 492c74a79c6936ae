package io.ser4j.cli;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.Cues;
import io.ser4j.core.SerException;
import io.ser4j.core.corpus.Corpora;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import io.ser4j.rationale.CueGroundedTeacher;
import io.ser4j.rationale.CueNorms;
import io.ser4j.rationale.RationaleKey;
import io.ser4j.rationale.RationaleStore;
import io.ser4j.rationale.RationaleStoreException;
import io.ser4j.rationale.Teacher;
import io.ser4j.rationale.TeachingInput;
import io.ser4j.rationale.llm.LlmTeacher;
import io.ser4j.rationale.llm.LlmTeacherException;
import io.ser4j.rationale.llm.LlmTeacherOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ser teach}: writes one rationale per utterance of a manifest into an append-only JSONL
 * store, resumable after a crash (see {@code docs/rationales.md}).
 *
 * <p>First run: measures every clip's cues, builds the reference norms and saves them beside the
 * store ({@code <out>.norms.json}), then teaches. A rerun reuses the saved norms (so resumed
 * rationales equal uninterrupted ones), skips utterances that already have a rationale, and retries
 * recorded failures. A clip that cannot be read or taught is recorded as a failure, reported on
 * stderr, and the command exits 3 at the end.
 *
 * <p>{@code --teacher openai} uses the {@link LlmTeacher} over any OpenAI-compatible Chat Completions
 * endpoint ({@code --base-url}, {@code --llm-model}, the key read from the environment variable
 * named by {@code --api-key-env}), with {@code --concurrency} requests in flight and at most {@code
 * --rps} request starts per second. A reply that fails validation after its retries is recorded as
 * a failure; a failure that every further request would repeat (bad key, unknown model) stops the
 * run, leaving the remaining utterances for a rerun.
 */
@Command(
    name = "teach",
    mixinStandardHelpOptions = true,
    description = "Write a rationale per utterance into an append-only, resumable JSONL store.",
    footer = {
      "",
      "Examples:",
      "  ser teach --manifest ../shared/data/emodb/manifest.csv --out emodb-rationales.jsonl",
      "  ser teach --manifest m.jsonl --teacher cue-grounded --seed 7 --norms corpus --out r.jsonl",
      "  OPENAI_API_KEY=... ser teach --manifest m.csv --teacher openai --base-url https://api.openai.com"
          + " --llm-model gpt-4o-mini --concurrency 8 --rps 5 --out r.jsonl",
      "  ser teach --manifest m.csv --teacher openai --base-url http://localhost:11434"
          + " --llm-model llama3.1:8b --out r.jsonl   (Ollama; no key needed)"
    })
final class TeachCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Option(names = "--debug", description = "Print stack traces for errors.")
  boolean debug;

  @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "Corpus manifest.")
  Path manifest;

  /** {@code --teacher} value selecting the LLM teacher. */
  static final String OPENAI = "openai";

  @Option(names = "--teacher", defaultValue = CueGroundedTeacher.NAME,
      description = "Teacher: cue-grounded (offline) or openai (any OpenAI-compatible Chat Completions"
          + " endpoint: OpenAI, vLLM, Ollama, llama.cpp server) (default: ${DEFAULT-VALUE}).")
  String teacher;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "openai teacher: the server's base URL, e.g. https://api.openai.com,"
          + " http://localhost:8000 (vLLM), http://localhost:11434 (Ollama).")
  String baseUrl;

  @Option(names = "--llm-model", paramLabel = "NAME", description = "openai teacher: the model name the server serves.")
  String llmModel;

  @Option(names = "--api-key-env", paramLabel = "VAR", defaultValue = LlmTeacherOptions.DEFAULT_API_KEY_ENV,
      description = "openai teacher: environment variable holding the API key; no key is sent when it is"
          + " unset (default: ${DEFAULT-VALUE}). The key is never printed or stored.")
  String apiKeyEnv;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + LlmTeacherOptions.DEFAULT_CONCURRENCY,
      description = "openai teacher: requests in flight at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--rps", paramLabel = "R", defaultValue = "0",
      description = "openai teacher: most request starts per second, retries included; 0 = no limit"
          + " (default: ${DEFAULT-VALUE}).")
  double rps;

  @Option(names = "--llm-timeout-s", paramLabel = "S", defaultValue = "" + LlmTeacherOptions.DEFAULT_TIMEOUT_S,
      description = "openai teacher: timeout of one request in seconds (default: ${DEFAULT-VALUE}).")
  long llmTimeoutS;

  @Option(names = "--llm-retries", paramLabel = "N", defaultValue = "" + LlmTeacherOptions.DEFAULT_MAX_RETRIES,
      description = "openai teacher: retries of a request after 429, 5xx, timeouts or connection faults"
          + " (default: ${DEFAULT-VALUE}).")
  int llmRetries;

  @Option(names = "--llm-reply-attempts", paramLabel = "N",
      defaultValue = "" + LlmTeacherOptions.DEFAULT_MAX_REPLY_ATTEMPTS,
      description = "openai teacher: requests per utterance whose replies may fail validation before it"
          + " is recorded as failed (default: ${DEFAULT-VALUE}).")
  int llmReplyAttempts;

  @Option(names = "--llm-max-chars", paramLabel = "N", defaultValue = "" + LlmTeacherOptions.DEFAULT_MAX_RATIONALE_CHARS,
      description = "openai teacher: longest accepted rationale in characters (default: ${DEFAULT-VALUE}).")
  int llmMaxChars;

  @Option(names = "--llm-temperature", paramLabel = "T", defaultValue = "" + LlmTeacherOptions.DEFAULT_TEMPERATURE,
      description = "openai teacher: sampling temperature (default: ${DEFAULT-VALUE}).")
  double llmTemperature;

  @Option(names = "--no-json-mode",
      description = "openai teacher: do not send response_format json_object (for servers that reject it).")
  boolean noJsonMode;

  @Option(names = "--faithfulness", paramLabel = "off|report|reject", defaultValue = "report",
      description = "openai teacher: run the faithfulness checker on each reply and report the totals,"
          + " or reject (retry, then fail) replies with a contradicted claim (default: ${DEFAULT-VALUE}).")
  String faithfulness;

  @Option(names = "--llm-backoff-ms", defaultValue = "" + LlmTeacherOptions.DEFAULT_INITIAL_BACKOFF_MS,
      hidden = true, description = "First retry backoff ceiling in ms (tests only).")
  long llmBackoffMs;

  @Option(names = "--seed", defaultValue = "1", description = "Teacher seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Rationale store (JSONL), appended to.")
  Path out;

  @Option(names = "--norms", defaultValue = "speaker", paramLabel = "speaker|corpus",
      description = "Reference norms: per speaker (with enough clips) or the corpus (default: ${DEFAULT-VALUE}).")
  String normsScope;

  @Option(names = "--min-clips", defaultValue = "" + CueNorms.DEFAULT_MIN_CLIPS_PER_SPEAKER,
      description = "Clips a speaker needs for its own norm (default: ${DEFAULT-VALUE}).")
  int minClips;

  @Option(names = "--sync-every", defaultValue = "" + RationaleStore.DEFAULT_SYNC_EVERY, paramLabel = "N",
      description = "Records between fsyncs of the store (default: ${DEFAULT-VALUE}).")
  int syncEvery;

  @Option(names = "--delay-ms", defaultValue = "0", hidden = true,
      description = "Sleep per taught item (tests of crash recovery only).")
  long delayMs;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!teacher.equals(CueGroundedTeacher.NAME) && !teacher.equals(OPENAI)) {
      throw new ParameterException(spec.commandLine(),
          "unknown --teacher " + teacher + "; known: " + CueGroundedTeacher.NAME + ", " + OPENAI);
    }
    Teacher t = teacher.equals(OPENAI) ? llmTeacher() : CueGroundedTeacher.create(seed);
    if (!(t instanceof LlmTeacher) && (baseUrl != null || llmModel != null)) {
      throw new ParameterException(spec.commandLine(), "--base-url and --llm-model need --teacher " + OPENAI);
    }
    CueNorms.Scope scope;
    try {
      scope = CueNorms.Scope.valueOf(normsScope.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--norms must be speaker or corpus, got " + normsScope);
    }
    if (minClips < 2 || syncEvery < 1 || delayMs < 0) {
      throw new ParameterException(spec.commandLine(), "--min-clips must be >= 2 and --sync-every >= 1");
    }
    Corpus corpus = Corpora.autodetect(manifest);
    CueExtractor extractor = CueExtractor.create();
    CliProgress progress = new CliProgress(err, quiet);
    Path normsFile = out.resolveSibling(out.getFileName() + ".norms.json");
    Map<String, Cues> cues = new HashMap<>();
    Map<String, String> cueErrors = new HashMap<>();
    CueNorms norms;
    if (Files.isRegularFile(normsFile)) {
      norms = CueNorms.fromJson(Files.readString(normsFile, StandardCharsets.UTF_8), normsFile.toString());
      if (norms.scope() != scope || norms.minClipsPerSpeaker() != minClips) {
        throw new RationaleStoreException(normsFile.toString(), "the store was started with --norms "
            + norms.scope().name().toLowerCase(Locale.ROOT) + " --min-clips " + norms.minClipsPerSpeaker()
            + "; rerun with those options or use another --out");
      }
    } else {
      progress.onStart("cues", corpus.size());
      int done = 0;
      for (Utterance u : corpus.utterances()) {
        measure(u, extractor, cues, cueErrors);
        progress.onProgress(++done, corpus.size(), "");
      }
      progress.onFinish();
      norms = CueNorms.build(corpus, cues, scope, minClips);
      Path tmp = normsFile.resolveSibling(normsFile.getFileName() + ".tmp");
      Files.writeString(tmp, norms.toJson(), StandardCharsets.UTF_8);
      Files.move(tmp, normsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    int taught = 0;
    int skipped = 0;
    List<String> failed = new ArrayList<>();
    try (RationaleStore store = RationaleStore.open(out, syncEvery)) {
      if (store.truncatedOnOpen()) {
        err.println("ser: " + out + ": dropped a truncated last line left by an interrupted run");
      }
      List<Utterance> todo = new ArrayList<>();
      for (Utterance u : corpus.utterances()) {
        if (store.contains(new RationaleKey(u.id(), t.info().name(), t.info().version()))) {
          skipped++;
        } else {
          todo.add(u);
        }
      }
      if (t instanceof LlmTeacher llm) {
        return teachWithLlm(llm, todo, skipped, store, norms, cues, cueErrors, extractor, progress);
      }
      progress.onStart("teach", todo.size());
      int done = 0;
      for (Utterance u : todo) {
        RationaleKey key = new RationaleKey(u.id(), t.info().name(), t.info().version());
        try {
          Cues c = cues.containsKey(u.id()) || cueErrors.containsKey(u.id()) ? cues.get(u.id()) : measure(u, extractor, cues, cueErrors);
          if (c == null) {
            throw new SerException(u.audio().toString(), cueErrors.get(u.id()));
          }
          store.append(t.teach(TeachingInput.of(u, c, norms)));
          taught++;
        } catch (SerException e) {
          store.appendFailure(key, seed, e.getMessage());
          failed.add(u.id());
          err.println("ser: " + u.id() + ": " + e.getMessage());
          err.flush();
        }
        progress.onProgress(++done, todo.size(), "");
        if (delayMs > 0) {
          Thread.sleep(delayMs);
        }
      }
      progress.onFinish();
    }
    stdout.printf(Locale.ROOT, "taught %d, already in store %d, failed %d -> %s%n", taught, skipped, failed.size(), out);
    stdout.flush();
    return failed.isEmpty() ? SerCli.EXIT_OK : SerCli.EXIT_BAD_INPUT;
  }

  /** The LLM teacher from the options; bad values are usage errors (exit 2). */
  private LlmTeacher llmTeacher() {
    if (baseUrl == null || llmModel == null) {
      throw new ParameterException(spec.commandLine(), "--teacher " + OPENAI + " needs --base-url and --llm-model");
    }
    LlmTeacherOptions.Faithfulness mode;
    try {
      mode = LlmTeacherOptions.Faithfulness.valueOf(faithfulness.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--faithfulness must be off, report or reject, got " + faithfulness);
    }
    try {
      return LlmTeacher.create(LlmTeacherOptions.builder()
          .setBaseUrl(baseUrl)
          .setModel(llmModel)
          .optApiKeyEnv(apiKeyEnv)
          .optConcurrency(concurrency)
          .optRequestsPerSecond(rps)
          .optTimeout(Duration.ofSeconds(llmTimeoutS))
          .optMaxRetries(llmRetries)
          .optMaxReplyAttempts(llmReplyAttempts)
          .optRationaleChars(Math.min(LlmTeacherOptions.DEFAULT_MIN_RATIONALE_CHARS, Math.max(1, llmMaxChars)), llmMaxChars)
          .optTemperature(llmTemperature)
          .optJsonMode(!noJsonMode)
          .optFaithfulness(mode)
          .optInitialBackoff(Duration.ofMillis(llmBackoffMs))
          .optSeed(seed)
          .build());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "openai teacher: " + e.getMessage());
    }
  }

  /**
   * Teaches {@code todo} through the LLM teacher with bounded concurrency; each outcome goes to the
   * store as it arrives. Stops submitting after a fatal failure (e.g. HTTP 401).
   */
  private int teachWithLlm(LlmTeacher llm, List<Utterance> todo, int skipped, RationaleStore store,
      CueNorms norms, Map<String, Cues> cues, Map<String, String> cueErrors, CueExtractor extractor,
      CliProgress progress) throws InterruptedException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Object lock = new Object();
    int[] counts = new int[3]; // taught, done, rationales checked
    long[] claims = new long[3]; // consistent, contradicted, unverifiable
    List<String> failed = new ArrayList<>();
    String name = llm.info().name();
    String version = llm.info().version();
    progress.onStart("teach", todo.size());
    int submitted = 0;
    LlmTeacher.Batch batch = llm.batch(o -> {
      synchronized (lock) {
        String id = o.input().utteranceId();
        if (o.ok()) {
          store.append(o.result().rationale());
          counts[0]++;
          if (o.result().faithfulness() != null) {
            counts[2]++;
            claims[0] += o.result().faithfulness().consistent();
            claims[1] += o.result().faithfulness().contradicted();
            claims[2] += o.result().faithfulness().unverifiable();
          }
        } else {
          LlmTeacherException e = o.failure();
          store.appendFailure(new RationaleKey(id, name, version), seed, e.getMessage());
          failed.add(id);
          err.println("ser: " + id + ": " + e.problem() + " [" + e.reason().name().toLowerCase(Locale.ROOT) + "]");
          err.flush();
        }
        progress.onProgress(++counts[1], todo.size(), "");
      }
    });
    try {
      for (Utterance u : todo) {
        if (batch.stoppedBy() != null) {
          break;
        }
        Cues c = cues.containsKey(u.id()) || cueErrors.containsKey(u.id()) ? cues.get(u.id()) : measure(u, extractor, cues, cueErrors);
        if (c == null) {
          submitted++;
          synchronized (lock) {
            SerException e = new SerException(u.audio().toString(), cueErrors.get(u.id()));
            store.appendFailure(new RationaleKey(u.id(), name, version), seed, e.getMessage());
            failed.add(u.id());
            err.println("ser: " + u.id() + ": " + e.getMessage());
            err.flush();
            progress.onProgress(++counts[1], todo.size(), "");
          }
          continue;
        }
        if (!batch.submit(TeachingInput.of(u, c, norms))) {
          break;
        }
        submitted++;
        if (delayMs > 0) {
          Thread.sleep(delayMs);
        }
      }
    } finally {
      batch.close(); // waits for every submitted utterance to reach the store
    }
    LlmTeacherException fatal = batch.stoppedBy();
    progress.onFinish();
    int notAttempted = todo.size() - submitted;
    stdout.printf(Locale.ROOT, "taught %d, already in store %d, failed %d -> %s%n", counts[0], skipped, failed.size(), out);
    if (counts[2] > 0) {
      long checkable = claims[0] + claims[1];
      stdout.printf(Locale.ROOT,
          "faithfulness: %d consistent, %d contradicted, %d unverifiable claims in %d rationales (rate %s)%n",
          claims[0], claims[1], claims[2], counts[2],
          checkable == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", claims[0] / (double) checkable));
    }
    if (fatal != null) {
      stdout.printf(Locale.ROOT, "stopped early: %d not attempted (rerun to continue)%n", notAttempted);
      err.println("ser: stopped: " + fatal.problem() + " (every further request would fail the same way)");
      err.flush();
    }
    stdout.flush();
    return failed.isEmpty() && fatal == null ? SerCli.EXIT_OK : SerCli.EXIT_BAD_INPUT;
  }

  /** Measures one clip; a clip that cannot be loaded is noted in {@code errors}. */
  private static Cues measure(Utterance u, CueExtractor ex, Map<String, Cues> cues, Map<String, String> errors) {
    try {
      Cues c = ex.extract(AudioLoader.load(u.audio()), false);
      cues.put(u.id(), c);
      return c;
    } catch (SerException e) {
      errors.put(u.id(), e.problem());
      return null;
    }
  }
}
