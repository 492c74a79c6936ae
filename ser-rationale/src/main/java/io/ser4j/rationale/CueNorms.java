package io.ser4j.rationale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.SerException;
import io.ser4j.core.corpus.Corpus;
import io.ser4j.core.corpus.Utterance;
import java.io.IOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reference norms (mean and sample standard deviation of every {@link Cue}) against which a clip's
 * cues are judged "high" or "low": per speaker when that speaker has at least {@code
 * minClipsPerSpeaker} clips with cues, otherwise the corpus norm. Only defined (finite) values
 * enter a statistic. Immutable and thread-safe.
 *
 * <p>JSON form ({@link #toJson()}): {@code {"scope":"speaker","min_clips_per_speaker":10,
 * "corpus":{"f0_mean_hz":{"mean":..,"sd":..,"n":..},...},"speakers":{"03":{...},...}}}.
 */
public final class CueNorms {
  /** Default minimum number of clips for a speaker to get a norm of its own. */
  public static final int DEFAULT_MIN_CLIPS_PER_SPEAKER = 10;

  /** Which norms {@link #relative} uses. */
  public enum Scope {
    /** The speaker's own norm when it has enough clips, else the corpus norm. */
    SPEAKER,
    /** Always the corpus norm. */
    CORPUS
  }

  /**
   * Mean and sample standard deviation of one cue.
   *
   * @param mean arithmetic mean
   * @param sd sample standard deviation (n &minus; 1); NaN when {@code n < 2}
   * @param n number of defined values
   */
  public record Stat(double mean, double sd, int n) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Scope scope;
  private final int minClipsPerSpeaker;
  private final Map<Cue, Stat> corpus;
  private final SortedMap<String, Map<Cue, Stat>> speakers;

  private CueNorms(
      Scope scope, int minClips, Map<Cue, Stat> corpus, SortedMap<String, Map<Cue, Stat>> speakers) {
    this.scope = scope;
    this.minClipsPerSpeaker = minClips;
    this.corpus = Collections.unmodifiableMap(new EnumMap<>(corpus));
    SortedMap<String, Map<Cue, Stat>> s = new TreeMap<>();
    speakers.forEach((k, v) -> s.put(k, Collections.unmodifiableMap(new EnumMap<>(v))));
    this.speakers = Collections.unmodifiableSortedMap(s);
  }

  /**
   * Builds norms from the cues of a corpus's utterances.
   *
   * @param corpus the utterances (their speakers group the clips)
   * @param cues cues by utterance id; utterances without an entry are left out
   * @param scope speaker or corpus norms
   * @param minClipsPerSpeaker clips a speaker needs for a norm of its own (&ge; 2)
   * @throws IllegalArgumentException when {@code minClipsPerSpeaker < 2}
   * @throws SerException when no utterance of the corpus has cues
   */
  public static CueNorms build(
      Corpus corpus, Map<String, Cues> cues, Scope scope, int minClipsPerSpeaker) {
    Objects.requireNonNull(scope, "scope");
    if (minClipsPerSpeaker < 2) {
      throw new IllegalArgumentException("minClipsPerSpeaker must be >= 2, got " + minClipsPerSpeaker);
    }
    Map<Cue, Acc> all = accs();
    Map<String, Map<Cue, Acc>> bySpeaker = new TreeMap<>();
    Map<String, Integer> clips = new TreeMap<>();
    int used = 0;
    for (Utterance u : corpus.utterances()) {
      Cues c = cues.get(u.id());
      if (c == null) {
        continue;
      }
      used++;
      Map<Cue, Acc> sp = u.speaker().isEmpty() ? null : bySpeaker.computeIfAbsent(u.speaker(), k -> accs());
      if (sp != null) {
        clips.merge(u.speaker(), 1, Integer::sum);
      }
      for (Cue cue : Cue.values()) {
        double v = c.get(cue);
        if (Double.isFinite(v)) {
          all.get(cue).add(v);
          if (sp != null) {
            sp.get(cue).add(v);
          }
        }
      }
    }
    if (used == 0) {
      throw new SerException(corpus.name(), "no utterance has cues; cannot build norms");
    }
    SortedMap<String, Map<Cue, Stat>> speakers = new TreeMap<>();
    bySpeaker.forEach(
        (spk, acc) -> {
          if (clips.get(spk) >= minClipsPerSpeaker) {
            speakers.put(spk, stats(acc));
          }
        });
    return new CueNorms(scope, minClipsPerSpeaker, stats(all), speakers);
  }

  private static Map<Cue, Acc> accs() {
    Map<Cue, Acc> m = new EnumMap<>(Cue.class);
    for (Cue c : Cue.values()) {
      m.put(c, new Acc());
    }
    return m;
  }

  private static Map<Cue, Stat> stats(Map<Cue, Acc> accs) {
    Map<Cue, Stat> m = new EnumMap<>(Cue.class);
    accs.forEach((c, a) -> m.put(c, a.stat()));
    return m;
  }

  /** Welford's running mean and variance. */
  private static final class Acc {
    private int n;
    private double mean;
    private double m2;

    void add(double x) {
      n++;
      double d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }

    Stat stat() {
      return new Stat(n == 0 ? Double.NaN : mean, n < 2 ? Double.NaN : Math.sqrt(m2 / (n - 1)), n);
    }
  }

