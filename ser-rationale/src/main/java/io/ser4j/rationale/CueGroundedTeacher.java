package io.ser4j.rationale;

import io.ser4j.core.Cue;
import io.ser4j.core.Label;
import io.ser4j.core.TeacherException;
import io.ser4j.rationale.Claim.Direction;
import io.ser4j.rationale.Claim.Strength;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline, cue-grounded teacher: writes an English rationale from the clip's measured cues
 * relative to the reference norms and from the transcript's words. No LLM, no network.
 *
 * <p>Every acoustic statement comes from a cue's {@link CueLevel} through a template that states
 * exactly that level (VERY_HIGH &rarr; "very high", HIGH &rarr; plain "raised"), so it is true of
 * the clip by construction, and {@link FaithfulnessChecker} confirms it. The 2&ndash;4 most salient
 * statements (largest |z|) are chosen; voice-quality words (breathy, tense, creaky, trembling) are
 * used only when the checker's proxy rule supports them, and the contour only when the slope passes
 * {@link FaithfulnessChecker#CONTOUR_MIN_ST_PER_S}. When fewer than two cues are marked, typical
 * cues are described as typical. The words: a small lexicon of emotional English words ({@link
 * #EMOTION_WORDS}); when none occurs the rationale says the words are neutral. Annotators' labels
 * other than the majority are acknowledged ("some listeners also heard sadness").
 *
 * <p>Deterministic: the phrasing is drawn from a {@link SplittableRandom} seeded by a 64-bit hash
 * of (seed, utterance id), so the same input gives the same text in any JVM. Templates are versioned
 * by {@link #VERSION}; change it whenever a template changes. Immutable and thread-safe.
 */
public final class CueGroundedTeacher implements Teacher {
  /** Teacher name. */
  public static final String NAME = "cue-grounded";
  /** Template version; part of every stored rationale's key. */
  public static final String VERSION = "cue-grounded-v1";
  /** Most statements per rationale. */
  public static final int MAX_STATEMENTS = 4;
  /** Fewest statements per rationale (typical cues fill up when fewer are marked). */
  public static final int MIN_STATEMENTS = 2;

  /**
   * The emotion-word lexicon: word &rarr; the label it suggests. Deliberately tiny and documented
   * (docs/rationales.md); matched on whole lower-cased words of the transcript.
   */
  public static final Map<String, String> EMOTION_WORDS =
      Map.ofEntries(
          Map.entry("angry", "anger"), Map.entry("furious", "anger"), Map.entry("hate", "anger"),
          Map.entry("damn", "anger"), Map.entry("stupid", "anger"), Map.entry("mad", "anger"),
          Map.entry("happy", "happiness"), Map.entry("glad", "happiness"), Map.entry("great", "happiness"),
          Map.entry("wonderful", "happiness"), Map.entry("love", "happiness"), Map.entry("yay", "happiness"),
          Map.entry("sad", "sadness"), Map.entry("sorry", "sadness"), Map.entry("miss", "sadness"),
          Map.entry("cry", "sadness"), Map.entry("lost", "sadness"), Map.entry("alone", "sadness"),
          Map.entry("afraid", "fear"), Map.entry("scared", "fear"), Map.entry("help", "fear"),
          Map.entry("terrified", "fear"), Map.entry("danger", "fear"),
          Map.entry("disgusting", "disgust"), Map.entry("gross", "disgust"), Map.entry("yuck", "disgust"),
          Map.entry("boring", "boredom"), Map.entry("bored", "boredom"), Map.entry("whatever", "boredom"),
          Map.entry("wow", "surprise"), Map.entry("really", "surprise"));

  private static final Pattern WORD = Pattern.compile("\\p{L}+(?:'\\p{L}+)?");

  private final long seed;

  private CueGroundedTeacher(long seed) {
    this.seed = seed;
  }

  /** A teacher drawing its phrasing with {@code seed}. */
  public static CueGroundedTeacher create(long seed) {
    return new CueGroundedTeacher(seed);
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  @Override
  public TeacherInfo info() {
    return new TeacherInfo(NAME, VERSION);
  }

  /** One acoustic statement to make. */
  private record Statement(Aspect aspect, Direction direction, Strength strength, double salience) {}

  @Override
  public Rationale teach(TeachingInput in) {
    if (in.label() == null) {
      throw new TeacherException(in.utteranceId(), "no majority label to explain");
    }
    SplittableRandom rnd = new SplittableRandom(mix(seed, in.utteranceId()));
    Map<Cue, RelativeCue> p = in.relative();
    List<Statement> marked = new ArrayList<>();
    for (Aspect a : List.of(Aspect.PITCH_LEVEL, Aspect.PITCH_RANGE, Aspect.LOUDNESS, Aspect.SPEECH_RATE, Aspect.PAUSES)) {
      RelativeCue r = p.get(a.backingCues().get(0));
      if (r != null && r.level() != CueLevel.UNDEFINED && r.level() != CueLevel.TYPICAL) {
        marked.add(new Statement(a, r.level().isHigh() ? Direction.HIGH : Direction.LOW,
            r.level().isExtreme() ? Strength.STRONG : Strength.MODERATE, Math.abs(r.z())));
      }
    }
    RelativeCue slope = p.get(Cue.F0_SLOPE_SEMITONES_PER_S);
    if (slope != null && slope.level() != CueLevel.UNDEFINED && slope.level() != CueLevel.TYPICAL
        && Math.abs(slope.value()) >= FaithfulnessChecker.CONTOUR_MIN_ST_PER_S
        && Math.signum(slope.value()) == Math.signum(slope.z())) {
      marked.add(new Statement(Aspect.PITCH_CONTOUR, slope.value() > 0 ? Direction.HIGH : Direction.LOW,
          Strength.MODERATE, Math.abs(slope.z()) * 0.8));
    }
    FaithfulnessChecker checker = FaithfulnessChecker.create();
    for (Aspect a : List.of(Aspect.BREATHY, Aspect.TENSE, Aspect.CREAKY, Aspect.TREMBLING)) {
      Claim probe = new Claim(a, Direction.HIGH, Strength.MODERATE, false, "", 0, 0);
      if (checker.check(probe, p).verdict() == Verdict.CONSISTENT) {
        double sal = 0;
        for (Cue c : a.backingCues()) {
          sal = Math.max(sal, Math.abs(p.get(c).z()));
        }
        marked.add(new Statement(a, Direction.HIGH, Strength.MODERATE, sal * 0.9));
      }
    }
    marked.sort(Comparator.comparingDouble(Statement::salience).reversed());
    int want = MIN_STATEMENTS + rnd.nextInt(MAX_STATEMENTS - MIN_STATEMENTS + 1);
    List<Statement> chosen = new ArrayList<>(marked.subList(0, Math.min(want, marked.size())));
    for (Aspect a : List.of(Aspect.PITCH_LEVEL, Aspect.LOUDNESS, Aspect.SPEECH_RATE)) {
      if (chosen.size() >= MIN_STATEMENTS) {
        break;
      }
      RelativeCue r = p.get(a.backingCues().get(0));
      if (r != null && r.level() == CueLevel.TYPICAL && chosen.stream().noneMatch(s -> s.aspect() == a)) {
        chosen.add(new Statement(a, Direction.TYPICAL, Strength.MODERATE, 0));
      }
    }
    String ref = reference(p);
    List<String> phrases = new ArrayList<>();
    int nounPhrases = 0;
    for (Statement s : chosen) {
      String ph = phrase(s, rnd);
      boolean clause = ph.startsWith("the ");
      if (!clause) {
        ph = (nounPhrases++ > 0 ? "one hears " : s.aspect() == Aspect.PAUSES ? "the speech has " : "the voice has ") + ph;
      }
      phrases.add(ph);
    }
    StringBuilder text = new StringBuilder();
    if (phrases.isEmpty()) {
      text.append("The measured cues of this clip are undefined, so the voice gives little to go on.");
    } else {
      text.append(pick(rnd, "Compared with " + ref + ", ", "Relative to " + ref + ", ", "Against " + ref + ", "));
      text.append(join(phrases.subList(0, Math.min(2, phrases.size()))));
      text.append('.');
      if (phrases.size() > 2) {
        String rest = join(phrases.subList(2, phrases.size()));
        text.append(' ').append(pick(rnd, "In addition, ", "Also, ", "On top of that, ")).append(rest).append('.');
      }
    }
    text.setCharAt(0, Character.toUpperCase(text.charAt(0)));
    text.append(' ').append(words(in.transcript(), rnd));
    String label = in.label().name();
    text.append(' ').append(pick(rnd,
        "Together this points to " + label + ".",
        "Taken together, this sounds like " + label + ".",
        "This profile fits " + label + "."));
    Set<String> minority = new LinkedHashSet<>();
    for (Label l : in.annotations()) {
      if (!l.equals(in.label())) {
        minority.add(l.name());
      }
    }
    if (!minority.isEmpty()) {
      text.append(' ').append(pick(rnd, "Some listeners also heard ", "A few listeners heard "))
          .append(joinAnd(new ArrayList<>(minority))).append('.');
    }
    return new Rationale(in.utteranceId(), text.toString(), in.label(), NAME, VERSION, seed);
  }

  private static String reference(Map<Cue, RelativeCue> p) {
    RelativeCue r = p.get(Cue.F0_MEAN_HZ);
    return r != null && r.reference().startsWith("speaker") ? "this speaker's usual voice" : "the corpus average";
  }

  /** The template for one statement; each phrasing states exactly the statement's level. */
  private static String phrase(Statement s, SplittableRandom rnd) {
    boolean strong = s.strength() == Strength.STRONG;
    boolean hi = s.direction() == Direction.HIGH;
    return switch (s.aspect()) {
      case PITCH_LEVEL -> switch (s.direction()) {
        case TYPICAL -> pick(rnd, "the voice keeps an average pitch", "the pitch stays at a typical pitch level");
        case HIGH -> strong
            ? pick(rnd, "the pitch is very high", "the pitch is strikingly high", "a markedly raised pitch")
            : pick(rnd, "the pitch is raised", "the voice has a higher pitch", "a noticeably elevated pitch");
        case LOW -> strong
            ? pick(rnd, "the pitch is very low", "a markedly lowered pitch", "the pitch is strikingly low")
            : pick(rnd, "the pitch is lowered", "the voice has a lower pitch", "the pitch sits low");
      };
      case PITCH_RANGE -> hi
          ? (strong
              ? pick(rnd, "a very wide pitch range", "extremely animated intonation", "a strikingly wide pitch range")
              : pick(rnd, "the pitch varies widely", "a wide pitch range", "lively intonation"))
          : (strong
              ? pick(rnd, "a very narrow pitch range", "a strikingly monotone delivery", "very little pitch variation")
              : pick(rnd, "a narrow pitch range", "a rather monotone delivery", "little pitch variation"));
      case PITCH_CONTOUR -> hi
          ? pick(rnd, "the pitch rises over the sentence", "a rising intonation")
          : pick(rnd, "the pitch falls over the sentence", "a falling intonation");
      case LOUDNESS -> switch (s.direction()) {
        case TYPICAL -> pick(rnd, "an ordinary loudness", "a typical volume");
        case HIGH -> strong
            ? pick(rnd, "the voice is very loud", "the speaker is extremely loud", "a markedly high volume")
            : pick(rnd, "the voice is loud", "the speaker talks loudly", "a raised volume");
        case LOW -> strong
            ? pick(rnd, "the voice is very quiet", "the speaker is extremely soft", "a markedly low volume")
            : pick(rnd, "the voice is quiet", "the speaker talks softly", "a reduced volume");
      };
      case SPEECH_RATE -> switch (s.direction()) {
        case TYPICAL -> pick(rnd, "a moderate tempo", "an average pace");
        case HIGH -> strong
            ? pick(rnd, "the tempo is very fast", "the speaker talks extremely quickly", "a very rapid pace")
            : pick(rnd, "the tempo is fast", "the speaker talks quickly", "a rapid pace");
        case LOW -> strong
            ? pick(rnd, "the tempo is very slow", "the speaker talks extremely slowly", "a strikingly slow pace")
            : pick(rnd, "the tempo is slow", "the speaker talks slowly", "an unhurried pace");
      };
      case PAUSES -> hi
          ? (strong
              ? pick(rnd, "very long pauses", "the delivery is extremely halting")
              : pick(rnd, "long pauses", "a hesitant delivery", "a halting delivery"))
          : (strong
              ? pick(rnd, "very few pauses", "an extremely fluent delivery")
              : pick(rnd, "few pauses", "a fluent delivery", "short pauses"));
      case BREATHY -> pick(rnd, "the voice sounds breathy", "some breathiness in the voice");
      case TENSE -> pick(rnd, "the voice sounds tense", "the voice sounds pressed and strained");
      case CREAKY -> pick(rnd, "the voice turns creaky", "the voice sounds creaky");
      case TREMBLING -> pick(rnd, "the voice sounds shaky", "the voice trembles");
    };
  }

  private static String words(String transcript, SplittableRandom rnd) {
    if (transcript.isBlank()) {
      return pick(rnd, "Without a transcript, only the voice can be judged.", "No transcript is available, so the voice alone decides.");
    }
    Matcher m = WORD.matcher(transcript.toLowerCase(Locale.ROOT));
    while (m.find()) {
      String emo = EMOTION_WORDS.get(m.group());
      if (emo != null) {
        return pick(rnd,
            "The words themselves suggest " + emo + " (\"" + m.group() + "\").",
            "The wording adds to this: \"" + m.group() + "\" suggests " + emo + ".");
      }
    }
    return pick(rnd,
        "The words themselves are neutral, so the voice carries the emotion.",
        "The sentence \"" + transcript.strip().replace("\"", "'") + "\" is emotionally neutral, so the voice decides.",
        "Nothing in the wording is emotional; the evidence is in the voice.");
  }

  private static String join(List<String> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    String sep = parts.size() == 2 ? " and " : ", and ";
    return String.join(", ", parts.subList(0, parts.size() - 1)) + sep + parts.get(parts.size() - 1);
  }

  private static String joinAnd(List<String> parts) {
    return parts.size() == 1 ? parts.get(0) : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }

  @SafeVarargs
  private static <T> T pick(SplittableRandom rnd, T... options) {
    return options[rnd.nextInt(options.length)];
  }

  /** A 64-bit hash of (seed, id): FNV-1a over the UTF-8 bytes, then SplitMix64's finaliser. */
  static long mix(long seed, String id) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
