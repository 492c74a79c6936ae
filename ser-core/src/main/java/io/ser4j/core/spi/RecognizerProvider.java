package io.ser4j.core.spi;

import io.ser4j.core.ModelLoadException;
import io.ser4j.core.UnknownModelException;
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
 *
 * <p>The {@link io.ser4j.core.Ser} facade calls {@link #create(String, RecognizerOptions)}, which
 * passes device, decoding and cue options; providers that have no use for them inherit the default,
 * which ignores them. Providers must be stateless (or thread-safe), cheap to construct and must not
 * load anything before {@code create} is called.
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

  /**
   * Builds the recognizer with options from the facade. The default ignores the options and calls
   * {@link #create(String)}; providers whose models have a device, decoding or cue settings
   * override it.
   *
   * @param modelSpec the model specification, one this provider {@link #supports}
   * @param options device, generation and cue options
   * @throws ModelLoadException when the model cannot be loaded
   */
  default Recognizer create(String modelSpec, RecognizerOptions options) {
    return create(modelSpec);
  }

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
   * @throws UnknownModelException (a {@link ModelLoadException}) naming the specification and
   *     listing the installed providers when none supports it
   */
  static Recognizer open(String modelSpec) {
    return open(modelSpec, RecognizerOptions.DEFAULTS);
  }

  /**
   * The recognizer for {@code modelSpec}, built with {@code options}, from the best provider that
   * supports it.
   *
   * @throws UnknownModelException (a {@link ModelLoadException}) naming the specification and
   *     listing the installed providers when none supports it
   * @throws ModelLoadException when the chosen provider cannot load the model
   */
  static Recognizer open(String modelSpec, RecognizerOptions options) {
    return find(modelSpec).create(modelSpec, options);
  }

  /**
   * The provider that would serve {@code modelSpec}: the highest-ranked one that supports it.
   *
   * @throws UnknownModelException naming the specification and listing the installed providers
   *     when none supports it
   */
  static RecognizerProvider find(String modelSpec) {
    List<RecognizerProvider> all = installed();
    for (RecognizerProvider p : all) {
      if (p.supports(modelSpec)) {
        return p;
      }
    }
    throw new UnknownModelException(modelSpec, all.stream().map(RecognizerProvider::name).toList());
  }
}