  /** The scope these norms were built for. */
  public Scope scope() {
    return scope;
  }

  /** Clips a speaker needs for a norm of its own. */
  public int minClipsPerSpeaker() {
    return minClipsPerSpeaker;
  }

  /** The corpus norm of every cue. */
  public Map<Cue, Stat> corpusNorm() {
    return corpus;
  }

  /** Speakers with a norm of their own, sorted. */
  public java.util.SortedSet<String> speakers() {
    return Collections.unmodifiableSortedSet(new java.util.TreeSet<>(speakers.keySet()));
  }

  /**
   * The name of the norm used for {@code speaker}: {@code "speaker <id>"} when the scope is SPEAKER
   * and the speaker has its own norm, else {@code "corpus"}.
   */
  public String referenceFor(String speaker) {
    return scope == Scope.SPEAKER && speaker != null && speakers.containsKey(speaker)
        ? "speaker " + speaker
        : "corpus";
  }

  /** {@code value} relative to the corpus norm. */
  public RelativeCue relative(Cue cue, double value) {
    return relative(cue, value, corpus, "corpus");
  }

  /**
   * {@code value} relative to the norm of {@code speaker} (or the corpus norm, see {@link
   * #referenceFor}).
   */
  public RelativeCue relative(String speaker, Cue cue, double value) {
    String ref = referenceFor(speaker);
    Map<Cue, Stat> norm = ref.equals("corpus") ? corpus : speakers.get(speaker);
    return relative(cue, value, norm, ref);
  }

  private static RelativeCue relative(Cue cue, double value, Map<Cue, Stat> norm, String ref) {
    Objects.requireNonNull(cue, "cue");
    Stat s = norm.get(cue);
    double z =
        Double.isFinite(value) && s != null && Double.isFinite(s.sd()) && s.sd() > 0
            ? (value - s.mean()) / s.sd()
            : Double.NaN;
    return new RelativeCue(cue, value, z, CueLevel.of(z), ref);
  }

  /** Every cue of {@code cues} relative to {@code speaker}'s norm (or the corpus norm). */
  public Map<Cue, RelativeCue> profile(String speaker, Cues cues) {
    Map<Cue, RelativeCue> m = new EnumMap<>(Cue.class);
    for (Cue c : Cue.values()) {
      m.put(c, relative(speaker, c, cues.get(c)));
    }
    return Collections.unmodifiableMap(m);
  }

  /** These norms as JSON (see the class javadoc). */
  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("scope", scope.name().toLowerCase(java.util.Locale.ROOT));
    root.put("min_clips_per_speaker", minClipsPerSpeaker);
    root.set("corpus", statsJson(corpus));
    ObjectNode sp = root.putObject("speakers");
    speakers.forEach((k, v) -> sp.set(k, statsJson(v)));
    return root.toString();
  }

  private static ObjectNode statsJson(Map<Cue, Stat> m) {
    ObjectNode o = MAPPER.createObjectNode();
    m.forEach(
        (c, s) -> {
          ObjectNode e = o.putObject(c.key());
          putFinite(e, "mean", s.mean());
          putFinite(e, "sd", s.sd());
          e.put("n", s.n());
        });
    return o;
  }

  private static void putFinite(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }

  /**
   * Reads norms written by {@link #toJson()}.
   *
   * @param source names the input in error messages
   * @throws RationaleStoreException when the JSON is malformed or a field is missing
   */
  public static CueNorms fromJson(String json, String source) {
    try {
      JsonNode root = MAPPER.readTree(json);
      Scope scope = Scope.valueOf(req(root, "scope", source).asText().toUpperCase(java.util.Locale.ROOT));
      int min = req(root, "min_clips_per_speaker", source).asInt();
      Map<Cue, Stat> corpus = readStats(req(root, "corpus", source), source);
      SortedMap<String, Map<Cue, Stat>> speakers = new TreeMap<>();
      var it = req(root, "speakers", source).fields();
      while (it.hasNext()) {
        var e = it.next();
        speakers.put(e.getKey(), readStats(e.getValue(), source));
      }
      return new CueNorms(scope, min, corpus, speakers);
    } catch (IOException | IllegalArgumentException e) {
      throw new RationaleStoreException(source, "malformed norms JSON: " + e.getMessage(), e);
    }
  }

  private static JsonNode req(JsonNode n, String field, String source) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new RationaleStoreException(source, "norms JSON lacks \"" + field + "\"");
    }
    return v;
  }

  private static Map<Cue, Stat> readStats(JsonNode o, String source) {
    Map<Cue, Stat> m = new EnumMap<>(Cue.class);
    for (Cue c : Cue.values()) {
      JsonNode e = o.get(c.key());
      if (e != null) {
        m.put(c, new Stat(num(e.get("mean")), num(e.get("sd")), e.path("n").asInt()));
      }
    }
    return m;
  }

  private static double num(JsonNode n) {
    return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CueNorms n
        && n.scope == scope
        && n.minClipsPerSpeaker == minClipsPerSpeaker
        && n.corpus.equals(corpus)
        && n.speakers.equals(speakers);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scope, minClipsPerSpeaker, corpus, speakers);
  }
}
