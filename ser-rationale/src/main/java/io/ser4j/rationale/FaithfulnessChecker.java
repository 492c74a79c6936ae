package io.ser4j.rationale;

import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.rationale.Claim.Direction;
import io.ser4j.rationale.Claim.Strength;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the acoustic claims of a free-English rationale and checks each against a clip's cues
 * relative to reference norms.
 *
 * <p><b>Extraction</b> is lexicon/regex based (the full lexicon is in {@code docs/rationales.md}):
 * text in double quotes (straight or curly) is ignored, so quoted transcripts never produce claims;
 * each rule maps a phrase ("raised pitch", "pitch is very high", "monotone", "speaks quickly", "long
 * pauses", "breathy", ...) to an {@link Aspect} and a {@link Direction}; overlapping matches keep the
 * longest. A claim is <em>negated</em> when the phrase contains {@code not/never/n't/hardly/barely}
 * or one of the three words before it (within its clause: no punctuation, "and", "but", "while" in
 * between) is {@code not, no, never, without, hardly, barely, neither, nor} or ends in {@code n't}.
 * Strength: STRONG for {@code very, extremely, markedly, strikingly, ...}, WEAK for {@code slightly,
 * somewhat, a bit, a little, mildly}, in the phrase or the two words before it.
 *
 * <p><b>Verdicts</b> (levels from {@link CueLevel}): a MODERATE high claim holds when the backing
 * cue is HIGH or VERY_HIGH, a STRONG one only at VERY_HIGH, a WEAK one when z &gt; 0 (low claims
 * mirrored); a TYPICAL claim holds at TYPICAL. A claim that holds is consistent, otherwise
 * contradicted; a negated claim is consistent exactly when the plain claim does not hold. The
 * contour is judged on the raw slope: rising holds at &ge; {@value #CONTOUR_MIN_ST_PER_S} st/s
 * (STRONG: &ge; {@value #CONTOUR_STRONG_ST_PER_S}), falling mirrored. Voice qualities are only
 * proxied by the measured cues, so they are consistent when the proxies support them, contradicted
 * only when the proxies clearly speak against them, and unverifiable otherwise (see {@link Aspect}
 * and the docs). Any claim whose backing cue is undefined is unverifiable.
 *
 * <p>Immutable and thread-safe.
 */
public final class FaithfulnessChecker {
  /** Slope from which a contour counts as rising (falling: the negative), in semitones per second. */
  public static final double CONTOUR_MIN_ST_PER_S = 1.0;
  /** Slope from which a contour counts as steeply rising/falling, in semitones per second. */
  public static final double CONTOUR_STRONG_ST_PER_S = 4.0;

  private static final Set<String> STRONG =
      Set.of("very", "extremely", "markedly", "strikingly", "exceptionally", "remarkably",
          "unusually", "highly", "especially", "strongly", "really", "steeply", "sharply",
          "dramatically");
  private static final Set<String> WEAK =
      Set.of("slightly", "somewhat", "mildly", "marginally", "bit", "little", "touch");
  private static final Set<String> NEGATORS_BEFORE =
      Set.of("not", "no", "never", "without", "hardly", "barely", "neither", "nor");
  private static final Set<String> NEGATORS_INSIDE = Set.of("not", "never", "hardly", "barely");
  private static final Set<String> CLAUSE_BREAKS = Set.of("and", "but", "while", "though", "although", "yet");

  private static final String COP =
      "(?:is|was|are|were|sounds|seems|stays|remains|sits|gets|becomes|'s)\\s+(?:[a-z']+\\s+){0,2}?";
  private static final String PITCH = "(?:pitch|f0|fundamental frequency)";
  private static final String INTON = "(?:pitch|intonation|melody|prosody|f0)";
  private static final String LOUD_N = "(?:loudness|volume|intensity|vocal effort)";
  private static final String RATE_N =
      "(?:speech rate|speaking rate|rate of speech|articulation rate|tempo|pace)";
  private static final String TYPICAL_ADJ = "(?:typical|usual|normal|average|ordinary|moderate|medium)";

  private record Rule(Pattern pattern, Aspect aspect, Direction direction) {}

  private static final List<Rule> RULES = new ArrayList<>();

  private static void rule(Aspect a, Direction d, String regex) {
    RULES.add(new Rule(Pattern.compile("\\b" + regex + "\\b"), a, d));
  }

  static {
    // pitch level
    rule(Aspect.PITCH_LEVEL, Direction.HIGH,
        "(?:high|higher|raised|elevated|heightened)(?:-|\\s+)(?:pitch(?:ed)?|f0|fundamental frequency)");
    rule(Aspect.PITCH_LEVEL, Direction.HIGH, PITCH + "\\s+(?:level\\s+)?" + COP + "(?:high|higher|raised|elevated)");
    rule(Aspect.PITCH_LEVEL, Direction.HIGH, "shrill");
    rule(Aspect.PITCH_LEVEL, Direction.LOW,
        "(?:low|lower|lowered|deep|deeper)(?:-|\\s+)(?:pitch(?:ed)?|f0|fundamental frequency)");
    rule(Aspect.PITCH_LEVEL, Direction.LOW, "deep(?:er)? voice");
    rule(Aspect.PITCH_LEVEL, Direction.LOW, PITCH + "\\s+(?:level\\s+)?" + COP + "(?:low|lower|lowered|deep)");
    rule(Aspect.PITCH_LEVEL, Direction.TYPICAL, TYPICAL_ADJ + "\\s+pitch(?:\\s+level)?");
    // pitch range
    rule(Aspect.PITCH_RANGE, Direction.HIGH,
        "(?:wide|wider|broad|large|expanded|expansive)\\s+(?:pitch|f0|intonation)\\s+range");
    rule(Aspect.PITCH_RANGE, Direction.HIGH, "(?:pitch|f0)\\s+range\\s+" + COP + "(?:wide|wider|broad|large|expanded)");
    rule(Aspect.PITCH_RANGE, Direction.HIGH,
        "(?:lively|animated|expressive|varied|dynamic|melodic|sing-?song)\\s+" + INTON);
    rule(Aspect.PITCH_RANGE, Direction.HIGH, "(?:widely\\s+|strongly\\s+)?varying\\s+" + INTON);
    rule(Aspect.PITCH_RANGE, Direction.HIGH, INTON + "\\s+(?:varies|moves|swings|jumps)(?:\\s+(?:a lot|widely|strongly|greatly))?");
    rule(Aspect.PITCH_RANGE, Direction.HIGH,
        "(?:much|lots of|a lot of|large|strong|considerable)\\s+(?:pitch|f0)\\s+(?:variation|movement|variability)");
    rule(Aspect.PITCH_RANGE, Direction.LOW,
        "(?:narrow|narrower|small|compressed|restricted|limited)\\s+(?:pitch|f0|intonation)\\s+range");
    rule(Aspect.PITCH_RANGE, Direction.LOW,
        "(?:pitch|f0)\\s+range\\s+" + COP + "(?:narrow|narrower|small|compressed|restricted|limited)");
    rule(Aspect.PITCH_RANGE, Direction.LOW, "monoton(?:e|ous|ously|y)");
    rule(Aspect.PITCH_RANGE, Direction.LOW, "(?:flat|level|unvaried)\\s+" + INTON);
    rule(Aspect.PITCH_RANGE, Direction.LOW, INTON + "\\s+" + COP + "(?:flat|unvaried)");
    rule(Aspect.PITCH_RANGE, Direction.LOW, "(?:little|less|minimal)\\s+(?:pitch|f0)\\s+(?:variation|movement)");
    rule(Aspect.PITCH_RANGE, Direction.TYPICAL, TYPICAL_ADJ + "\\s+(?:pitch|f0|intonation)\\s+(?:range|variation)");
    // contour
    rule(Aspect.PITCH_CONTOUR, Direction.HIGH, "(?:rising|upward|rise in)\\s+" + "(?:pitch|intonation|contour|f0|melody)");
    rule(Aspect.PITCH_CONTOUR, Direction.HIGH,
        "(?:pitch|intonation|contour|f0|melody)\\s+(?:rises|goes up|climbs|is rising|moves up)");
    rule(Aspect.PITCH_CONTOUR, Direction.LOW,
        "(?:falling|downward|descending|dropping|fall in|drop in)\\s+(?:pitch|intonation|contour|f0|melody)");
    rule(Aspect.PITCH_CONTOUR, Direction.LOW,
        "(?:pitch|intonation|contour|f0|melody)\\s+(?:falls|drops|goes down|sinks|descends|declines|is falling)");
    // loudness
    rule(Aspect.LOUDNESS, Direction.HIGH, "loud(?:ly|er)?");
    rule(Aspect.LOUDNESS, Direction.HIGH, "(?:high|raised|elevated|increased|great)\\s+" + LOUD_N);
    rule(Aspect.LOUDNESS, Direction.HIGH, LOUD_N + "\\s+" + COP + "(?:high|raised|elevated|increased)");
    rule(Aspect.LOUDNESS, Direction.LOW, "(?:quiet(?:ly|er)?|soft(?:ly|er)?|hushed|faint)");
    rule(Aspect.LOUDNESS, Direction.LOW, "(?:low|reduced|lowered)\\s+" + LOUD_N);
    rule(Aspect.LOUDNESS, Direction.LOW, LOUD_N + "\\s+" + COP + "(?:low|reduced|lowered)");
    rule(Aspect.LOUDNESS, Direction.TYPICAL, TYPICAL_ADJ + "\\s+" + LOUD_N);
    // speech rate
    rule(Aspect.SPEECH_RATE, Direction.HIGH,
        "(?:fast|faster|quick|quicker|quickly|rapid|rapidly|hurried|hurriedly|rushed|brisk|briskly)");
    rule(Aspect.SPEECH_RATE, Direction.HIGH, "(?:high|elevated|increased)\\s+" + RATE_N);
    rule(Aspect.SPEECH_RATE, Direction.HIGH, RATE_N + "\\s+" + COP + "(?:high|elevated|increased)");
    rule(Aspect.SPEECH_RATE, Direction.LOW,
        "(?:slow|slower|slowly|unhurried|leisurely|sluggish|drawn-out|drawn out|drawling)");
    rule(Aspect.SPEECH_RATE, Direction.LOW, "(?:low|reduced)\\s+" + RATE_N);
    rule(Aspect.SPEECH_RATE, Direction.LOW, RATE_N + "\\s+" + COP + "(?:low|reduced)");
    rule(Aspect.SPEECH_RATE, Direction.TYPICAL, TYPICAL_ADJ + "\\s+" + RATE_N);
    // pauses
    rule(Aspect.PAUSES, Direction.HIGH,
        "(?:long|longer|lengthy|frequent|many|several|extended|noticeable)\\s+(?:pauses|pause|silences|gaps)");
    rule(Aspect.PAUSES, Direction.HIGH, "(?:hesitant|hesitantly|hesitating|hesitation|hesitations|halting|haltingly|choppy)");
    rule(Aspect.PAUSES, Direction.LOW, "(?:few|short|brief|no|rare)\\s+(?:pauses|pausing|silences|gaps)");
    rule(Aspect.PAUSES, Direction.LOW, "(?:fluent|fluently|uninterrupted|unbroken)");
    rule(Aspect.PAUSES, Direction.LOW, "without (?:pausing|pauses|a pause)");
    // voice quality
    rule(Aspect.BREATHY, Direction.HIGH, "(?:breathy|breathier|breathiness|airy)");
    rule(Aspect.TENSE, Direction.HIGH, "(?:tense|tenser|pressed|strained|constricted|tight voice|vocal tension)");
    rule(Aspect.CREAKY, Direction.HIGH, "(?:creaky|creak|creakiness|vocal fry|glottal fry)");
    rule(Aspect.TREMBLING, Direction.HIGH,
        "(?:trembling|tremble|trembles|tremulous|shaky|shaking|quavering|quivering|wavering|tremor)");
  }

  private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|\u201c[^\u201d]*\u201d");
  private static final Pattern WORD = Pattern.compile("[a-z']+");

  private FaithfulnessChecker() {}

  /** The checker (stateless). */
  public static FaithfulnessChecker create() {
    return new FaithfulnessChecker();
  }

  /**
   * The acoustic claims of {@code text}, in text order.
   *
   * @param text any English text (may be empty)
   */
  public List<Claim> extractClaims(String text) {
    Objects.requireNonNull(text, "text");
    String lower = text.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
    Matcher q = QUOTED.matcher(lower);
    StringBuilder sb = new StringBuilder(lower);
    while (q.find()) {
      for (int i = q.start(); i < q.end(); i++) {
        sb.setCharAt(i, ' ');
      }
    }
    String s = sb.toString();
    List<int[]> found = new ArrayList<>(); // start, end, rule index
    for (int r = 0; r < RULES.size(); r++) {
      Matcher m = RULES.get(r).pattern().matcher(s);
      while (m.find()) {
        found.add(new int[] {m.start(), m.end(), r});
      }
    }
    found.sort(Comparator.<int[]>comparingInt(a -> a[0]).thenComparingInt(a -> -(a[1] - a[0])));
    List<Claim> claims = new ArrayList<>();
    int taken = -1;
    for (int[] f : found) {
      if (f[0] < taken) {
        continue;
      }
      taken = f[1];
      Rule rule = RULES.get(f[2]);
      String phrase = s.substring(f[0], f[1]);
      List<String> before = wordsBefore(s, f[0], 3);
      boolean negated = false;
      for (String w : words(phrase)) {
        negated |= NEGATORS_INSIDE.contains(w) || w.endsWith("n't");
      }
      for (String w : before) {
        negated |= NEGATORS_BEFORE.contains(w) || w.endsWith("n't");
      }
      Strength strength = Strength.MODERATE;
      List<String> mods = new ArrayList<>(words(phrase));
      mods.addAll(before.subList(Math.max(0, before.size() - 2), before.size()));
      for (String w : mods) {
        if (STRONG.contains(w)) {
          strength = Strength.STRONG;
        } else if (WEAK.contains(w) && strength != Strength.STRONG) {
          strength = Strength.WEAK;
        }
      }
      claims.add(
          new Claim(rule.aspect(), rule.direction(), strength, negated, text.substring(f[0], f[1]), f[0], f[1]));
    }
    return claims;
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    Matcher m = WORD.matcher(s);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Up to {@code n} words before {@code pos} within the same clause, in text order. */
  private static List<String> wordsBefore(String s, int pos, int n) {
    int i = pos;
    while (i > 0 && ".,;:!?()\n".indexOf(s.charAt(i - 1)) < 0) {
      i--;
    }
    List<String> ws = words(s.substring(i, pos));
    int from = 0;
    for (int k = 0; k < ws.size(); k++) {
      if (CLAUSE_BREAKS.contains(ws.get(k))) {
        from = k + 1;
      }
    }
    ws = ws.subList(from, ws.size());
    return ws.subList(Math.max(0, ws.size() - n), ws.size());
  }

  /**
   * Checks every claim of {@code text} against the clip's cues relative to {@code norms} for
   * {@code speaker}.
   */
  public FaithfulnessReport check(String text, Cues cues, CueNorms norms, String speaker) {
    return check(text, norms.profile(speaker, cues));
  }

  /**
   * Checks every claim of {@code text} against a clip's relative cues ({@link CueNorms#profile}).
   */
  public FaithfulnessReport check(String text, Map<Cue, RelativeCue> profile) {
    Objects.requireNonNull(profile, "profile");
    List<CheckedClaim> out = new ArrayList<>();
    for (Claim c : extractClaims(text)) {
      out.add(check(c, profile));
    }
    return new FaithfulnessReport(text, out);
  }

  /** The verdict on one claim. */
  public CheckedClaim check(Claim c, Map<Cue, RelativeCue> profile) {
    StringBuilder ev = new StringBuilder();
    for (Cue cue : c.aspect().backingCues()) {
      RelativeCue r = profile.get(cue);
      if (ev.length() > 0) {
        ev.append("; ");
      }
      if (r == null) {
        ev.append(cue.key()).append(" not measured");
      } else {
        ev.append(String.format(Locale.ROOT, "%s=%.4g z=%.2f %s (%s)", cue.key(), r.value(), r.z(), r.level(), r.reference()));
      }
    }
    Boolean holds = holds(c, profile);
    Verdict v;
    if (holds == null) {
      v = Verdict.UNVERIFIABLE;
    } else {
      v = holds != c.negated() ? Verdict.CONSISTENT : Verdict.CONTRADICTED;
    }
    return new CheckedClaim(c, v, ev.toString());
  }

  /**
   * Whether the un-negated claim holds: TRUE, FALSE, or null when undecidable. For voice qualities,
   * TRUE when the proxies support it, FALSE when they clearly speak against it, else null.
   */
  private static Boolean holds(Claim c, Map<Cue, RelativeCue> p) {
    for (Cue cue : c.aspect().backingCues()) {
      RelativeCue r = p.get(cue);
      if (r == null || r.level() == CueLevel.UNDEFINED) {
        return null;
      }
    }
    switch (c.aspect()) {
      case PITCH_CONTOUR -> {
        double slope = p.get(Cue.F0_SLOPE_SEMITONES_PER_S).value();
        double signed = c.direction() == Direction.LOW ? -slope : slope;
        return switch (c.direction()) {
          case TYPICAL -> Math.abs(slope) < CONTOUR_MIN_ST_PER_S;
          default -> switch (c.strength()) {
            case WEAK -> signed > 0;
            case MODERATE -> signed >= CONTOUR_MIN_ST_PER_S;
            case STRONG -> signed >= CONTOUR_STRONG_ST_PER_S;
          };
        };
      }
      case BREATHY -> {
        CueLevel hnr = p.get(Cue.HNR_DB).level();
        return hnr.isLow() ? Boolean.TRUE : hnr == CueLevel.VERY_HIGH ? Boolean.FALSE : null;
      }
      case TENSE -> {
        RelativeCue ham = p.get(Cue.HAMMARBERG_INDEX_DB);
        RelativeCue alpha = p.get(Cue.ALPHA_RATIO_DB);
        if (ham.level().isLow() && alpha.z() < 0) {
          return true;
        }
        return ham.level() == CueLevel.VERY_HIGH ? Boolean.FALSE : null;
      }
      case CREAKY -> {
        CueLevel f0 = p.get(Cue.F0_MEAN_HZ).level();
        CueLevel jit = p.get(Cue.JITTER_LOCAL).level();
        if (f0.isLow() && jit.isHigh()) {
          return true;
        }
        return f0 == CueLevel.VERY_HIGH || jit == CueLevel.VERY_LOW ? Boolean.FALSE : null;
      }
      case TREMBLING -> {
        CueLevel jit = p.get(Cue.JITTER_LOCAL).level();
        CueLevel shim = p.get(Cue.SHIMMER_LOCAL).level();
        if (jit.isHigh() && shim.isHigh()) {
          return true;
        }
        return jit == CueLevel.VERY_LOW && shim == CueLevel.VERY_LOW ? Boolean.FALSE : null;
      }
      default -> {
        return levelHolds(c.direction(), c.strength(), p.get(c.aspect().backingCues().get(0)));
      }
    }
  }

  /** Whether a level claim in {@code d} with {@code s} holds for {@code r} (defined). */
  static boolean levelHolds(Direction d, Strength s, RelativeCue r) {
    CueLevel l = r.level();
    return switch (d) {
      case TYPICAL -> l == CueLevel.TYPICAL;
      case HIGH -> switch (s) {
        case WEAK -> r.z() > 0;
        case MODERATE -> l.isHigh();
        case STRONG -> l == CueLevel.VERY_HIGH;
      };
      case LOW -> switch (s) {
        case WEAK -> r.z() < 0;
        case MODERATE -> l.isLow();
        case STRONG -> l == CueLevel.VERY_LOW;
      };
    };
  }
}
