package io.ser4j.spark;

import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The recognizers of this JVM, one per model specification, loaded lazily on first use and then
 * shared by every task that runs in the JVM: on a Spark executor the model is loaded once, however
 * many partitions and task threads the executor runs. Recognizers come from the {@link
 * RecognizerProvider} SPI ({@link RecognizerProvider#open(String)}), so any installed model kind
 * works (the bundled baseline, a checkpoint directory, a remote endpoint).
 *
 * <p>Thread-safe: concurrent first calls for one specification load the model exactly once (the
 * others wait for it); a failed load is not cached, so a later call retries. The recognizers
 * themselves must be thread-safe, as ser4j's are ({@link Recognizer}).
 */
public final class ExecutorModels {
  private static final Map<String, Recognizer> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ExecutorModels() {}

  /**
   * The shared recognizer for {@code modelSpec}, loading it on the first call in this JVM.
   *
   * @param modelSpec a model specification for {@link RecognizerProvider#open(String)}
   * @throws io.ser4j.core.ModelLoadException when no provider supports the specification or the
   *     model cannot be loaded
   */
  public static Recognizer get(String modelSpec) {
    if (modelSpec == null || modelSpec.isBlank()) {
      throw new io.ser4j.core.ModelLoadException(
          String.valueOf(modelSpec), "the model specification is blank");
    }
    return MODELS.computeIfAbsent(
        modelSpec,
        spec -> {
          Recognizer r = RecognizerProvider.open(spec);
          LOADS.incrementAndGet();
          return r;
        });
  }

  /** How many models this JVM has loaded since it started (or since {@link #closeAll()}). */
  public static int loadCount() {
    return LOADS.get();
  }

  /**
   * Closes and forgets every recognizer of this JVM and resets {@link #loadCount()}; the next
   * {@link #get} loads again. Call it only when no task is using the models (e.g. at the end of a
   * local job or a test).
   */
  public static synchronized void closeAll() {
    List<Recognizer> all = new ArrayList<>(MODELS.values());
    MODELS.clear();
    LOADS.set(0);
    for (Recognizer r : all) {
      r.close();
    }
  }
}
