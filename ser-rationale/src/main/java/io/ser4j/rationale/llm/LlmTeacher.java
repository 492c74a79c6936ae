package io.ser4j.rationale.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.model.remote.HttpRetry;
import io.ser4j.rationale.FaithfulnessChecker;
import io.ser4j.rationale.FaithfulnessReport;
import io.ser4j.rationale.Rationale;
import io.ser4j.rationale.Teacher;
import io.ser4j.rationale.TeacherInfo;
import io.ser4j.rationale.TeachingInput;
import io.ser4j.rationale.Verdict;
import io.ser4j.rationale.llm.LlmTeacherException.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Teacher} backed by a large language model behind any OpenAI-compatible Chat Completions
 * endpoint (OpenAI, vLLM, Ollama, llama.cpp server).
 *
 * <p><b>Request.</b> {@code POST <base>/v1/chat/completions} with {@code model}, a system and a user
 * message built by {@link LlmPrompt} (transcript, label to explain, all annotators' labels, every
 * listed cue with its value, z-score and level against the speaker's or corpus norm), {@code
 * temperature}, {@code max_tokens}, {@code stream: false}, optionally {@code seed}, and {@code
 * response_format: {"type": "json_object"}} unless {@link LlmTeacherOptions#jsonMode()} is off. The
 * API key, read from the environment variable {@link LlmTeacherOptions#apiKeyEnv()} on every
 * request, is sent as {@code Authorization: Bearer}; no header is sent when the variable is unset
 * (local servers). The key never appears in logs, exception messages, {@code toString} or
 * rationales: any server text quoted is redacted first.
 *
 * <p><b>Transport faults.</b> 408, 429, 500, 502, 503, 504, connect and read timeouts, connection
 * faults and bodies cut off mid-JSON are retried up to {@link LlmTeacherOptions#maxRetries()} times
 * with exponential backoff and full jitter; a {@code Retry-After} (seconds or HTTP date) or {@code
 * retry-after-ms} header is honoured (capped by {@link LlmTeacherOptions#maxBackoff()}) and pauses
 * every thread of this teacher, not only the one that got it. Other HTTP statuses fail at once
 * ({@link Reason#HTTP_ERROR}, {@link Reason#fatal() fatal}).
 *
 * <p><b>Reply validation.</b> {@code choices[0].message.content} must be a JSON object (a Markdown
 * code fence around it is tolerated) with a string {@code label} equal to the label asked for
 * (case-insensitive) and a string {@code rationale} of {@link LlmTeacherOptions#minRationaleChars()}
 * to {@link LlmTeacherOptions#maxRationaleChars()} characters (whitespace collapsed); {@code
 * finish_reason: "length"} is a truncated reply. In {@link LlmTeacherOptions.Faithfulness#REJECT}
 * mode a rationale with a contradicted acoustic claim is invalid too. An invalid reply is retried,
 * with a corrective message appended to the conversation, up to {@link
 * LlmTeacherOptions#maxReplyAttempts()} requests; then {@link #teach} throws an {@link
 * LlmTeacherException} naming the utterance and the {@link Reason}: a bad reply is never returned.
 *
 * <p><b>Throughput.</b> {@link #batch} runs up to {@link LlmTeacherOptions#concurrency()} requests at
 * once; every request start (retries included) passes a shared rate limiter of {@link
 * LlmTeacherOptions#requestsPerSecond()}.
 *
 * <p>Thread-safe: one instance may serve concurrent calls (the JDK HTTP client, the rate limiter and
 * the jitter generator are thread-safe; everything else is immutable).
 */
public final class LlmTeacher implements Teacher {
  /** Prefix of the default teacher name: {@code "llm:" + model}. */
  public static final String NAME_PREFIX = "llm:";

  /** Longest excerpt of a server's error text or a bad reply quoted in a message, in characters. */
  public static final int MAX_QUOTE_CHARS = 200;

  /** Longest bad reply echoed back to the model in a corrective turn, in characters. */
  static final int MAX_ECHO_CHARS = 8_000;

  private static final Logger LOG = LoggerFactory.getLogger(LlmTeacher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LlmTeacherOptions options;
  private final HttpClient client;
  private final HttpRetry retry;
  private final RateLimiter.Sleeper sleeper;
  private final RateLimiter limiter;
  private final FaithfulnessChecker checker = FaithfulnessChecker.create();

  private LlmTeacher(LlmTeacherOptions options, RateLimiter.Sleeper sleeper, LongSupplier clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(options.connectTimeout())
            // HTTP/1.1: the JDK's h2c upgrade on http:// confuses some Python servers
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.retry = new HttpRetry(options.initialBackoff(), options.maxBackoff(), options.jitterSeed());
    this.sleeper = sleeper;
    this.limiter = new RateLimiter(options.requestsPerSecond(), clock, sleeper);
  }

  /**
   * A teacher for these options.
   *
   * @param options endpoint, model, key variable, limits and validation settings
   */
  public static LlmTeacher create(LlmTeacherOptions options) {
    return new LlmTeacher(options, d -> TimeUnit.NANOSECONDS.sleep(d.toNanos()), System::nanoTime);
  }

  /** A teacher whose waits go through {@code sleeper} (tests record them instead of sleeping). */
  static LlmTeacher create(LlmTeacherOptions options, RateLimiter.Sleeper sleeper, LongSupplier clock) {
    return new LlmTeacher(options, sleeper, clock);
  }

  /** The options in use. */
  public LlmTeacherOptions options() {
    return options;
  }

  /** {@link LlmTeacherOptions#teacherName()} and {@link LlmPrompt#VERSION}. */
  @Override
  public TeacherInfo info() {
    return new TeacherInfo(options.teacherName(), LlmPrompt.VERSION);
  }

  /**
   * A valid rationale with what the LLM teacher adds.
   *
   * @param rationale the rationale (label = the majority label asked for)
   * @param faithfulness the checker's report on it, or {@code null} when the checker is {@link
   *     LlmTeacherOptions.Faithfulness#OFF off}
   * @param requests HTTP requests that produced a reply (1 unless replies were rejected)
   */
  public record Result(Rationale rationale, FaithfulnessReport faithfulness, int requests) {
    /** Validates. */
    public Result {
      Objects.requireNonNull(rationale, "rationale");
    }
  }

  /**
   * What happened to one input of a {@link Batch}: a result or a failure, never both.
   *
   * @param index the input's position in submission order (0-based)
   * @param input the input
   * @param result the result, or {@code null} on failure
   * @param failure the failure, or {@code null} on success
   */
  public record Outcome(int index, TeachingInput input, Result result, LlmTeacherException failure) {
    /** Validates: exactly one of result and failure. */
    public Outcome {
      Objects.requireNonNull(input, "input");
      if ((result == null) == (failure == null)) {
        throw new IllegalArgumentException("exactly one of result and failure must be set");
      }
    }

    /** True when a rationale was produced. */
    public boolean ok() {
      return result != null;
    }
  }

  /**
   * Explains {@code in.label()}.
   *
   * @throws LlmTeacherException naming the utterance and the reason when no valid rationale could be
   *     obtained
   */
  @Override
  public Rationale teach(TeachingInput in) {
    return teachChecked(in).rationale();
  }

  /**
   * Explains {@code in.label()} and returns the faithfulness report with the rationale.
   *
   * @throws LlmTeacherException naming the utterance and the reason when no valid rationale could be
   *     obtained
   */
  public Result teachChecked(TeachingInput in) {
    String id = in.utteranceId();
    if (in.label() == null) {
      throw new LlmTeacherException(id, Reason.NO_LABEL, "no majority label to explain");
    }
    List<ObjectNode> messages = new ArrayList<>();
    messages.add(message("system", LlmPrompt.SYSTEM));
    messages.add(message("user", LlmPrompt.user(in, options.maxRationaleChars())));
    Reason lastReason = null;
    String lastProblem = "";
    int attempts = options.maxReplyAttempts();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      Reply reply = complete(requestBody(messages), id);
      try {
        return validate(in, reply, attempt);
      } catch (InvalidReply e) {
        lastReason = e.reason;
        lastProblem = e.getMessage();
        LOG.warn(
            "{}: {}: reply {}/{} rejected ({}): {}",
            endpointName(), id, attempt, attempts, e.reason, lastProblem);
        if (!reply.content().isBlank() && reply.content().length() <= MAX_ECHO_CHARS) {
          messages.add(message("assistant", reply.content()));
        }
        messages.add(message("user", LlmPrompt.correction(in, lastProblem, options.maxRationaleChars())));
      }
    }
    throw new LlmTeacherException(
        id,
        lastReason,
        "reply from " + endpointName() + " rejected " + attempts + " time(s); last: " + lastProblem);
  }

  /**
   * Teaches every input with up to {@link LlmTeacherOptions#concurrency()} requests in flight. After
   * a {@link Reason#fatal() fatal} failure the remaining inputs are not sent; their outcomes are
   * failures with the same reason.
   *
   * @return one outcome per input, in input order
   * @throws InterruptedException when interrupted while waiting (requests in flight are abandoned)
   */
  public List<Outcome> teachAll(List<TeachingInput> inputs) throws InterruptedException {
    Outcome[] out = new Outcome[inputs.size()];
    int sent = 0;
    LlmTeacherException stop;
    try (Batch b = batch(o -> out[o.index()] = o)) {
      for (TeachingInput in : inputs) {
        if (!b.submit(in)) {
          break;
        }
        sent++;
      }
      stop = b.stoppedBy();
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("interrupted while waiting for the LLM teacher");
    }
    for (int i = sent; i < out.length; i++) {
      String id = inputs.get(i).utteranceId();
      out[i] = new Outcome(i, inputs.get(i), null, new LlmTeacherException(id, stop.reason(),
          "not sent: an earlier request failed in a way every request would repeat: " + stop.problem()));
    }
    return List.copyOf(Arrays.asList(out));
  }

  /**
   * A batch with up to {@link LlmTeacherOptions#concurrency()} requests in flight; each outcome is
   * passed to {@code sink} as soon as it is known (completion order), one call at a time (the sink
   * need not be thread-safe against itself, but it runs on a worker thread).
   */
  public Batch batch(Consumer<Outcome> sink) {
    return new Batch(sink, options.concurrency());
  }

  /**
   * Submits utterances to an {@link LlmTeacher} with bounded concurrency. {@link #submit} blocks
   * while {@code concurrency} utterances are being taught, so inputs can be produced lazily (e.g.
   * measuring cues) without queueing a whole corpus; {@link #close()} waits for every submitted
   * utterance. After the first {@link Reason#fatal() fatal} failure (bad key, unknown model, bad
   * request, interruption) the batch stops: {@link #submit} sends nothing more and returns false.
   * Meant to be driven by one thread.
   */
  public final class Batch implements AutoCloseable {
    private final Consumer<Outcome> sink;
    private final Semaphore permits;
    private final ExecutorService pool;
    private final Object sinkLock = new Object();
    private final AtomicReference<RuntimeException> sinkError = new AtomicReference<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicReference<LlmTeacherException> stoppedBy = new AtomicReference<>();
    private int submitted;
    private boolean closed;

    private Batch(Consumer<Outcome> sink, int concurrency) {
      this.sink = Objects.requireNonNull(sink, "sink");
      this.permits = new Semaphore(concurrency);
      AtomicInteger n = new AtomicInteger();
      this.pool =
          Executors.newFixedThreadPool(
              concurrency,
              r -> {
                Thread t = new Thread(r, "llm-teacher-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    }

    /**
     * Starts teaching {@code in}; blocks while {@code concurrency} utterances are in flight.
     *
     * @return true when submitted; false (nothing sent) when the batch has stopped after a fatal
     *     failure ({@link #stoppedBy()})
     * @throws InterruptedException when interrupted while waiting for a free slot
     * @throws IllegalStateException when the batch is closed
     * @throws RuntimeException the first exception the sink threw (the batch stops accepting work)
     */
    public boolean submit(TeachingInput in) throws InterruptedException {
      Objects.requireNonNull(in, "in");
      if (closed) {
        throw new IllegalStateException("batch is closed");
      }
      rethrowSinkError();
      permits.acquire();
      if (stoppedBy.get() != null) {
        permits.release();
        return false;
      }
      rethrowSinkErrorReleasing();
      int index = submitted++;
      inFlight.incrementAndGet();
      try {
        pool.execute(() -> run(index, in));
      } catch (RejectedExecutionException e) {
        inFlight.decrementAndGet();
        permits.release();
        throw new IllegalStateException("batch is closed", e);
      }
      return true;
    }

    /** The fatal failure that stopped the batch, or null while it runs. */
    public LlmTeacherException stoppedBy() {
      return stoppedBy.get();
    }

    private void rethrowSinkErrorReleasing() {
      if (sinkError.get() != null) {
        permits.release();
        rethrowSinkError();
      }
    }

    /** Utterances submitted and not yet passed to the sink. */
    public int inFlight() {
      return inFlight.get();
    }

    private void run(int index, TeachingInput in) {
      Outcome o;
      try {
        o = new Outcome(index, in, teachChecked(in), null);
      } catch (LlmTeacherException e) {
        o = new Outcome(index, in, null, e);
      } catch (RuntimeException e) {
        LOG.error("{}: {}: unexpected failure", endpointName(), in.utteranceId(), e);
        o = new Outcome(index, in, null, new LlmTeacherException(in.utteranceId(), Reason.INTERNAL,
            "unexpected " + e.getClass().getSimpleName() + ": " + redact(String.valueOf(e.getMessage())), e));
      }
      if (o.failure() != null && o.failure().reason().fatal()) {
        stoppedBy.compareAndSet(null, o.failure());
      }
      try {
        synchronized (sinkLock) {
          if (sinkError.get() == null) {
            sink.accept(o);
          }
        }
      } catch (RuntimeException e) {
        sinkError.compareAndSet(null, e);
      } finally {
        inFlight.decrementAndGet();
        permits.release();
      }
    }

    private void rethrowSinkError() {
      RuntimeException e = sinkError.get();
      if (e != null) {
        throw e;
      }
    }

    /**
     * Waits for every submitted utterance to reach the sink, then releases the worker threads. When
     * the calling thread is interrupted, requests in flight are interrupted (their outcomes are
     * {@link Reason#INTERRUPTED} failures) and the interrupt flag is restored.
     *
     * @throws RuntimeException the first exception the sink threw
     */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      pool.shutdown();
      try {
        while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
          // keep waiting: every request is bounded by the timeouts and the retry budget
        }
      } catch (InterruptedException e) {
        pool.shutdownNow();
        Thread.currentThread().interrupt();
      }
      rethrowSinkError();
    }
  }

  /** Describes the teacher (endpoint, model and the key's variable name; never the key). */
  @Override
  public String toString() {
    return "LlmTeacher{" + options + "}";
  }

  // ---- request ----------------------------------------------------------------------------------

  private static ObjectNode message(String role, String content) {
    ObjectNode m = JSON.createObjectNode();
    m.put("role", role);
    m.put("content", content);
    return m;
  }

  /** The Chat Completions request JSON. Package-private for tests. */
  String requestBody(List<ObjectNode> messages) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", options.model());
    ArrayNode arr = root.putArray("messages");
    messages.forEach(arr::add);
    root.put("temperature", options.temperature());
    root.put("max_tokens", options.maxTokens());
    root.put("stream", false);
    if (options.seed() != null) {
      root.put("seed", options.seed());
    }
    if (options.jsonMode()) {
      root.putObject("response_format").put("type", "json_object");
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private HttpRequest request(String body, String id) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(options.endpoint())
            .timeout(options.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    String key = apiKey();
    if (key != null) {
      if (!io.ser4j.model.remote.ChatEndpoint.isHeaderSafe(key)) {
        throw new LlmTeacherException(id, Reason.HTTP_ERROR,
            "the API key in environment variable " + options.apiKeyEnv()
                + " has characters not allowed in an HTTP header");
      }
      b.header("Authorization", "Bearer " + key);
    }
    return b.build();
  }

  private String apiKey() {
    return io.ser4j.model.remote.ChatEndpoint.apiKey(options.environment(), options.apiKeyEnv());
  }

  // ---- transport with retries -------------------------------------------------------------------

  /** The model's answer: {@code choices[0].message.content} and {@code finish_reason}. */
  private record Reply(String content, String finishReason) {}

  /** A reply body that is not a usable Chat Completions object; retried like a transport fault. */
  private static final class BadEnvelope extends Exception {
    private static final long serialVersionUID = 1L;

    BadEnvelope(String message) {
      super(message, null, false, false);
    }
  }

  private Reply complete(String body, String id) {
    int attempts = options.maxRetries() + 1;
    String lastCause = "";
    Reason lastReason = Reason.UNAVAILABLE;
    Throwable lastException = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      Duration retryAfter = null;
      try {
        limiter.acquire();
        HttpResponse<String> response =
            client.send(request(body, id), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status / 100 == 2) {
          return envelope(response.body());
        }
        String error = serverError(response.body());
        if (!HttpRetry.isRetryable(status)) {
          throw new LlmTeacherException(id, Reason.HTTP_ERROR,
              endpointName() + " answered HTTP " + status + ": " + error);
        }
        lastCause = "HTTP " + status + ": " + error;
        lastReason = Reason.UNAVAILABLE;
        lastException = null;
        retryAfter = HttpRetry.retryAfter(response);
      } catch (BadEnvelope e) {
        lastCause = e.getMessage();
        lastReason = Reason.BAD_ENVELOPE;
        lastException = null;
      } catch (HttpConnectTimeoutException e) {
        lastCause = "connect timeout after " + options.connectTimeout().toMillis() + " ms";
        lastReason = Reason.UNAVAILABLE;
        lastException = e;
      } catch (HttpTimeoutException e) {
        lastCause = "no complete reply within " + options.timeout().toMillis() + " ms";
        lastReason = Reason.UNAVAILABLE;
        lastException = e;
      } catch (ConnectException e) {
        lastCause = "cannot connect: " + redact(String.valueOf(e.getMessage()));
        lastReason = Reason.UNAVAILABLE;
        lastException = e;
      } catch (IOException e) {
        lastCause = "I/O error: " + redact(String.valueOf(e.getMessage()));
        lastReason = Reason.UNAVAILABLE;
        lastException = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmTeacherException(id, Reason.INTERRUPTED, "interrupted while waiting for " + endpointName());
      }
      if (attempt < attempts) {
        Duration wait = backoff(attempt, retryAfter);
        LOG.warn("{}: {}: attempt {}/{} failed ({}); retrying in {} ms",
            endpointName(), id, attempt, attempts, lastCause, wait.toMillis());
        try {
          if (retryAfter != null) {
            limiter.pauseFor(wait); // every thread holds off; the next acquire() waits
          } else {
            sleeper.sleep(wait);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LlmTeacherException(id, Reason.INTERRUPTED, "interrupted while backing off");
        }
      }
    }
    throw new LlmTeacherException(id, lastReason,
        "no usable reply from " + endpointName() + " after " + attempts + " attempt(s); last: " + lastCause,
        lastException);
  }

  /** The wait before retry {@code attempt} (see {@link HttpRetry#backoff}). */
  Duration backoff(int attempt, Duration retryAfter) {
    return retry.backoff(attempt, retryAfter);
  }

  private Reply envelope(String body) throws BadEnvelope {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonEOFException e) {
      throw new BadEnvelope("reply body cut off (" + body.length() + " chars, JSON ends early)");
    } catch (JsonProcessingException e) {
      throw new BadEnvelope("reply body is not JSON (starts: " + quote(body) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new BadEnvelope(body.isBlank() ? "empty reply body" : "reply body is not a JSON object");
    }
    JsonNode choices = root.path("choices");
    if (!choices.isArray() || choices.isEmpty()) {
      throw new BadEnvelope("reply has no choices");
    }
    JsonNode choice = choices.get(0);
    JsonNode content = choice.path("message").path("content");
    String finish = choice.path("finish_reason").asText("");
    if (content.isNull() || content.isMissingNode()) {
      return new Reply("", finish);
    }
    if (!content.isTextual()) {
      throw new BadEnvelope("choices[0].message.content is not a string");
    }
    return new Reply(content.asText(), finish);
  }

  private String serverError(String body) {
    String msg = body == null ? "" : body;
    try {
      JsonNode root = JSON.readTree(msg);
      if (root != null) {
        JsonNode m = root.path("error").path("message");
        if (m.isTextual()) {
          msg = m.asText();
        } else if (root.path("error").isTextual()) {
          msg = root.path("error").asText();
        } else if (root.path("message").isTextual()) {
          msg = root.path("message").asText();
        }
      }
    } catch (JsonProcessingException e) {
      // not JSON: quote the raw text
    }
    String q = quote(msg.strip());
    return q.isEmpty() ? "(no error text)" : q;
  }

  // ---- reply validation -------------------------------------------------------------------------

  /** A reply that failed validation; retried with a corrective message. */
  private static final class InvalidReply extends Exception {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    InvalidReply(Reason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }

  private Result validate(TeachingInput in, Reply reply, int requests) throws InvalidReply {
    String content = reply.content();
    if ("length".equals(reply.finishReason())) {
      throw new InvalidReply(Reason.TRUNCATED,
          "reply cut off at max_tokens=" + options.maxTokens() + " (finish_reason \"length\")");
    }
    if (content.isBlank()) {
      throw new InvalidReply(Reason.EMPTY, "reply is empty");
    }
    String json = stripFence(content.strip());
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonEOFException e) {
      throw new InvalidReply(Reason.TRUNCATED, "reply JSON ends early (starts: " + quote(content) + ")");
    } catch (JsonProcessingException e) {
      throw new InvalidReply(Reason.NOT_JSON, "reply is not JSON (starts: " + quote(content) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidReply(Reason.NOT_JSON, "reply is not a JSON object (starts: " + quote(content) + ")");
    }
    JsonNode label = root.get("label");
    JsonNode rationale = root.get("rationale");
    if (label == null || !label.isTextual()) {
      throw new InvalidReply(Reason.MISSING_FIELD, "reply JSON has no string \"label\"");
    }
    if (rationale == null || !rationale.isTextual()) {
      throw new InvalidReply(Reason.MISSING_FIELD, "reply JSON has no string \"rationale\"");
    }
    String want = in.label().name();
    String got = label.asText().trim().toLowerCase(Locale.ROOT);
    if (!got.equals(want)) {
      throw new InvalidReply(Reason.WRONG_LABEL,
          "reply labels it \"" + quote(label.asText()) + "\", not the majority label \"" + want + "\"");
    }
    String text = rationale.asText().replaceAll("\\s+", " ").strip();
    if (text.isEmpty()) {
      throw new InvalidReply(Reason.EMPTY, "rationale is empty");
    }
    if (text.length() < options.minRationaleChars()) {
      throw new InvalidReply(Reason.TOO_SHORT,
          "rationale has " + text.length() + " characters, fewer than " + options.minRationaleChars());
    }
    if (text.length() > options.maxRationaleChars()) {
      throw new InvalidReply(Reason.TOO_LONG,
          "rationale has " + text.length() + " characters, more than " + options.maxRationaleChars());
    }
    text = redact(text);
    FaithfulnessReport report = null;
    if (options.faithfulness() != LlmTeacherOptions.Faithfulness.OFF) {
      report = checker.check(text, in.relative());
      if (options.faithfulness() == LlmTeacherOptions.Faithfulness.REJECT && report.contradicted() > 0) {
        List<String> bad = report.claims().stream()
            .filter(c -> c.verdict() == Verdict.CONTRADICTED)
            .map(c -> "\"" + c.claim().phrase() + "\"")
            .toList();
        throw new InvalidReply(Reason.UNFAITHFUL,
            "the rationale contradicts the measurements: " + String.join(", ", bad));
      }
    }
    long seed = options.seed() == null ? 0 : options.seed();
    Rationale r = new Rationale(in.utteranceId(), text, in.label(), options.teacherName(), LlmPrompt.VERSION, seed);
    return new Result(r, report, requests);
  }

  /** The inside of a Markdown code fence ({@code ```json ... ```}), or the text itself. */
  static String stripFence(String s) {
    if (!s.startsWith("```")) {
      return s;
    }
    int nl = s.indexOf('\n');
    int end = s.lastIndexOf("```");
    if (nl < 0 || end <= nl) {
      return s.substring(3);
    }
    return s.substring(nl + 1, end).strip();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** The endpoint URL for messages (no user info, no key). */
  private String endpointName() {
    return options.endpoint().toString();
  }

  /** Removes the API key from text a server might echo back. */
  String redact(String text) {
    if (text == null) {
      return "";
    }
    String key = apiKey();
    return key == null || key.length() < 4 ? text : text.replace(key, "***");
  }

  /** Redacted, whitespace-collapsed and cut to {@value #MAX_QUOTE_CHARS} characters. */
  private String quote(String s) {
    String one = redact(s).replaceAll("\\s+", " ").strip();
    return one.length() <= MAX_QUOTE_CHARS ? one : one.substring(0, MAX_QUOTE_CHARS) + "...";
  }
}
