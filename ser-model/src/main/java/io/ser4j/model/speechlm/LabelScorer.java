package io.ser4j.model.speechlm;

import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.RecognitionException;
import java.util.Arrays;

/**
 * The label distribution of a generative model (docs/speechlm-format.md, "Label probabilities"): at
 * the label position (the prompt and answer up to {@code "Emotion:"}), every candidate label {@code c}
 * is scored by the log-probability of the token sequence of {@code " " + c + "\n"} continuing the
 * prefix — the <b>sum</b> of its tokens' log-probabilities, not length-normalised, so a label split
 * into more tokens pays for each — and the scores are softmaxed over the candidates.
 *
 * <p>All labels are scored in one batched pass: the prefix is prefilled once into a one-row {@link
 * KvCache}, the cache is expanded to {@code |labels|} rows ({@link KvCache#select}) and the labels'
 * tokens, right-padded to the longest, run as one {@code (|labels|, L)} step (causal attention keeps
 * the padding from reaching the real tokens). The emitted label is the argmax, so it is always one
 * of the candidates.
 *
 * <p>Thread-safety: stateless apart from the model and tokenizer, which are safe for concurrent use.
 */
public final class LabelScorer {
  /** What precedes each label in the scored continuation. */
  public static final String LABEL_PREFIX = " ";
  /** What follows each label in the scored continuation. */
  public static final String LABEL_SUFFIX = "\n";

  /**
   * Scores of one prefix.
   *
   * @param distribution softmax of {@code logProbs} over the candidates
   * @param label the distribution's argmax (ties to the earlier candidate)
   * @param logProbs per candidate, in the label set's order, the summed log-probability of its tokens
   */
  public record Scores(LabelDistribution distribution, Label label, double[] logProbs) {
    /** Defensive copy. */
    public Scores {
      logProbs = logProbs.clone();
    }

    @Override
    public double[] logProbs() {
      return logProbs.clone();
    }
  }

  private final SpeechLm model;
  private final SpeechTokenizer tokenizer;

  /**
   * A scorer.
   *
   * @param model the model
   * @param tokenizer its tokenizer (labels are tokenized with it)
   */
  public LabelScorer(SpeechLm model, SpeechTokenizer tokenizer) {
    if (model == null || tokenizer == null) {
      throw new IllegalArgumentException("model and tokenizer are required");
    }
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /**
   * The token ids scored for a label: {@code encode(" " + label + "\n")}.
   *
   * @param label a label
   * @return its ids
   */
  public int[] labelTokens(Label label) {
    return tokenizer.encode(LABEL_PREFIX + label.name() + LABEL_SUFFIX);
  }

  /**
   * Scores every label of {@code labels} as the continuation of a prefix.
   *
   * @param prefixIds the prompt and answer so far, ending just after {@code "Emotion:"}
   * @param audioEmbeds projected audio {@code (N, H)} or {@code null}
   * @param labels the candidates (at least one)
   * @return the distribution, the constrained argmax and the raw scores
   * @throws IllegalArgumentException if two labels tokenize identically (e.g. both to {@code <unk>})
   * @throws RecognitionException on a bad prefix (as {@link SpeechLm#logits})
   */
  public Scores score(int[] prefixIds, float[][] audioEmbeds, LabelSet labels) {
    int[][] tokens = checkedTokens(labels);
    int longest = 0;
    for (int[] t : tokens) {
      longest = Math.max(longest, t.length);
    }
    KvCache[] holder = new KvCache[1];
    float[][] first = model.prefillBatch(new int[][] {prefixIds},
        audioEmbeds == null ? null : new float[][][] {audioEmbeds}, holder);
    try (KvCache prefix = holder[0]) {
      return scoreTokens(prefix, first[0], labels, tokens, longest);
    }
  }

  /**
   * Scores every label of {@code labels} as the continuation of a prefix already held in a one-row
   * cache (no prefill: the recognizer's own decoding cache is reused). The cache is not changed.
   *
   * @param prefix a one-row cache holding the prompt and answer so far, up to {@code "Emotion:"}
   * @param nextLogits the logits at the prefix's last position (those that predict the next token)
   * @param labels the candidates (at least one)
   * @return the distribution, the constrained argmax and the raw scores (equal to {@link
   *     #score(int[], float[][], LabelSet)} on the same prefix up to float rounding)
   * @throws IllegalArgumentException if two labels tokenize identically or the cache has several rows
   * @throws RecognitionException if a label would run past {@code max_position_embeddings}
   */
  public Scores score(KvCache prefix, float[] nextLogits, LabelSet labels) {
    if (prefix == null || prefix.batchSize() != 1) {
      throw new IllegalArgumentException("a one-row prefix cache is required");
    }
    int[][] tokens = checkedTokens(labels);
    int longest = 0;
    for (int[] t : tokens) {
      longest = Math.max(longest, t.length);
    }
    return scoreTokens(prefix, nextLogits, labels, tokens, longest);
  }

  private int[][] checkedTokens(LabelSet labels) {
    if (labels == null || labels.size() == 0) {
      throw new IllegalArgumentException("no candidate labels");
    }
    int n = labels.size();
    int[][] tokens = new int[n][];
    for (int i = 0; i < n; i++) {
      tokens[i] = labelTokens(labels.get(i));
      if (tokens[i].length == 0) {
        throw new IllegalArgumentException("label " + labels.get(i) + " tokenizes to nothing");
      }
      for (int j = 0; j < i; j++) {
        if (Arrays.equals(tokens[i], tokens[j])) {
          throw new IllegalArgumentException("labels " + labels.get(j) + " and " + labels.get(i)
              + " tokenize identically " + Arrays.toString(tokens[i]) + "; they cannot be told apart");
        }
      }
    }
    return tokens;
  }

  private Scores scoreTokens(KvCache prefix, float[] nextLogits, LabelSet labels, int[][] tokens, int longest) {
    int n = tokens.length;
    double[] firstLp = Generator.logSoftmax(nextLogits);
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      scores[i] = firstLp[tokens[i][0]];
    }
    if (longest > 1) {
      int pad = tokenizer.specialId(SpeechTokenizer.ENDOFTEXT);
      int[][] batch = new int[n][longest - 1];
      for (int i = 0; i < n; i++) {
        Arrays.fill(batch[i], pad);
        System.arraycopy(tokens[i], 0, batch[i], 0, tokens[i].length - 1);
      }
      int[] rows = new int[n]; // all zero: every label continues the one prefix row
      try (KvCache expanded = prefix.select(rows)) {
        float[][][] logits = model.stepBatchAll(expanded, batch);
        for (int i = 0; i < n; i++) {
          for (int j = 1; j < tokens[i].length; j++) {
            scores[i] += Generator.logSoftmax(logits[i][j - 1])[tokens[i][j]];
          }
        }
      }
    }
    LabelDistribution d = LabelDistribution.softmax(labels, scores);
    return new Scores(d, d.argmax(), scores);
  }
}
