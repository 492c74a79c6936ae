package io.ser4j.model.speechlm;

import io.ser4j.core.RecognitionException;
import io.ser4j.model.speechlm.GenerationResult.FinishReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Text generation with a {@link SpeechLm}: the prompt is prefilled into a {@link KvCache} once, then
 * one token per step (greedy, seeded sampling, or beam search over cache rows), until a stop token, a
 * stop string or {@code maxNewTokens}. Batched generation left-pads the prompts into one cache and
 * stops each sequence on its own. Every cache a call creates is closed before it returns.
 *
 * <p>Thread-safety: a generator holds no mutable state; calls may run concurrently (the model's
 * forward methods may); the tokenizer's too.
 */
public final class Generator {
  private final SpeechLm model;
  private final SpeechTokenizer tokenizer;

  /**
   * A generator.
   *
   * @param model the model
   * @param tokenizer the checkpoint's tokenizer (for text, stop strings and streamed pieces), or
   *     {@code null} to work on ids only
   */
  public Generator(SpeechLm model, SpeechTokenizer tokenizer) {
    if (model == null) {
      throw new IllegalArgumentException("model is null");
    }
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /**
   * Generates a continuation of one prompt.
   *
   * @param promptIds prompt ids (see {@link SpeechLm#logits})
   * @param audioEmbeds projected audio {@code (N, H)} or {@code null}
   * @param config strategy and limits
   * @param listener per-token callback, or {@code null}
   * @return the result
   * @throws IllegalArgumentException if the config has stop strings but this generator no tokenizer
   * @throws RecognitionException on a bad prompt (as {@link SpeechLm#logits}) or a sequence longer than
   *     {@code max_position_embeddings}
   */
  public GenerationResult generate(int[] promptIds, float[][] audioEmbeds, GenerationConfig config,
      TokenListener listener) {
    if (config == null) {
      throw new IllegalArgumentException("config is null");
    }
    if (config.strategy() == GenerationConfig.Strategy.BEAM) {
      checkStopStrings(config);
      return beam(promptIds, audioEmbeds, config, listener);
    }
    return generateBatch(List.of(promptIds), audioEmbeds == null ? null : Arrays.asList(new float[][][] {audioEmbeds}),
        config, listener).get(0);
  }

  /**
   * Generates continuations of several prompts in one batch: left-padded into one cache, one batched
   * step per token, each sequence stopping on its own (finished rows are fed the padding token and
   * their outputs ignored until all rows are done). Greedy or sampling; row {@code b} samples with
   * seed {@code config.seed() + b}, so row 0 equals an unbatched call with the same config.
   *
   * @param prompts prompt ids per sequence
   * @param audioEmbeds audio per sequence (entries may be {@code null}), or {@code null} for none
   * @param config GREEDY or SAMPLE
   * @param listener per-token callback ({@code sequence} = row), or {@code null}
   * @return one result per prompt, in order
   * @throws IllegalArgumentException on a BEAM config, an empty batch, or stop strings without tokenizer
   * @throws RecognitionException on a bad prompt
   */
  public List<GenerationResult> generateBatch(List<int[]> prompts, List<float[][]> audioEmbeds,
      GenerationConfig config, TokenListener listener) {
    if (config == null) {
      throw new IllegalArgumentException("config is null");
    }
    if (config.strategy() == GenerationConfig.Strategy.BEAM) {
      throw new IllegalArgumentException("batched generation supports GREEDY and SAMPLE, not BEAM");
    }
    if (prompts == null || prompts.isEmpty()) {
      throw new IllegalArgumentException("no prompts");
    }
    if (audioEmbeds != null && audioEmbeds.size() != prompts.size()) {
      throw new IllegalArgumentException(audioEmbeds.size() + " audio entries for " + prompts.size() + " prompts");
    }
    checkStopStrings(config);
    int b = prompts.size();
    int[][] ids = prompts.toArray(new int[0][]);
    float[][][] audio = audioEmbeds == null ? null : audioEmbeds.toArray(new float[0][][]);
    int[] promptLen = new int[b];
    for (int i = 0; i < b; i++) {
      promptLen[i] = ids[i] == null ? 0 : ids[i].length - 1 + (audio != null && audio[i] != null ? audio[i].length : 1);
    }
    Sampler[] samplers = new Sampler[b];
    for (int i = 0; i < b; i++) {
      samplers[i] = config.strategy() == GenerationConfig.Strategy.SAMPLE ? Sampler.of(config, i) : null;
    }
    int[][] out = new int[b][config.maxNewTokens()];
    int[] count = new int[b];
    double[] logProb = new double[b];
    FinishReason[] reason = new FinishReason[b];
    String[] text = new String[b];
    int padId = tokenizer == null ? 0 : tokenizer.specialId(SpeechTokenizer.ENDOFTEXT);
    long t0 = System.nanoTime();
    KvCache[] holder = new KvCache[1];
    float[][] logits = model.prefillBatch(ids, audio, holder);
    long t1 = System.nanoTime();
    long t2;
    try (KvCache cache = holder[0]) {
      int done = 0;
      while (true) {
        for (int r = 0; r < b; r++) {
          if (reason[r] != null) {
            continue;
          }
          NgramBlocker.ban(logits[r], out[r], count[r], config.noRepeatNgramSize());
          int next = samplers[r] == null ? SpeechLm.argMax(logits[r]) : samplers[r].sample(logits[r]);
          logProb[r] += logSoftmax(logits[r])[next];
          out[r][count[r]++] = next;
          if (listener != null) {
            listener.onToken(r, count[r] - 1, next, piece(next));
          }
          reason[r] = finish(config, out[r], count[r], text, r);
          if (reason[r] != null) {
            done++;
          }
        }
        if (done == b) {
          break;
        }
        int[][] step = new int[b][1];
        for (int r = 0; r < b; r++) {
          step[r][0] = reason[r] == null ? out[r][count[r] - 1] : padId;
        }
        logits = model.stepBatch(cache, step);
      }
      t2 = System.nanoTime();
    }
    double prefillMs = (t1 - t0) / 1e6;
    double decodeMs = (t2 - t1) / 1e6;
    List<GenerationResult> results = new ArrayList<>(b);
    for (int r = 0; r < b; r++) {
      results.add(new GenerationResult(Arrays.copyOf(out[r], count[r]), text[r], reason[r], promptLen[r],
          count[r], logProb[r], prefillMs, decodeMs, tps(count[r], decodeMs)));
    }
    return results;
  }

  /** A hypothesis of beam search. */
  private record Hyp(int[] ids, double logProb, int row, FinishReason reason, String text) {
    double score(double lengthPenalty) {
      return lengthPenalty == 0 ? logProb : logProb / Math.pow(ids.length, lengthPenalty);
    }
  }

  private GenerationResult beam(int[] promptIds, float[][] audio, GenerationConfig config, TokenListener listener) {
    int width = config.beamWidth();
    double lp = config.lengthPenalty();
    long t0 = System.nanoTime();
    KvCache[] holder = new KvCache[1];
    float[][] logits = model.prefillBatch(new int[][] {promptIds}, audio == null ? null : new float[][][] {audio}, holder);
    int promptLen = promptIds.length - 1 + (audio != null ? audio.length : 1);
    long t1 = System.nanoTime();
    List<Hyp> alive = new ArrayList<>(List.of(new Hyp(new int[0], 0, 0, null, null)));
    List<Hyp> finished = new ArrayList<>();
    KvCache cache = holder[0];
    try {
      for (int step = 0; step < config.maxNewTokens(); step++) {
        // candidates: per beam its 2·width best tokens, merged; ties to the lower beam, then lower id
        List<double[]> cands = new ArrayList<>(); // {score, beam, token}
        for (int h = 0; h < alive.size(); h++) {
          int[] sofar = alive.get(h).ids();
          NgramBlocker.ban(logits[h], sofar, sofar.length, config.noRepeatNgramSize());
          double[] ls = logSoftmax(logits[h]);
          for (int tok : topIds(ls, 2 * width)) {
            cands.add(new double[] {alive.get(h).logProb() + ls[tok], h, tok});
          }
        }
        cands.sort(Comparator.<double[]>comparingDouble(c -> -c[0]).thenComparingDouble(c -> c[1])
            .thenComparingDouble(c -> c[2]));
        List<Hyp> next = new ArrayList<>(width);
        boolean last = step == config.maxNewTokens() - 1;
        for (int rank = 0; rank < cands.size() && next.size() < width; rank++) {
          double[] c = cands.get(rank);
          Hyp parent = alive.get((int) c[1]);
          int[] ids = Arrays.copyOf(parent.ids(), parent.ids().length + 1);
          ids[ids.length - 1] = (int) c[2];
          String[] text = new String[1];
          FinishReason reason = finish(config, ids, ids.length, text, 0);
          if (reason != null && reason != FinishReason.MAX_TOKENS) {
            if (rank < width) {
              finished.add(new Hyp(ids, c[0], -1, reason, text[0]));
            }
          } else if (last) {
            finished.add(new Hyp(ids, c[0], -1, FinishReason.MAX_TOKENS, text[0]));
          } else {
            next.add(new Hyp(ids, c[0], parent.row(), null, null));
          }
        }
        if (last || next.isEmpty()) {
          break;
        }
        alive = next;
        if (finished.size() >= width) { // no alive beam can still beat the finished ones (length-normalised)
          double worstKept = finished.stream().mapToDouble(f -> f.score(lp)).sorted()
              .skip(finished.size() - width).findFirst().orElse(Double.NEGATIVE_INFINITY);
          double bestAlive = alive.stream().mapToDouble(a -> a.score(lp)).max().orElse(Double.NEGATIVE_INFINITY);
          if (worstKept >= bestAlive) {
            break;
          }
        }
        int[] rows = new int[alive.size()];
        int[][] stepIds = new int[alive.size()][1];
        for (int i = 0; i < rows.length; i++) {
          Hyp a = alive.get(i);
          rows[i] = a.row();
          stepIds[i][0] = a.ids()[a.ids().length - 1];
          alive.set(i, new Hyp(a.ids(), a.logProb(), i, null, null));
        }
        KvCache forked = cache.select(rows);
        cache.close();
        cache = forked;
        logits = model.stepBatch(cache, stepIds);
      }
    } finally {
      cache.close();
    }
    long t2 = System.nanoTime();
    Hyp best = finished.stream().max(Comparator.comparingDouble((Hyp f) -> f.score(lp))
        .thenComparing(f -> -f.ids().length)).orElseThrow();
    if (listener != null) {
      for (int i = 0; i < best.ids().length; i++) {
        listener.onToken(0, i, best.ids()[i], piece(best.ids()[i]));
      }
    }
    double decodeMs = (t2 - t1) / 1e6;
    return new GenerationResult(best.ids(), best.text(), best.reason(), promptLen, best.ids().length,
        best.logProb(), (t1 - t0) / 1e6, decodeMs, tps(best.ids().length, decodeMs));
  }

  /**
   * Sum of the log-probabilities of a continuation given a prompt, by teacher forcing through a cache
   * (one prefill, one pass over the continuation).
   *
   * @param promptIds prompt ids
   * @param audioEmbeds projected audio or {@code null}
   * @param continuation the ids whose probability is wanted (non-empty)
   * @return {@code sum_i log p(continuation_i | prompt, continuation_<i)}
   */
  public double logProb(int[] promptIds, float[][] audioEmbeds, int[] continuation) {
    if (continuation == null || continuation.length == 0) {
      throw new IllegalArgumentException("empty continuation");
    }
    KvCache[] holder = new KvCache[1];
    float[][] first = model.prefillBatch(new int[][] {promptIds},
        audioEmbeds == null ? null : new float[][][] {audioEmbeds}, holder);
    try (KvCache cache = holder[0]) {
      double sum = logSoftmax(first[0])[continuation[0]];
      if (continuation.length > 1) {
        float[][][] rest = model.stepBatchAll(cache, new int[][] {Arrays.copyOf(continuation, continuation.length - 1)});
        for (int i = 1; i < continuation.length; i++) {
          sum += logSoftmax(rest[0][i - 1])[continuation[i]];
        }
      }
      return sum;
    }
  }

  /** Finish reason after {@code count} tokens, or null to go on; fills {@code text[slot]}. */
  private FinishReason finish(GenerationConfig config, int[] ids, int count, String[] text, int slot) {
    int lastId = ids[count - 1];
    boolean stopToken = config.isStopToken(lastId);
    int textLen = stopToken ? count - 1 : count;
    String t = tokenizer == null ? "" : tokenizer.decode(Arrays.copyOf(ids, textLen), false);
    text[slot] = t;
    if (stopToken) {
      return FinishReason.STOP_TOKEN;
    }
    for (String s : config.stopStrings()) {
      int at = t.indexOf(s);
      if (at >= 0) {
        text[slot] = t.substring(0, at);
        return FinishReason.STOP_STRING;
      }
    }
    return count >= config.maxNewTokens() ? FinishReason.MAX_TOKENS : null;
  }

  private String piece(int id) {
    return tokenizer == null ? null : tokenizer.decode(new int[] {id}, false);
  }

  private void checkStopStrings(GenerationConfig config) {
    if (!config.stopStrings().isEmpty() && tokenizer == null) {
      throw new IllegalArgumentException("stop strings " + config.stopStrings() + " need a tokenizer");
    }
  }

  private static double tps(int generated, double decodeMs) {
    return generated > 1 && decodeMs > 0 ? (generated - 1) / (decodeMs / 1000) : Double.NaN;
  }

  /** Log-softmax in double precision. */
  static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (float l : logits) {
      sum += Math.exp(l - max);
    }
    double lse = max + Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = logits[i] - lse;
    }
    return out;
  }

  /** The {@code k} largest entries' indices, descending, ties to the lower index. */
  private static int[] topIds(double[] v, int k) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> v[a] != v[b] ? Double.compare(v[b], v[a]) : Integer.compare(a, b));
    int n = Math.min(k, v.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = order[i];
    }
    return out;
  }
}
