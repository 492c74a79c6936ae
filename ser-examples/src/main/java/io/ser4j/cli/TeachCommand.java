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
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 */
@Command(
    name = "teach",
    mixinStandardHelpOptions = true,
    description = "Write a rationale per utterance into an append-only, resumable JSONL store.",
    footer = {
      "",
      "Examples:",
      "  ser teach --manifest ../shared/data/emodb/manifest.csv --out emodb-rationales.jsonl",
      "  ser teach --manifest m.jsonl --teacher cue-grounded --seed 7 --norms corpus --out r.jsonl"
    })
final class TeachCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Option(names = "--debug", description = "Print stack traces for errors.")
  boolean debug;

  @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "Corpus manifest.")
  Path manifest;

  @Option(names = "--teacher", defaultValue = CueGroundedTeacher.NAME,
      description = "Teacher: cue-grounded (offline) (default: ${DEFAULT-VALUE}).")
  String teacher;

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
    if (!teacher.equals(CueGroundedTeacher.NAME)) {
      throw new ParameterException(spec.commandLine(),
          "unknown --teacher " + teacher + "; known: " + CueGroundedTeacher.NAME);
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
    Teacher t = CueGroundedTeacher.create(seed);
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
