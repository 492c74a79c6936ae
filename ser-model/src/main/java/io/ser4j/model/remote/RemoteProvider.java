package io.ser4j.model.remote;

import io.ser4j.core.ModelLoadException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerOptions;
import io.ser4j.core.spi.RecognizerProvider;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Provides {@link RemoteSpeechLm} for model specifications that are {@code http://} or {@code
 * https://} URLs ({@code ser analyze --model http://localhost:8000}).
 *
 * <p>Rank {@value #RANK}: a URL is unambiguous, so this provider outranks the default rank 0 of
 * providers that accept directories or names; it supports nothing but URLs.
 *
 * <p>Environment variables read by {@link #create}: {@value #ENV_MODEL} (model name, default {@link
 * RemoteOptions#DEFAULT_MODEL}) and {@value #ENV_API_KEY_ENV} (name of the variable holding the API
 * key, default {@link RemoteOptions#DEFAULT_API_KEY_ENV}). Thread-safe (stateless).
 */
public final class RemoteProvider implements RecognizerProvider {
  /** This provider's rank. */
  public static final int RANK = 100;

  /** Environment variable naming the remote model. */
  public static final String ENV_MODEL = "SER4J_REMOTE_MODEL";

  /** Environment variable naming the environment variable that holds the API key. */
  public static final String ENV_API_KEY_ENV = "SER4J_API_KEY_ENV";

  /** Facade property ({@link RecognizerOptions#properties()}) naming the remote model. */
  public static final String PROPERTY_MODEL = "remote.model";

  private final Function<String, String> environment;

  /** A provider reading the process environment (used by {@link java.util.ServiceLoader}). */
  public RemoteProvider() {
    this(System::getenv);
  }

  RemoteProvider(Function<String, String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  @Override
  public String name() {
    return "remote";
  }

  @Override
  public int rank() {
    return RANK;
  }

  /** True for specifications starting with {@code http://} or {@code https://} (any case). */
  @Override
  public boolean supports(String modelSpec) {
    if (modelSpec == null) {
      return false;
    }
    String s = modelSpec.trim().toLowerCase(Locale.ROOT);
    return s.startsWith("http://") || s.startsWith("https://");
  }

  /**
   * Builds the remote recognizer from the URL and the environment.
   *
   * @throws ModelLoadException naming the URL when it is not a valid http(s) URL
   */
  @Override
  public Recognizer create(String modelSpec) {
    return create(modelSpec, RecognizerOptions.DEFAULTS);
  }

  /**
   * Builds the remote recognizer with the facade's options: the generation temperature (sent as
   * {@code temperature}, 0 to 2) and max new tokens ({@code max_tokens}); the property {@value
   * #PROPERTY_MODEL} overrides the model name. The device does not apply to a remote endpoint.
   *
   * @throws ModelLoadException naming the URL when it is not a valid http(s) URL or an option is
   *     out of the endpoint's range
   */
  @Override
  public Recognizer create(String modelSpec, RecognizerOptions options) {
    RemoteOptions.Builder b = base(modelSpec);
    try {
      if (options.generation().temperature() > 0) {
        b.optTemperature(options.generation().temperature());
      }
      if (options.generation().maxNewTokens() > 0) {
        b.optMaxTokens(options.generation().maxNewTokens());
      }
      String model = options.property(PROPERTY_MODEL, null);
      if (model != null && !model.isBlank()) {
        b.optModel(model);
      }
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(modelSpec, e.getMessage(), e);
    }
    return new RemoteSpeechLm(b.build());
  }

  private RemoteOptions.Builder base(String modelSpec) {
    RemoteOptions.Builder b = RemoteOptions.builder().optEnvironment(environment);
    try {
      b.setBaseUrl(modelSpec);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(modelSpec, e.getMessage(), e);
    }
    String model = environment.apply(ENV_MODEL);
    if (model != null && !model.isBlank()) {
      b.optModel(model);
    }
    String keyEnv = environment.apply(ENV_API_KEY_ENV);
    if (keyEnv != null && !keyEnv.isBlank()) {
      b.optApiKeyEnv(keyEnv);
    }
    return b;
  }
}
