package io.ser4j.model.speechlm;

import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.LogMelSpectrogram;
import io.ser4j.audio.Resampler;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.ModelLoadException;
import io.ser4j.core.Recognition;
import io.ser4j.core.RecognitionException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.model.baseline.BaselineFeatures;
import io.ser4j.model.baseline.BaselineRecognizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes emotion with a local Qwen2-Audio–layout checkpoint ({@link SpeechLm}), producing
 * <b>transcript → label → rationale</b> as specified in {@code docs/speechlm-format.md}.
 *
 * <p>Pipeline per clip:
 *
 * <ol>
 *   <li>resample to 16 kHz; reject clips longer than the encoder's window ({@code 2 *
 *       max_source_positions} mel frames, 30 s for real checkpoints) or {@link
 *       SpeechLmOptions#maxAudioSeconds()} with an {@link AudioFormatException} naming the clip, its
 *       duration and the limit. Long audio is never truncated silently and not chunked (split it
 *       first);
 *   <li>Whisper log-mel ({@code num_mel_bins} of the config) → {@link SpeechLm#encodeAudio}; a
 *       model with a cue prefix ({@link SpeechLmConfig.CuePrefix}) also gets the clip's {@link
 *       BaselineFeatures} vector, computed on the clip as given (its own rate, as {@code
 *       BaselineRecognizer} and the trainer do), and the cues of that analysis become the
 *       recognition's cues (no second cue extraction);
 *   <li>prompt: {@link ChatTemplate#audioPrompt} with the system prompt and the {@code Labels:} line
 *       of the candidates (plus the {@code Cues:} line when {@link SpeechLmOptions#promptCues()});
 *   <li><b>transcript phase</b>: decode (greedy, or seeded sampling) until the answer so far ends
 *       with a line {@code Emotion:}. If the model instead ends its turn, runs out of tokens or emits
 *       a token that runs past the colon, the label position is <b>forced</b>: the answer prefix
 *       becomes {@code "Transcript: <parsed transcript>\nEmotion:"} (see {@link
 *       Result#labelPositionForced()});
 *   <li><b>label</b>: {@link LabelScorer} scores {@code " " + c + "\n"} for every candidate at that
 *       position; the distribution is the softmax over the candidates, the label its argmax (always a
 *       candidate, whatever the model would have generated). The prompt is prefilled once per clip:
 *       scoring and the rationale continue the decoding {@link KvCache} (rolled back to the prompt
 *       with {@link KvCache#truncate} when the label position is forced);
 *   <li><b>rationale phase</b>: the chosen label's tokens are appended and decoding continues until a
 *       stop token ({@code <|im_end|>}, {@code <|endoftext|>} or the config's) or the token limit;
 *   <li>the answer text (transcript phase + label + rationale phase) is parsed with {@link
 *       AnswerFormat#parse}; transcript and rationale come from the parse, the label and the
 *       probabilities from the scorer.
 * </ol>
 *
 * <p>Tokenizers without the format's words (e.g. the tiny test vocabularies, where out-of-vocabulary
 * words become {@code <unk>}) still work: generation and scoring operate on token ids; only when two
 * candidate labels tokenize identically can they not be told apart, which is reported as a {@link
 * RecognitionException}.
 *
 * <p>Thread-safety: {@link #recognize} and {@link #analyze} are {@code synchronized}: one clip at a
 * time per instance (the model's native weights are shared, per-call state is not). For parallel
 * throughput open several instances. {@link #close()} frees the native weights.
 */
public final class SpeechLmRecognizer implements Recognizer {
  /** Sample rate the audio encoder expects. */
  public static final int SAMPLE_RATE_HZ = LogMelSpectrogram.SAMPLE_RATE_HZ;

  private static final Pattern EMOTION_KEY =
      Pattern.compile("(?im)^[ \\t*_]*emotion[ \\t*_]*:");

  /**
   * How a clip was answered: the recognition plus the raw answer behind it.
   *
   * @param recognition the result
   * @param answer the full answer text the transcript and rationale were parsed from (transcript
   *     phase, chosen label, rationale phase; special tokens kept, so a stop marker may end it)
   * @param labelPositionForced true when the model did not itself reach {@code Emotion:} and the
   *     prefix was built from the parsed transcript
   * @param labelLogProbs per candidate (in the candidates' order) the summed log-probability of its
   *     tokens at the label position
   * @param promptTokens prompt length in positions (audio frames included)
   * @param generatedTokens tokens generated by the model (both phases, without stop tokens)
   * @param warnings parser warnings
   */
  public record Result(
      Recognition recognition,
      String answer,
      boolean labelPositionForced,
      double[] labelLogProbs,
      int promptTokens,
      int generatedTokens,
      List<String> warnings) {
    /** Defensive copies. */
    public Result {
      labelLogProbs = labelLogProbs.clone();
      warnings = List.copyOf(warnings);
    }

    @Override
    public double[] labelLogProbs() {
      return labelLogProbs.clone();
    }
  }

  private final Path checkpointDir;
  private final SpeechLmOptions options;
  private final SpeechLm model;
  private final SpeechTokenizer tokenizer;
  private final GenerationConfig generation;
  private final LabelScorer scorer;
  private final LogMelSpectrogram mel;
  private final CueExtractor cueExtractor;
  /** The cue-prefix feature extractor, or {@code null} for a model without a cue prefix. */
  private final BaselineFeatures cueFeatures;
  private final int imEnd;
  private final int endOfText;
  private final int maxPositions;
  private final double windowSeconds;
  private Pattern labelKey = EMOTION_KEY;

  private SpeechLmRecognizer(Path dir, SpeechLmOptions options, SpeechLm model,
      SpeechTokenizer tokenizer, GenerationConfig generation) {
    this.checkpointDir = dir;
    this.options = options;
    this.model = model;
    this.tokenizer = tokenizer;
    this.generation = generation;
    this.scorer = new LabelScorer(model, tokenizer);
    this.mel = LogMelSpectrogram.whisper(model.config().audioConfig().numMelBins());
    this.cueExtractor = CueExtractor.create();
    this.cueFeatures = model.config().hasCuePrefix() ? BaselineFeatures.create() : null;
    this.imEnd = tokenizer.specialId(SpeechTokenizer.IM_END);
    this.endOfText = tokenizer.specialId(SpeechTokenizer.ENDOFTEXT);
    this.maxPositions = model.config().textConfig().maxPositionEmbeddings();
    int windowFrames = 2 * model.config().audioConfig().maxSourcePositions();
    this.windowSeconds = windowFrames * (double) LogMelSpectrogram.HOP_LENGTH_SAMPLES / SAMPLE_RATE_HZ;
  }

  /**
   * Loads a checkpoint directory on the options' device ({@link SpeechLmOptions#device()}: a GPU when
   * one is visible and the options say {@code auto}, else the CPU).
   *
   * @param checkpointDir a Qwen2-Audio–layout directory (config.json, safetensors, tokenizer.json)
   * @param options the options
   * @return the recognizer; close it to free the weights
   * @throws ModelLoadException when the directory is not a loadable checkpoint, or the options name
   *     a GPU that is not visible
   */
  public static SpeechLmRecognizer open(Path checkpointDir, SpeechLmOptions options) {
    if (checkpointDir == null || options == null) {
      throw new IllegalArgumentException("checkpointDir and options are required");
    }
    GenerationConfig gen = options.generationConfig() != null
        ? options.generationConfig()
        : GenerationConfig.fromCheckpoint(checkpointDir).build();
    if (gen.strategy() == GenerationConfig.Strategy.BEAM) {
      // a checkpoint asking for beams: the recognizer decodes token by token, so use greedy
      gen = gen.toBuilder().strategy(GenerationConfig.Strategy.GREEDY).build();
    }
    SpeechLm model = SpeechLm.load(checkpointDir, options.device()); // float16 on a GPU
    try {
      checkCueFeatureSet(model.config(), checkpointDir.toString());
      SpeechTokenizer tok = SpeechTokenizer.load(checkpointDir);
      try {
        return new SpeechLmRecognizer(checkpointDir, options, model, tok, gen);
      } catch (RuntimeException e) {
        tok.close();
        throw e;
      }
    } catch (RuntimeException e) {
      model.close();
      if (e instanceof io.ser4j.core.SerException) {
        throw e;
      }
      throw new ModelLoadException(checkpointDir.toString(), e.getMessage(), e);
    }
  }

  /**
   * Checks that a config's cue prefix (if any) is one this recognizer can feed: feature set {@link
   * BaselineFeatures#FEATURE_SET} with {@link BaselineFeatures#dimension()} features.
   *
   * @param config the model's config
   * @param where the checkpoint, for the message
   * @throws ModelLoadException naming the checkpoint, the config's feature set and the supported one
   */
  public static void checkCueFeatureSet(SpeechLmConfig config, String where) {
    SpeechLmConfig.CuePrefix cue = config.cuePrefix();
    if (cue == null) {
      return;
    }
    if (!BaselineFeatures.FEATURE_SET.equals(cue.featureSet())) {
      throw new ModelLoadException(where, SpeechLmConfig.CUE_FEATURE_SET_KEY + " \"" + cue.featureSet()
          + "\" cannot be computed here: only \"" + BaselineFeatures.FEATURE_SET + "\" is supported");
    }
    if (cue.features() != BaselineFeatures.dimension()) {
      throw new ModelLoadException(where, SpeechLmConfig.CUE_FEATURES_KEY + " " + cue.features() + " but "
          + BaselineFeatures.FEATURE_SET + " has " + BaselineFeatures.dimension() + " features");
    }
  }

  /** The checkpoint directory. */
  public Path checkpointDir() {
    return checkpointDir;
  }

  /** The options. */
  public SpeechLmOptions options() {
    return options;
  }

  /** The decoding config in effect (the options' or the checkpoint's). */
  public GenerationConfig generationConfig() {
    return generation;
  }

  /** The loaded model (for inspection, e.g. {@link SpeechLm#residentArrayCount()}). */
  public SpeechLm model() {
    return model;
  }

  /** The longest accepted clip in seconds: the model's window, or the options' limit if smaller. */
  public double maxAudioSeconds() {
    Double o = options.maxAudioSeconds();
    return o == null ? windowSeconds : Math.min(o, windowSeconds);
  }

  /** The checkpoint directory as given; also the {@link Recognition#model()} of every result. */
  @Override
  public String name() {
    return checkpointDir.toString();
  }

  @Override
  public LabelSet labels() {
    return options.labels();
  }

  @Override
  public Recognition recognize(AudioClip clip, LabelSet candidates) {
    return analyze(clip, candidates).recognition();
  }

  /**
   * Recognizes one clip and returns the raw answer with the recognition.
   *
   * @param clip any rate the resampler accepts
   * @param candidates the candidate labels, or {@code null} for {@link #labels()}
   * @return the result
   * @throws AudioFormatException if the clip is empty, too short for one mel frame, or longer than
   *     {@link #maxAudioSeconds()}
   * @throws RecognitionException if two candidates tokenize identically, or the prompt does not fit
   *     the model's {@code max_position_embeddings}
   */
  public synchronized Result analyze(AudioClip clip, LabelSet candidates) {
    LabelSet labels = candidates == null ? options.labels() : candidates;
    if (labels.size() == 0) {
      throw new RecognitionException(name(), "no candidate labels");
    }
    if (clip.isEmpty()) {
      throw new AudioFormatException(clip.sourceId(), "empty clip: no samples to recognize");
    }
    long t0 = System.nanoTime();
    float[] x = clip.samples();
    if (clip.sampleRate() != SAMPLE_RATE_HZ) {
      AudioLoader.checkResamplable(clip.sourceId(), clip.sampleRate(), SAMPLE_RATE_HZ);
      x = Resampler.create(clip.sampleRate(), SAMPLE_RATE_HZ).resample(x);
    }
    checkDuration(clip, x.length);
    long t1 = System.nanoTime();
    float[][] logMel = mel.compute(x);
    Recognizer prior = options.acousticPrior();
    double[] features = null;
    Cues measured = null;
    BaselineFeatures.Result fr = null;
    if (cueFeatures != null) { // one analysis gives the cue prefix's features and the cues
      fr = cueFeatures.extract(clip, false); // the clip as given, as the baseline does
      features = fr.features();
      measured = fr.cues();
    }
    Recognition acoustic;
    if (prior == null) {
      acoustic = null;
    } else if (fr != null && prior instanceof BaselineRecognizer b && !b.includesContour()) {
      acoustic = b.recognize(clip, fr, labels); // the baseline reads the same features: extracted once
    } else {
      acoustic = prior.recognize(clip, labels);
    }
    Cues cues = acoustic != null && acoustic.cues() != null ? acoustic.cues()
        : measured != null ? measured : cueExtractor.extract(clip, false);
    long t2 = System.nanoTime();

    float[][] audio = model.encodeAudio(logMel, features);
    int[] prompt = ChatTemplate.promptIds(tokenizer,
        ChatTemplate.audioPrompt(options.systemPrompt(), instruction(labels, cues)));
    int promptPositions = prompt.length - 1 + audio.length;

    // ---- transcript phase: decode until the answer ends with an "Emotion:" line
    int budget = generation.maxNewTokens();
    Sampler sampler = generation.strategy() == GenerationConfig.Strategy.SAMPLE
        ? Sampler.of(generation, 0) : null;
    int[] gen = new int[budget];
    int n = 0;
    boolean reached = false;
    KvCache[] holder = new KvCache[1];
    float[] logits = model.prefillBatch(new int[][] {prompt}, new float[][][] {audio}, holder)[0]; // the one prefill
    KvCache cache = holder[0];
    try {
      while (n < budget) {
        NgramBlocker.ban(logits, gen, n, generation.noRepeatNgramSize());
        int next = pick(logits, sampler);
        if (isStop(next)) {
          break;
        }
        gen[n++] = next;
        String text = tokenizer.decode(Arrays.copyOf(gen, n), false);
        Matcher m = labelKey.matcher(text);
        if (m.find()) {
          reached = m.end() == text.length(); // false: the token ran past the colon
          break;
        }
        if (n >= budget || cache.length() + 1 > maxPositions) {
          break;
        }
        logits = model.stepBatch(cache, new int[][] {{next}})[0];
      }
      int transcriptTokens = n;
      int[] answerPrefix;
      // one prompt prefill per clip: the label position is reached over the decoding cache itself
      if (reached) {
        answerPrefix = Arrays.copyOf(gen, n);
        logits = model.stepBatch(cache, new int[][] {{gen[n - 1]}})[0]; // the last token was picked, not fed
      } else {
        String soFar = tokenizer.decode(Arrays.copyOf(gen, n), false);
        String transcript = AnswerFormat.parse(soFar, labels).transcript();
        answerPrefix = tokenizer.encode(
            transcript.isEmpty() ? "Transcript:\nEmotion:" : "Transcript: " + transcript + "\nEmotion:");
        cache.truncate(promptPositions); // roll back to the prompt, then feed the rebuilt prefix
        logits = model.stepBatch(cache, new int[][] {answerPrefix})[0];
      }

      // ---- label: scored over the candidates at the label position, on the cached prefix
      LabelScorer.Scores scores;
      try {
        scores = scorer.score(cache, logits, labels);
      } catch (IllegalArgumentException e) {
        throw new RecognitionException(name(), "cannot score the labels " + labels + ": "
            + e.getMessage());
      }
      LabelDistribution distribution = acoustic == null
          ? scores.distribution() : fuse(scores.distribution(), acoustic.probabilities(), labels);
      Label label = distribution.argmax();
      int[] labelTokens = scorer.labelTokens(label);

      // ---- rationale phase: continue after the chosen label
      int[] rationale = new int[0];
      int rationaleTokens = 0;
      if (options.rationale()) {
        if (cache.length() + labelTokens.length > maxPositions) {
          logits = null; // no room: no rationale
        } else {
          logits = model.stepBatch(cache, new int[][] {labelTokens})[0];
        }
        int[] out = new int[budget];
        int k = 0;
        while (logits != null && k < budget) {
          NgramBlocker.ban(logits, out, k, generation.noRepeatNgramSize()); // the rationale's own n-grams
          int next = pick(logits, sampler);
          if (isStop(next)) {
            break;
          }
          out[k++] = next;
          if (k >= budget || cache.length() + 1 > maxPositions) {
            break;
          }
          logits = model.stepBatch(cache, new int[][] {{next}})[0];
        }
        rationale = Arrays.copyOf(out, k);
        rationaleTokens = k;
      }
      String answer = tokenizer.decode(concat(concat(answerPrefix, labelTokens), rationale), false);
      AnswerFormat.ParsedAnswer parsed = AnswerFormat.parse(answer, labels);
      long t3 = System.nanoTime();
      Recognition r = new Recognition(
          clip.sourceId(),
          name(),
          AnswerFormat.tidy(parsed.transcript()),
          label,
          distribution,
          AnswerFormat.tidy(parsed.rationale()),
          cues,
          new Recognition.Timings(
              Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2)));
      return new Result(r, answer, !reached, scores.logProbs(), promptPositions,
          transcriptTokens + rationaleTokens, parsed.warnings());
    } finally {
      if (cache != null) {
        cache.close();
      }
    }
  }

  /** Product of experts over the candidates: {@code w * log p_lm + log p_acoustic}, renormalised. */
  private LabelDistribution fuse(LabelDistribution lm, LabelDistribution acoustic, LabelSet labels) {
    double w = options.lmLabelWeight();
    double[] logits = new double[labels.size()];
    int i = 0;
    for (Label c : labels) {
      double pa = acoustic.labels().contains(c) ? acoustic.probability(c) : 0.0;
      double la = Math.log(Math.max(pa, Double.MIN_NORMAL));
      logits[i++] = w == 0 ? la : w * Math.log(Math.max(lm.probability(c), Double.MIN_NORMAL)) + la;
    }
    return LabelDistribution.softmax(labels, logits);
  }

  /**
   * Replaces the pattern that marks the label position in the decoded answer (tests only: lets the
   * random test model "reach" the label position on its own).
   */
  synchronized void labelKeyForTesting(Pattern p) {
    this.labelKey = p;
  }

  /** The user instruction: the options' fixed one, or the Labels line (+ Cues line). */
  String instruction(LabelSet labels, Cues cues) {
    if (options.instruction() != null) {
      return options.instruction();
    }
    StringBuilder sb = new StringBuilder(AnswerFormat.labelsLine(labels)).append('\n');
    if (options.promptCues()) {
      String line = cuesLine(cues);
      if (!line.isEmpty()) {
        sb.append("Cues: ").append(line).append('\n');
      }
    }
    return sb.toString();
  }

  /** {@code key=value} pairs of the format's five prompt cues, 3 significant digits, {@code "; "}. */
  static String cuesLine(Cues cues) {
    StringBuilder line = new StringBuilder();
    for (Cue c : new Cue[] {Cue.F0_MEAN_HZ, Cue.F0_SD_SEMITONES, Cue.INTENSITY_MEAN_DB,
        Cue.SPEECH_RATE_SYLLABLES_PER_S, Cue.PAUSE_FRACTION}) {
      double v = cues.get(c);
      if (Double.isFinite(v)) {
        line.append(line.length() == 0 ? "" : "; ").append(c.key()).append('=')
            .append(String.format(Locale.ROOT, "%.3g", v));
      }
    }
    return line.toString();
  }

  private void checkDuration(AudioClip clip, int samples16k) {
    double seconds = samples16k / (double) SAMPLE_RATE_HZ;
    int frames = LogMelSpectrogram.frameCount(samples16k);
    int positions = (frames - 1) / 2 + 1;
    int maxPos = model.config().audioConfig().maxSourcePositions();
    double limit = maxAudioSeconds();
    if (positions > maxPos || seconds > limit) {
      throw new AudioFormatException(clip.sourceId(), String.format(Locale.ROOT,
          "%.2f s of audio is longer than the %.2f s accepted by %s (encoder window %.2f s ="
              + " max_source_positions %d x 2 mel frames); split the clip, it is not truncated"
              + " or chunked", seconds, limit, name(), windowSeconds, maxPos));
    }
    if (samples16k < LogMelSpectrogram.MIN_SAMPLES) {
      throw new AudioFormatException(clip.sourceId(), String.format(Locale.ROOT,
          "%.4f s of audio is too short: at least %d samples at 16 kHz are needed",
          seconds, LogMelSpectrogram.MIN_SAMPLES));
    }
  }

  private int pick(float[] logits, Sampler sampler) {
    return sampler == null ? SpeechLm.argMax(logits) : sampler.sample(logits);
  }

  private boolean isStop(int id) {
    return id == imEnd || id == endOfText || generation.isStopToken(id);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Frees the model's native weights and the tokenizer. */
  @Override
  public synchronized void close() {
    tokenizer.close();
    model.close();
  }

  @Override
  public String toString() {
    return "SpeechLmRecognizer{" + checkpointDir + ", " + options + "}";
  }
}
