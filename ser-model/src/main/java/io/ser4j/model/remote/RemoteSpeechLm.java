package io.ser4j.model.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.Resampler;
import io.ser4j.audio.cues.CueExtractor;
import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.Label;
import io.ser4j.core.LabelDistribution;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.RecognitionException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.model.speechlm.AnswerFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recognizer backed by a remote SpeechLM behind an OpenAI-compatible Chat Completions endpoint
 * that accepts {@code input_audio} content parts (what vLLM serves for Qwen2-Audio).
 *
 * <p>Per clip: the clip is resampled to 16 kHz and sent as a base64 16-bit mono WAV; the text part
 * lists the candidate labels, the locally measured cues (optional) and the answer format of {@code
 * docs/speechlm-format.md}; {@code choices[0].message.content} is parsed with {@link AnswerFormat}.
 * The cues in the returned {@link Recognition} are measured locally with {@link CueExtractor}.
 *
 * <p><b>Probabilities.</b> Chat Completions does not score arbitrary continuations. When the server
 * returns {@code logprobs} with {@code top_logprobs} (requested unless {@link
 * RemoteOptions#topLogprobs()} is 0), the distribution is built from the alternatives at the first
 * token of the {@code Emotion:} value ({@link DistributionSource#LOGPROBS}); otherwise it is
 * <em>one-hot</em> on the parsed label ({@link DistributionSource#ONE_HOT}) and carries no
 * confidence. {@link #analyze} says which; see {@code docs/remote.md}.
 *
 * <p><b>Failures.</b> 429, 500, 502, 503, 504, connect/read timeouts, I/O errors and truncated
 * replies are retried up to {@link RemoteOptions#maxRetries()} times with exponential backoff and
 * full jitter, honouring {@code retry-after-ms} / {@code Retry-After} (seconds or HTTP date) capped by {@link RemoteOptions#maxBackoff()} ({@link HttpRetry}).
 * Other HTTP errors, malformed JSON, replies without choices and answers without a candidate label
 * throw {@link RecognitionException} at once. The API key is sent as {@code Authorization: Bearer}
 * when its environment variable is set and never appears in logs, messages or {@code toString}.
 *
 * <p>Thread-safe: one instance may serve concurrent calls (the JDK HTTP client and the jitter
 * generator are thread-safe; everything else is immutable).
 */
public final class RemoteSpeechLm implements Recognizer {
  /** Sample rate of the audio sent to the server, in Hz. */
  public static final int SEND_RATE_HZ = 16_000;

  /** Longest server error text quoted in an exception message, in characters. */
  public static final int MAX_ERROR_CHARS = 300;

  private static final Logger LOG = LoggerFactory.getLogger(RemoteSpeechLm.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BITS_PER_SAMPLE = 16;
  private static final int WAV_HEADER_BYTES = 44;

  private final RemoteOptions options;
  private final HttpClient client;
  private final CueExtractor cueExtractor;
  private final HttpRetry retry;
  private final Sleeper sleeper;

  /** Waits between attempts; replaced in tests. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /**
   * A recognizer for these options.
   *
   * @param options endpoint, model, key variable, timeouts and retry policy
   */
  public RemoteSpeechLm(RemoteOptions options) {
    this(options, d -> Thread.sleep(d.toMillis()));
  }

  RemoteSpeechLm(RemoteOptions options, Sleeper sleeper) {
    this.options = options;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(options.connectTimeout())
            // HTTP/1.1: the JDK's h2c upgrade attempt on http:// confuses some Python servers
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.cueExtractor = CueExtractor.create();
    this.retry = new HttpRetry(options.initialBackoff(), options.maxBackoff(), options.jitterSeed());
    this.sleeper = sleeper;
  }

  /** The options in use. */
  public RemoteOptions options() {
    return options;
  }

  /** {@code model@baseUrl}, e.g. {@code Qwen/Qwen2-Audio-7B-Instruct@http://localhost:8000}. */
  @Override
  public String name() {
    return options.model() + "@" + options.baseUrl();
  }

  @Override
  public LabelSet labels() {
    return options.labels();
  }

  /** Where a recognition's probabilities came from. */
  public enum DistributionSource {
    /** Renormalised first-token {@code top_logprobs} of the {@code Emotion:} value. */
    LOGPROBS,
    /** Probability 1 on the parsed label: the server gave no usable logprobs. */
    ONE_HOT
  }

  /**
   * A recognition with what the remote call adds.
   *
   * @param recognition the recognition
   * @param distributionSource where {@link Recognition#probabilities()} came from
   * @param finishReason the server's {@code finish_reason} ({@code "stop"}, {@code "length"}, ...),
   *     or empty
   * @param warnings what the answer parser found missing or odd; empty for a well-formed answer
   */
  public record Result(
      Recognition recognition,
      DistributionSource distributionSource,
      String finishReason,
      List<String> warnings) {
    /** Copies the warnings. */
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Recognises one clip through the remote model; same as {@code analyze(clip,
   * candidates).recognition()}.
   *
   * @throws AudioFormatException when the clip is empty or cannot be resampled to 16 kHz
   * @throws RecognitionException naming the endpoint when the server fails, after retries where the
   *     failure is transient, or when its answer names no candidate label
   */
  @Override
  public Recognition recognize(AudioClip clip, LabelSet candidates) {
    return analyze(clip, candidates).recognition();
  }

  /**
   * Recognises one clip and reports where the probabilities came from.
   *
   * @param clip mono audio at any rate
   * @param candidates the labels to choose from, or {@code null} for {@link #labels()}
   * @throws AudioFormatException when the clip is empty or cannot be resampled to 16 kHz
   * @throws RecognitionException naming the endpoint when the server fails, after retries where the
   *     failure is transient, or when its answer names no candidate label
   */
  public Result analyze(AudioClip clip, LabelSet candidates) {
    LabelSet labels = candidates == null ? options.labels() : candidates;
    if (clip.isEmpty()) {
      throw new AudioFormatException(clip.sourceId(), "empty clip: no samples to send");
    }
    long t0 = System.nanoTime();
    byte[] wav = toWav16k(clip);
    long t1 = System.nanoTime();
    Cues cues = cueExtractor.extract(clip, false);
    long t2 = System.nanoTime();
    String body = requestBody(wav, labels, options.sendCues() ? cues : null);
    Reply reply = complete(body);
    AnswerFormat.ParsedAnswer answer = AnswerFormat.parse(reply.content(), labels);
    long t3 = System.nanoTime();
    if (!answer.hasLabel()) {
      String got =
          answer.rawEmotion().isEmpty()
              ? "no Emotion field"
              : "'" + truncate(redact(answer.rawEmotion()), 60) + "'";
      throw new RecognitionException(
          endpointName(), "reply has no label from " + labels + " (" + got + ")");
    }
    if (!answer.warnings().isEmpty()) {
      LOG.debug("{}: answer for {}: {}", endpointName(), clip.sourceId(), answer.warnings());
    }
    LabelDistribution dist = LabelLogprobs.fromLogprobs(reply.logprobs(), labels, answer.label());
    DistributionSource source = DistributionSource.LOGPROBS;
    if (dist == null) {
      double[] oneHot = new double[labels.size()];
      oneHot[labels.indexOf(answer.label())] = 1.0;
      dist = LabelDistribution.of(labels, oneHot);
      source = DistributionSource.ONE_HOT;
    }
    Recognition r =
        new Recognition(
            clip.sourceId(),
            name(),
            answer.transcript(),
            answer.label(),
            dist,
            answer.rationale(),
            cues,
            new Recognition.Timings(
                Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2)));
    return new Result(r, source, reply.finishReason(), answer.warnings());
  }

  /** Describes the recognizer (endpoint and model; never the key). */
  @Override
  public String toString() {
    return "RemoteSpeechLm{" + options + "}";
  }

  // ---- request --------------------------------------------------------------------------------

  /** The Chat Completions request JSON for one clip. Package-private for tests. */
  String requestBody(byte[] wav, LabelSet labels, Cues cues) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", options.model());
    ArrayNode messages = root.putArray("messages");
    ObjectNode system = messages.addObject();
    system.put("role", "system");
    system.put("content", options.systemPrompt());
    ObjectNode user = messages.addObject();
    user.put("role", "user");
    ArrayNode parts = user.putArray("content");
    ObjectNode audio = parts.addObject();
    audio.put("type", "input_audio");
    ObjectNode inputAudio = audio.putObject("input_audio");
    inputAudio.put("data", Base64.getEncoder().encodeToString(wav));
    inputAudio.put("format", "wav");
    ObjectNode text = parts.addObject();
    text.put("type", "text");
    text.put("text", instruction(labels, cues));
    root.put("temperature", options.temperature());
    root.put("max_tokens", options.maxTokens());
    root.put("stream", false);
    if (options.topLogprobs() > 0) {
      root.put("logprobs", true);
      root.put("top_logprobs", options.topLogprobs());
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  /** The user instruction: labels line, optional cues line, and the answer format. */
  static String instruction(LabelSet labels, Cues cues) {
    StringBuilder sb = new StringBuilder();
    sb.append(AnswerFormat.labelsLine(labels)).append('\n');
    if (cues != null) {
      StringBuilder line = new StringBuilder();
      for (Cue c :
          new Cue[] {
            Cue.F0_MEAN_HZ,
            Cue.F0_SD_SEMITONES,
            Cue.INTENSITY_MEAN_DB,
            Cue.SPEECH_RATE_SYLLABLES_PER_S,
            Cue.PAUSE_FRACTION
          }) {
        double v = cues.get(c);
        if (Double.isFinite(v)) {
          line.append(line.length() == 0 ? "" : "; ")
              .append(c.key())
              .append('=')
              .append(String.format(Locale.ROOT, "%.3g", v));
        }
      }
      if (line.length() > 0) {
        sb.append("Cues: ").append(line).append('\n');
      }
    }
    sb.append("Answer in exactly three lines:\n")
        .append("Transcript: <what is said>\n")
        .append("Emotion: <one label from the Labels line>\n")
        .append("Rationale: <one to three sentences citing what you hear>");
    return sb.toString();
  }

  /** 16 kHz mono 16-bit PCM WAV bytes of the clip. Package-private for tests. */
  static byte[] toWav16k(AudioClip clip) {
    float[] x = clip.samples();
    if (clip.sampleRate() != SEND_RATE_HZ) {
      AudioLoader.checkResamplable(clip.sourceId(), clip.sampleRate(), SEND_RATE_HZ);
      x = Resampler.create(clip.sampleRate(), SEND_RATE_HZ).resample(x);
    }
    int dataBytes = x.length * 2;
    ByteBuffer b = ByteBuffer.allocate(WAV_HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
    b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
    b.putShort((short) 1).putShort((short) 1).putInt(SEND_RATE_HZ);
    b.putInt(SEND_RATE_HZ * 2).putShort((short) 2).putShort((short) BITS_PER_SAMPLE);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    for (float v : x) {
      float c = Float.isNaN(v) ? 0f : Math.max(-1f, Math.min(1f, v));
      b.putShort((short) Math.round(c * Short.MAX_VALUE));
    }
    return b.array();
  }

  // ---- transport with retries -----------------------------------------------------------------

  /** What the server answered: content, finish reason and the choice's logprobs (or null). */
  private record Reply(String content, String finishReason, JsonNode logprobs) {}

  /** Sends the request with retries; returns {@code choices[0]}'s content and logprobs. */
  private Reply complete(String body) {
    int attempts = options.maxRetries() + 1;
    String lastCause = "";
    Throwable lastException = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      Duration retryAfter = null;
      try {
        HttpResponse<String> response =
            client.send(request(body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status / 100 == 2) {
          return content(response.body());
        }
        String error = serverError(response.body());
        if (!HttpRetry.isRetryable(status)) {
          throw new RecognitionException(endpointName(), "HTTP " + status + ": " + error);
        }
        lastCause = "HTTP " + status + ": " + error;
        lastException = null;
        retryAfter = HttpRetry.retryAfter(response);
      } catch (TruncatedReplyException e) {
        lastCause = e.getMessage();
        lastException = null;
      } catch (HttpConnectTimeoutException e) {
        lastCause = "connect timeout after " + options.connectTimeout().toMillis() + " ms";
        lastException = e;
      } catch (HttpTimeoutException e) {
        lastCause = "no complete reply within " + options.timeout().toMillis() + " ms";
        lastException = e;
      } catch (IOException e) {
        lastCause = "I/O error: " + redact(String.valueOf(e.getMessage()));
        lastException = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RecognitionException(endpointName(), "interrupted while waiting for the server");
      }
      if (attempt < attempts) {
        Duration wait = backoff(attempt, retryAfter);
        LOG.warn(
            "{}: attempt {}/{} failed ({}); retrying in {} ms",
            endpointName(),
            attempt,
            attempts,
            lastCause,
            wait.toMillis());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new RecognitionException(endpointName(), "interrupted while backing off");
        }
      }
    }
    throw new RecognitionException(
        endpointName(),
        "failed after " + attempts + " attempt(s); last: " + lastCause,
        lastException);
  }

  private HttpRequest request(String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(options.endpoint())
            .timeout(options.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    String key = apiKey();
    if (key != null) {
      if (!ChatEndpoint.isHeaderSafe(key)) {
        throw new RecognitionException(
            endpointName(),
            "the API key in environment variable "
                + options.apiKeyEnv()
                + " has characters not allowed in an HTTP header");
      }
      b.header("Authorization", "Bearer " + key);
    }
    return b.build();
  }

  private String apiKey() {
    return ChatEndpoint.apiKey(options.environment(), options.apiKeyEnv());
  }

  /** The wait before retry {@code attempt} (see {@link HttpRetry#backoff}). */
  Duration backoff(int attempt, Duration retryAfter) {
    return retry.backoff(attempt, retryAfter);
  }

  // ---- reply parsing ----------------------------------------------------------------------------

  /** Thrown inside {@link #complete} for a reply cut off before its end (retryable). */
  private static final class TruncatedReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    TruncatedReplyException(String message) {
      super(message);
    }
  }

  private Reply content(String body) throws TruncatedReplyException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonEOFException e) {
      throw new TruncatedReplyException("truncated reply (" + body.length() + " chars, JSON cut off)");
    } catch (JsonProcessingException e) {
      throw new RecognitionException(
          endpointName(),
          "reply is not valid JSON: "
              + truncate(redact(e.getOriginalMessage()), MAX_ERROR_CHARS)
              + " (reply starts: "
              + truncate(redact(body), 80)
              + ")");
    }
    if (root == null || root.isMissingNode() || !root.isObject()) {
      if (body.isBlank()) {
        throw new TruncatedReplyException("empty reply body");
      }
      throw new RecognitionException(endpointName(), "reply is not a JSON object");
    }
    JsonNode choices = root.path("choices");
    if (!choices.isArray() || choices.isEmpty()) {
      throw new RecognitionException(endpointName(), "reply has no choices");
    }
    JsonNode choice = choices.get(0);
    JsonNode content = choice.path("message").path("content");
    if (!content.isTextual()) {
      throw new RecognitionException(endpointName(), "reply has no choices[0].message.content text");
    }
    JsonNode logprobs = choice.path("logprobs");
    return new Reply(
        content.asText(),
        choice.path("finish_reason").asText(""),
        logprobs.isObject() ? logprobs : null);
  }

  private String serverError(String body) {
    String msg = body == null ? "" : body;
    try {
      JsonNode root = JSON.readTree(msg);
      if (root != null) {
        JsonNode m = root.path("error").path("message");
        if (m.isTextual()) {
          msg = m.asText();
        } else if (root.path("message").isTextual()) {
          msg = root.path("message").asText();
        }
      }
    } catch (JsonProcessingException e) {
      // not JSON: quote the raw text
    }
    msg = redact(msg.strip());
    return msg.isEmpty() ? "(no error text)" : truncate(msg, MAX_ERROR_CHARS);
  }

  /** The endpoint URL for messages (no user info, no key). */
  private String endpointName() {
    return options.endpoint().toString();
  }

  /** Removes the API key from text a server might echo back. */
  private String redact(String text) {
    if (text == null) {
      return "";
    }
    String key = apiKey();
    return key == null || key.length() < 4 ? text : text.replace(key, "***");
  }

  private static String truncate(String s, int max) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() <= max ? one : one.substring(0, max) + "...";
  }
}
