package io.ser4j.examples.bench;

import ai.djl.Device;
import io.ser4j.model.speechlm.GenerationConfig;
import io.ser4j.model.speechlm.GenerationResult;
import io.ser4j.model.speechlm.Generator;
import io.ser4j.model.speechlm.SpeechLm;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Greedy generation speed of the SpeechLM, the Java side of {@code tools/bench/generation.sh}: KV-cached
 * ({@link Generator}, prefill then one token per step) against recompute-everything ({@link
 * SpeechLm#greedyRecompute}), and tokens/s to compare with {@code tools/bench/generation_torch.py}.
 *
 * <p>Usage: {@code java -cp ser-examples/target/ser.jar io.ser4j.examples.bench.GenerationBenchmark
 * CHECKPOINT_DIR PROMPT_IDS [NEW_TOKENS=256] [ROUNDS=3] [RECOMPUTE=1]} with {@code PROMPT_IDS}
 * comma-separated (a text-only prompt). One untimed warm-up generation, then {@code ROUNDS} timed
 * cached generations (greedy, no stop condition, exactly {@code NEW_TOKENS} tokens), then with
 * {@code RECOMPUTE=1} one timed recompute run whose ids must equal the cached ones. Prints one line
 * {@code RESULT impl=java ...} from the best cached run. Libtorch threads: set {@code
 * -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1} and {@code OMP_NUM_THREADS=1}
 * for the one-thread comparison. Not thread-safe (a command-line program).
 */
public final class GenerationBenchmark {
  private GenerationBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args {@code CHECKPOINT_DIR PROMPT_IDS [NEW_TOKENS] [ROUNDS] [RECOMPUTE]}
   */
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: GenerationBenchmark CHECKPOINT_DIR PROMPT_IDS [NEW_TOKENS=256] [ROUNDS=3] [RECOMPUTE=1]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int[] prompt = Arrays.stream(args[1].split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    boolean recompute = args.length <= 4 || args[4].equals("1");
    try (SpeechLm model = SpeechLm.load(dir, Device.cpu())) {
      Generator generator = new Generator(model, null);
      GenerationConfig config = GenerationConfig.builder().maxNewTokens(n).build();
      GenerationResult r = generator.generate(prompt, null, config, null);
      double best = Double.POSITIVE_INFINITY;
      GenerationResult bestRun = r;
      for (int i = 0; i < rounds; i++) {
        long t0 = System.nanoTime();
        r = generator.generate(prompt, null, config, null);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "cached run %d: %.4f s (prefill %.1f ms, decode %.1f ms, %.1f tok/s decode)%n",
            i + 1, s, r.prefillMillis(), r.decodeMillis(), r.tokensPerSecond());
        if (s < best) {
          best = s;
          bestRun = r;
        }
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "RESULT impl=java params=%d new_tokens=%d cached_s=%.4f cached_tok_s=%.1f prefill_ms=%.1f",
          model.parameterCount(), n, best, n / best, bestRun.prefillMillis()));
      if (recompute) {
        long t0 = System.nanoTime();
        int[] full = model.greedyRecompute(prompt, null, n);
        double s = (System.nanoTime() - t0) / 1e9;
        line.append(String.format(Locale.ROOT, " recompute_s=%.4f recompute_tok_s=%.1f same_ids=%s speedup=%.2f",
            s, n / s, Arrays.equals(full, bestRun.tokenIds()) ? "True" : "False", s / best));
      }
      line.append(" first_ids=").append(Arrays.stream(Arrays.copyOf(bestRun.tokenIds(), 12))
          .mapToObj(Integer::toString).collect(Collectors.joining(",")));
      System.out.println(line);
    }
  }
}
