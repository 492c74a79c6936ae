package io.ser4j.rationale.llm;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * Settings of an {@link LlmTeacher}: endpoint, model, where the API key comes from, timeouts, retry
 * policy, concurrency, rate limit, reply validation and generation parameters. Immutable and
 * thread-safe; build with {@link #builder()}.
 *
 * <p>The API key itself is never held here: only the <em>name</em> of the environment variable that
 * holds it, read on every request through {@link #environment()}. {@link #toString()} names the
 * variable, never its value.
 */
public final class LlmTeacherOptions {
  /** Environment variable holding the API key when none is named. */
  public static final String DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";

  /** Default timeout of one HTTP request (until the whole reply is read), in seconds. */
  public static final long DEFAULT_TIMEOUT_S = 60;

  /** Default connect timeout, in seconds. */
  public static final long DEFAULT_CONNECT_TIMEOUT_S = 10;

  /** Default number of transport retries (429, 5xx, timeouts, connection faults) per request. */
  public static final int DEFAULT_MAX_RETRIES = 4;

  /** Default number of requests per utterance whose replies may fail validation before giving up. */
  public static final int DEFAULT_MAX_REPLY_ATTEMPTS = 3;

  /** Default first backoff ceiling, in milliseconds (doubles per retry; full jitter). */
  public static final long DEFAULT_INITIAL_BACKOFF_MS = 500;

  /** Default cap on any single wait, {@code Retry-After} included, in milliseconds. */
  public static final long DEFAULT_MAX_BACKOFF_MS = 60_000;

  /** Default sampling temperature. */
  public static final double DEFAULT_TEMPERATURE = 0.3;

  /** Default cap on generated tokens. */
  public static final int DEFAULT_MAX_TOKENS = 512;

  /** Default longest accepted rationale, in characters. */
  public static final int DEFAULT_MAX_RATIONALE_CHARS = 800;

  /** Default shortest accepted rationale, in characters (after trimming). */
  public static final int DEFAULT_MIN_RATIONALE_CHARS = 20;

  /** Default number of requests in flight in a {@link LlmTeacher#batch batch}. */
  public static final int DEFAULT_CONCURRENCY = 4;

  /** Largest accepted concurrency. */
  public static final int MAX_CONCURRENCY = 256;

  /** What to do with the {@link io.ser4j.rationale.FaithfulnessChecker}'s verdict on a reply. */
  public enum Faithfulness {
    /** Do not run the checker. */
    OFF,
    /** Run it and return its report with the rationale. */
    REPORT,
    /** Run it; a reply with a contradicted claim fails validation (retried, then a failure). */
    REJECT
  }

  private final URI baseUrl;
  private final String model;
  private final String teacherName;
  private final String apiKeyEnv;
  private final Function<String, String> environment;
  private final Duration timeout;
  private final Duration connectTimeout;
  private final int maxRetries;
  private final int maxReplyAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double temperature;
  private final int maxTokens;
  private final int maxRationaleChars;
  private final int minRationaleChars;
  private final boolean jsonMode;
  private final int concurrency;
  private final double requestsPerSecond;
  private final Faithfulness faithfulness;
  private final Long seed;
  private final Long jitterSeed;

  private LlmTeacherOptions(Builder b) {
    this.baseUrl = b.baseUrl;
    this.model = b.model;
    this.teacherName = b.teacherName == null ? LlmTeacher.NAME_PREFIX + b.model : b.teacherName;
    this.apiKeyEnv = b.apiKeyEnv;
    this.environment = b.environment;
    this.timeout = b.timeout;
    this.connectTimeout = b.connectTimeout;
    this.maxRetries = b.maxRetries;
    this.maxReplyAttempts = b.maxReplyAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.temperature = b.temperature;
    this.maxTokens = b.maxTokens;
    this.maxRationaleChars = b.maxRationaleChars;
    this.minRationaleChars = b.minRationaleChars;
    this.jsonMode = b.jsonMode;
    this.concurrency = b.concurrency;
    this.requestsPerSecond = b.requestsPerSecond;
    this.faithfulness = b.faithfulness;
    this.seed = b.seed;
    this.jitterSeed = b.jitterSeed;
  }

  /** A new builder; {@link Builder#setBaseUrl} and {@link Builder#setModel} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The server's base URL as given, without user info or query, e.g. {@code http://localhost:8000}. */
  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * The Chat Completions endpoint: the base URL plus {@code /v1/chat/completions}, or plus {@code
   * /chat/completions} when the base already ends in {@code /v1}, or the base itself when it already
   * ends in {@code /chat/completions}.
   */
  public URI endpoint() {
    return io.ser4j.model.remote.ChatEndpoint.chatCompletions(baseUrl);
  }

  /** The model name sent in each request. */
  public String model() {
    return model;
  }

  /** The teacher name stored in each rationale's key; by default {@code "llm:" + model}. */
  public String teacherName() {
    return teacherName;
  }

  /** The name of the environment variable holding the API key (not the key). */
  public String apiKeyEnv() {
    return apiKeyEnv;
  }

  /** The function that reads environment variables (normally {@link System#getenv(String)}). */
  public Function<String, String> environment() {
    return environment;
  }

  /** Timeout of one request, until the whole reply is read. */
  public Duration timeout() {
    return timeout;
  }

  /** Timeout for opening a connection. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Transport retries per request after the first attempt (429, 5xx, timeouts, I/O faults). */
  public int maxRetries() {
    return maxRetries;
  }

  /** Requests per utterance whose replies may fail validation before it is recorded as failed. */
  public int maxReplyAttempts() {
    return maxReplyAttempts;
  }

  /** Backoff ceiling before the first retry; doubles per retry up to {@link #maxBackoff()}. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** Cap on any single wait, including one asked for by {@code Retry-After}. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** Sampling temperature. */
  public double temperature() {
    return temperature;
  }

  /** Cap on generated tokens ({@code max_tokens}). */
  public int maxTokens() {
    return maxTokens;
  }

  /** Longest accepted rationale, in characters. */
  public int maxRationaleChars() {
    return maxRationaleChars;
  }

  /** Shortest accepted rationale, in characters. */
  public int minRationaleChars() {
    return minRationaleChars;
  }

  /** Whether requests carry {@code response_format: {"type": "json_object"}}. */
  public boolean jsonMode() {
    return jsonMode;
  }

  /** Requests in flight at once in a {@link LlmTeacher#batch batch}. */
  public int concurrency() {
    return concurrency;
  }

  /** Most requests started per second, retries included; 0 = no limit. */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  /** What is done with the faithfulness checker's verdict. */
  public Faithfulness faithfulness() {
    return faithfulness;
  }

  /** The {@code seed} sent with each request (servers that support it sample reproducibly), or null. */
  public Long seed() {
    return seed;
  }

  /** Seed of the backoff jitter, or {@code null} for an unseeded generator. */
  public Long jitterSeed() {
    return jitterSeed;
  }

  /** Describes the options; names the key's environment variable, never the key. */
  @Override
  public String toString() {
    return "LlmTeacherOptions{endpoint=" + endpoint()
        + ", model=" + model
        + ", teacherName=" + teacherName
        + ", apiKeyEnv=" + apiKeyEnv
        + ", timeout=" + timeout
        + ", maxRetries=" + maxRetries
        + ", maxReplyAttempts=" + maxReplyAttempts
        + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff
        + ", temperature=" + temperature
        + ", maxTokens=" + maxTokens
        + ", rationaleChars=" + minRationaleChars + ".." + maxRationaleChars
        + ", jsonMode=" + jsonMode
        + ", concurrency=" + concurrency
        + ", requestsPerSecond=" + requestsPerSecond
        + ", faithfulness=" + faithfulness
        + ", seed=" + seed
        + "}";
  }

  /** Builder of {@link LlmTeacherOptions}. Not thread-safe. */
  public static final class Builder {
    private URI baseUrl;
    private String model;
    private String teacherName;
    private String apiKeyEnv = DEFAULT_API_KEY_ENV;
    private Function<String, String> environment = System::getenv;
    private Duration timeout = Duration.ofSeconds(DEFAULT_TIMEOUT_S);
    private Duration connectTimeout = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_S);
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private int maxReplyAttempts = DEFAULT_MAX_REPLY_ATTEMPTS;
    private Duration initialBackoff = Duration.ofMillis(DEFAULT_INITIAL_BACKOFF_MS);
    private Duration maxBackoff = Duration.ofMillis(DEFAULT_MAX_BACKOFF_MS);
    private double temperature = DEFAULT_TEMPERATURE;
    private int maxTokens = DEFAULT_MAX_TOKENS;
    private int maxRationaleChars = DEFAULT_MAX_RATIONALE_CHARS;
    private int minRationaleChars = DEFAULT_MIN_RATIONALE_CHARS;
    private boolean jsonMode = true;
    private int concurrency = DEFAULT_CONCURRENCY;
    private double requestsPerSecond;
    private Faithfulness faithfulness = Faithfulness.REPORT;
    private Long seed;
    private Long jitterSeed;

    private Builder() {}

    /**
     * The server's base URL ({@code http(s)://host:port}, with or without {@code /v1}, or the full
     * {@code .../chat/completions} URL). User info and query are dropped: credentials belong in the
     * environment variable.
     *
     * @throws IllegalArgumentException if it is not an absolute http or https URL with a host
     */
    public Builder setBaseUrl(String url) {
      this.baseUrl = io.ser4j.model.remote.ChatEndpoint.parseBaseUrl(url);
      return this;
    }

    /** The model name the server serves, e.g. {@code gpt-4o-mini}, {@code llama3.1:8b}. */
    public Builder setModel(String model) {
      this.model = requireText(model, "model");
      return this;
    }

    /** The teacher name in each stored rationale's key (default {@code "llm:" + model}). */
    public Builder optTeacherName(String name) {
      this.teacherName = requireText(name, "teacherName");
      return this;
    }

    /** The name of the environment variable holding the API key; no key is sent when it is unset. */
    public Builder optApiKeyEnv(String name) {
      String n = requireText(name, "apiKeyEnv");
      if (!n.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(
            "apiKeyEnv must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*), not a key");
      }
      this.apiKeyEnv = n;
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

    /** Transport retries after the first attempt, 0 to 20. */
    public Builder optMaxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 20) {
        throw new IllegalArgumentException("maxRetries must be 0..20, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** Requests per utterance whose replies may fail validation, 1 to 10. */
    public Builder optMaxReplyAttempts(int attempts) {
      if (attempts < 1 || attempts > 10) {
        throw new IllegalArgumentException("maxReplyAttempts must be 1..10, got " + attempts);
      }
      this.maxReplyAttempts = attempts;
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

    /** Cap on generated tokens, 16 to 32768. */
    public Builder optMaxTokens(int maxTokens) {
      if (maxTokens < 16 || maxTokens > 32_768) {
        throw new IllegalArgumentException("maxTokens must be 16..32768, got " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /**
     * Accepted rationale length in characters: {@code min} 1 to {@code max}, {@code max} up to
     * 10000.
     */
    public Builder optRationaleChars(int min, int max) {
      if (min < 1 || max < min || max > 10_000) {
        throw new IllegalArgumentException(
            "rationale length bounds must satisfy 1 <= min <= max <= 10000, got " + min + ".." + max);
      }
      this.minRationaleChars = min;
      this.maxRationaleChars = max;
      return this;
    }

    /**
     * Whether to ask for {@code response_format: {"type": "json_object"}} (default true); turn off
     * for servers that reject the field. The prompt asks for JSON either way.
     */
    public Builder optJsonMode(boolean jsonMode) {
      this.jsonMode = jsonMode;
      return this;
    }

    /** Requests in flight at once in a batch, 1 to {@value #MAX_CONCURRENCY}. */
    public Builder optConcurrency(int concurrency) {
      if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
        throw new IllegalArgumentException(
            "concurrency must be 1.." + MAX_CONCURRENCY + ", got " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /** Most requests started per second, retries included; 0 (default) = no limit; at most 10000. */
    public Builder optRequestsPerSecond(double rps) {
      if (!(rps >= 0 && rps <= 10_000)) {
        throw new IllegalArgumentException("requestsPerSecond must be in [0, 10000], got " + rps);
      }
      this.requestsPerSecond = rps;
      return this;
    }

    /** What to do with the faithfulness checker's verdict (default {@link Faithfulness#REPORT}). */
    public Builder optFaithfulness(Faithfulness mode) {
      this.faithfulness = Objects.requireNonNull(mode, "faithfulness");
      return this;
    }

    /** The {@code seed} sent with each request (also stored with each rationale). */
    public Builder optSeed(long seed) {
      this.seed = seed;
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
     * @throws IllegalStateException when no base URL or no model was set
     */
    public LlmTeacherOptions build() {
      if (baseUrl == null) {
        throw new IllegalStateException("setBaseUrl is required");
      }
      if (model == null) {
        throw new IllegalStateException("setModel is required");
      }
      return new LlmTeacherOptions(this);
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
