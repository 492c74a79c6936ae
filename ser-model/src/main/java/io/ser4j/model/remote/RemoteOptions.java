package io.ser4j.model.remote;

import io.ser4j.core.LabelSet;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of a {@link RemoteSpeechLm}: endpoint, model name, where the API key comes from, timeouts,
 * retry policy and generation parameters. Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>The API key itself is never stored here: only the <em>name</em> of the environment variable
 * that holds it, read on every request through the environment function.
 */
public final class RemoteOptions {
  /** Model name sent when none is set: the instruction-tuned Qwen2-Audio that vLLM serves. */
  public static final String DEFAULT_MODEL = "Qwen/Qwen2-Audio-7B-Instruct";

  /** Environment variable holding the API key when none is named. */
  public static final String DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";

  /** Default timeout of one HTTP request (headers and body), in seconds. */
  public static final long DEFAULT_TIMEOUT_S = 120;

  /** Default connect timeout, in seconds. */
  public static final long DEFAULT_CONNECT_TIMEOUT_S = 10;

  /** Default number of retries after the first attempt. */
  public static final int DEFAULT_MAX_RETRIES = 3;

  /** Default first backoff ceiling, in milliseconds (doubles per retry). */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 500;

  /** Default cap on any single wait between attempts, in milliseconds. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 20_000;

  /** Default cap on generated tokens (transcript + label + rationale fit comfortably). */
  public static final int DEFAULT_MAX_TOKENS = 256;

  /** Default number of alternatives per token requested for the label distribution. */
  public static final int DEFAULT_TOP_LOGPROBS = 20;

  /** Default system prompt, as in {@code docs/speechlm-format.md}. */
  public static final String DEFAULT_SYSTEM_PROMPT =
      "You are a speech emotion recognizer. Transcribe the speech, name the speaker's emotion, and"
          + " explain it from what you hear.";

  private final URI baseUrl;
  private final String model;
  private final String apiKeyEnv;
  private final Function<String, String> environment;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double temperature;
  private final int maxTokens;
  private final String systemPrompt;
  private final LabelSet labels;
  private final boolean sendCues;
  private final int topLogprobs;
  private final Long jitterSeed;

  private RemoteOptions(Builder b) {
    this.baseUrl = b.baseUrl;
    this.model = b.model;
    this.apiKeyEnv = b.apiKeyEnv;
    this.environment = b.environment;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.temperature = b.temperature;
    this.maxTokens = b.maxTokens;
    this.systemPrompt = b.systemPrompt;
    this.labels = b.labels;
    this.sendCues = b.sendCues;
    this.topLogprobs = b.topLogprobs;
    this.jitterSeed = b.jitterSeed;
  }

  /** A new builder; {@link Builder#setBaseUrl} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The server's base URL as given, without user info, e.g. {@code http://localhost:8000}. */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * The Chat Completions endpoint: the base URL plus {@code /v1/chat/completions}, or plus {@code
   * /chat/completions} when the base already ends in {@code /v1}, or the base itself when it already
   * ends in {@code /chat/completions}.
   */
  public URI endpoint() {
    return ChatEndpoint.chatCompletions(baseUrl);
  }

  /** The model name sent in each request. */
  public String model() {
    return model;
  }

  /** The name of the environment variable holding the API key (not the key). */
  public String apiKeyEnv() {
    return apiKeyEnv;
  }

  /** The function that reads environment variables (normally {@link System#getenv(String)}). */
  public Function<String, String> environment() {
    return environment;
  }

  /** Timeout of one request (until the whole reply is read). */
  public Duration timeout() {
    return timeout;
  }

  /** Timeout for opening a connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Retries after the first attempt (so at most {@code maxRetries + 1} attempts). */
  public int maxRetries() {
    return maxRetries;
  }

  /** Backoff ceiling before the first retry; doubles per retry up to {@link #maxBackoff()}. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** Cap on any single wait, including one asked for by {@code Retry-After}. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Sampling temperature (0 = greedy). */
  public double temperature() {
    return temperature;
  }

  /** Cap on generated tokens. */
  public int maxTokens() {
    return maxTokens;
  }

  /** The system message. */
  public String systemPrompt() {
    return systemPrompt;
  }

  /** The labels this recognizer offers when a call names no candidates. */
  public LabelSet labels() {
    return labels;
  }

  /** Whether the prompt carries the locally measured cues as a {@code Cues:} line. */
  public boolean sendCues() {
    return sendCues;
  }

  /**
   * How many alternatives per generated token to ask for ({@code logprobs: true, top_logprobs: n});
   * 0 asks for none, and the distribution is then always one-hot.
   */
  public int topLogprobs() {
    return topLogprobs;
  }

  /** Seed of the backoff jitter, or {@code null} for an unseeded generator. */
  public Long jitterSeed() {
    return jitterSeed;
  }

