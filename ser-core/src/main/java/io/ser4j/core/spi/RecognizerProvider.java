package io.ser4j.core.spi;

import io.ser4j.core.ModelLoadException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Service-provider interface for recognizers, discovered lazily with {@link ServiceLoader}
 * (register in {@code META-INF/services/io.ser4j.core.spi.RecognizerProvider}). A model
 * specification is a string: {@code "default"}, {@code "baseline"}, a checkpoint directory or an
 * {@code http(s)://} URL; the provider with the highest {@link #rank()} among those that
 * {@link #supports} the specification creates the recognizer.
 */
public interface RecognizerProvider {
  /** The provider's name, e.g. {@code "baseline"}. */
  String name();

  /** Higher ranks win when several providers support one specification. */
  default int rank() {
    return 0;
  }

  /** True when this provider can build a recognizer for {@code modelSpec}. */
  boolean supports(String modelSpec);

  /**
   * Builds the recognizer.
   *
   * @throws ModelLoadException when the model cannot be loaded
   */
  Recognizer create(String modelSpec);

  /** All providers on the class path, highest rank first (discovered on each call, no caching). */
  static List<RecognizerProvider> installed() {
    List<RecognizerProvider> list = new ArrayList<>();
    ServiceLoader.load(RecognizerProvider.class).forEach(list::add);
    list.sort(Comparator.comparingInt(RecognizerProvider::rank).reversed());
    return list;
  }

  /**
   * The recognizer for {@code modelSpec} from the best provider that supports it.
   *
   * @throws ModelLoadException naming the specification and listing the installed providers when
   *     none supports it
   */
  static Recognizer open(String modelSpec) {
    List<RecognizerProvider> all = installed();
    for (RecognizerProvider p : all) {
      if (p.supports(modelSpec)) {
        return p.create(modelSpec);
      }
    }
    List<String> names = all.stream().map(RecognizerProvider::name).toList();
    throw new ModelLoadException(
        modelSpec, "no installed recognizer supports this model; installed providers: " + names);
  }
}