  /** Describes the options; names the key's environment variable, never the key. */
  @Override
  public String toString() {
    return "RemoteOptions{endpoint="
        + endpoint()
        + ", model="
        + model
        + ", apiKeyEnv="
        + apiKeyEnv
        + ", timeout="
        + timeout
        + ", maxRetries="
        + maxRetries
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", temperature="
        + temperature
        + ", maxTokens="
        + maxTokens
        + ", topLogprobs="
        + topLogprobs
        + ", labels="
        + labels
        + "}";
  }

  /** Builder of {@link RemoteOptions}. Not thread-safe. */
  public static final class Builder {
    private URI baseUrl;
    private String model = DEFAULT_MODEL;
    private String apiKeyEnv = DEFAULT_API_KEY_ENV;
    private Function<String, String> environment = System::getenv;
    private Duration timeout = Duration.ofSeconds(DEFAULT_TIMEOUT_S);
    private Duration connectTimeout = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_S);
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MS);
    private Duration maxBackoff = Duration.ofMillis(DEFAULT_MAX_BACKOFF_MS);
    private double temperature = 0.0;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private String systemPrompt = DEFAULT_SYSTEM_PROMPT;
    private LabelSet labels = LabelSet.UNIFIED;
    private boolean sendCues = true;
    private int topLogprobs = DEFAULT_TOP_LOGPROBS;
    private Long jitterSeed;

    private Builder() {}

    /**
     * The server's base URL ({@code http(s)://host:port}, with or without {@code /v1}). User info in
     * the URL is dropped (credentials belong in the environment variable).
     *
     * @throws IllegalArgumentException if it is not an absolute http or https URL
     */
    public Builder setBaseUrl(String url) {
      this.baseUrl = ChatEndpoint.parseBaseUrl(url);
      return this;
    }

    /** The model name the server serves (vLLM: its {@code --served-model-name} or model id). */
    public Builder optModel(String model) {
      this.model = requireText(model, "model");
      return this;
    }

    /** The name of the environment variable holding the API key; no key is sent when it is unset. */
    public Builder optApiKeyEnv(String name) {
      this.apiKeyEnv = requireText(name, "apiKeyEnv");
      return this;
    }

    /** How environment variables are read (tests inject a map lookup). */
    public Builder optEnvironment(Function<String, String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Timeout of one request until the whole reply is read; must be positive. */
    public Builder optTimeout(Duration timeout) {
      this.timeout = requirePositive(timeout, "timeout");
      return this;
    }

    /** Timeout for opening a connection; must be positive. */
    public Builder optConnectTimeout(Duration timeout) {
      this.connectTimeout = requirePositive(timeout, "connectTimeout");
      return this;
    }

    /** Retries after the first attempt, 0 to 20. */
    public Builder optMaxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 20) {
        throw new IllegalArgumentException("maxRetries must be 0..20, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** First backoff ceiling; must be positive. */
    public Builder optInitialBackoff(Duration backoff) {
      this.initialBackoff = requirePositive(backoff, "initialBackoff");
      return this;
    }

    /** Cap on any single wait; must be positive. */
    public Builder optMaxBackoff(Duration backoff) {
      this.maxBackoff = requirePositive(backoff, "maxBackoff");
      return this;
    }

    /** Sampling temperature, 0 to 2. */
    public Builder optTemperature(double temperature) {
      if (!(temperature >= 0 && temperature <= 2)) {
        throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /** Cap on generated tokens, 1 to 32768. */
    public Builder optMaxTokens(int maxTokens) {
      if (maxTokens < 1 || maxTokens > 32_768) {
        throw new IllegalArgumentException("maxTokens must be 1..32768, got " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /** The system message. */
    public Builder optSystemPrompt(String prompt) {
      this.systemPrompt = requireText(prompt, "systemPrompt");
      return this;
    }

    /** The labels offered when a call names no candidates (default {@link LabelSet#UNIFIED}). */
    public Builder optLabels(LabelSet labels) {
      this.labels = Objects.requireNonNull(labels, "labels");
      return this;
    }

    /** Whether to send the locally measured cues as a {@code Cues:} prompt line (default true). */
    public Builder optSendCues(boolean sendCues) {
      this.sendCues = sendCues;
      return this;
    }

    /**
     * Alternatives per token to request for the label distribution, 0 to 20 (default {@value
     * #DEFAULT_TOP_LOGPROBS}; vLLM's default limit is 20); 0 disables the request, for servers that
     * reject {@code logprobs}.
     */
    public Builder optTopLogprobs(int n) {
      if (n < 0 || n > 20) {
        throw new IllegalArgumentException("topLogprobs must be 0..20, got " + n);
      }
      this.topLogprobs = n;
      return this;
    }

    /** Seeds the backoff jitter (for reproducible tests). */
    public Builder optJitterSeed(long seed) {
      this.jitterSeed = seed;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalStateException when no base URL was set
     */
    public RemoteOptions build() {
      if (baseUrl == null) {
        throw new IllegalStateException("setBaseUrl is required");
      }
      return new RemoteOptions(this);
    }

    private static String requireText(String s, String what) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return s.trim();
    }

    private static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
