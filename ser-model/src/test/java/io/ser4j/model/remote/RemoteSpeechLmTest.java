package io.ser4j.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.audio.AudioLoader;
import io.ser4j.audio.Resampler;
import io.ser4j.core.AudioClip;
import io.ser4j.core.AudioFormatException;
import io.ser4j.core.Label;
import io.ser4j.core.LabelSet;
import io.ser4j.core.Recognition;
import io.ser4j.core.RecognitionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fault tests against a local HTTP server started by the test (no network). */
class RemoteSpeechLmTest {
  private static final String KEY = "sk-test-SECRET-0123456789";
  private static final String KEY_ENV = "SER4J_TEST_KEY";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LabelSet LABELS = LabelSet.of("anger", "happiness", "neutral", "sadness");
  private static final String ANSWER =
      "Transcript: Der Lappen liegt auf dem Eisschrank.\nEmotion: anger\n"
          + "Rationale: Loud and fast, with a high pitch.";
  private static final int CLIP_RATE_HZ = 22_050;

  private MockWebServer server;
  private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  private PrintStream originalErr;
  private ByteArrayOutputStream capturedErr;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    originalErr = System.err;
    capturedErr = new ByteArrayOutputStream();
    System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setErr(originalErr);
    server.close();
    // the key must never reach a log line, whatever the test did
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).doesNotContain(KEY);
  }

  private static AudioClip clip() {
    int n = CLIP_RATE_HZ; // 1 s
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      double t = i / (double) CLIP_RATE_HZ;
      double f0 = 180 + 40 * Math.sin(2 * Math.PI * 3 * t);
      double env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
      x[i] = (float) (0.3 * env * (Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(4 * Math.PI * f0 * t)));
    }
    return AudioClip.of(x, CLIP_RATE_HZ, "tone.wav");
  }

  private RemoteOptions.Builder options(String key) {
    Map<String, String> env = key == null ? Map.of() : Map.of(KEY_ENV, key);
    return RemoteOptions.builder()
        .setBaseUrl(server.url("/").toString())
        .optModel("qwen2-audio")
        .optApiKeyEnv(KEY_ENV)
        .optEnvironment(env::get)
        .optTimeout(Duration.ofSeconds(3))
        .optMaxRetries(2)
        .optInitialBackoff(Duration.ofMillis(10))
        .optMaxBackoff(Duration.ofMillis(50))
        .optLabels(LABELS)
        .optJitterSeed(42);
  }

  private RemoteSpeechLm recognizer(RemoteOptions.Builder b) {
    return new RemoteSpeechLm(b.build(), sleeps::add);
  }

  private static MockResponse ok(String content) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "cmpl-1");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", "stop");
    return json(200, root.toString());
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  @Test
  void happyPathSendsTheClipAndParsesTheAnswer() throws Exception {
    server.enqueue(ok(ANSWER + "<|im_end|>"));
    AudioClip clip = clip();
    Recognition r = recognizer(options(KEY)).recognize(clip, null);

    assertThat(r.label()).isEqualTo(Label.of("anger"));
    assertThat(r.transcript()).isEqualTo("Der Lappen liegt auf dem Eisschrank.");
    assertThat(r.rationale()).isEqualTo("Loud and fast, with a high pitch.");
    assertThat(r.probabilities().labels()).isEqualTo(LABELS);
    assertThat(r.probabilities().toArray()).containsExactly(1.0, 0.0, 0.0, 0.0);
    assertThat(r.model()).isEqualTo("qwen2-audio@" + server.url("/"));
    assertThat(r.sourceId()).isEqualTo("tone.wav");
    assertThat(r.cues()).isNotNull();
    assertThat(r.cues().durationSeconds()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.timings().inference()).isPositive();

    RecordedRequest req = server.takeRequest(1, TimeUnit.SECONDS);
    assertThat(req.getMethod()).isEqualTo("POST");
    assertThat(req.getTarget()).isEqualTo("/v1/chat/completions");
    assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    JsonNode body = JSON.readTree(req.getBody().utf8());
    assertThat(body.path("model").asText()).isEqualTo("qwen2-audio");
    assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
    JsonNode user = body.path("messages").get(1);
    assertThat(user.path("role").asText()).isEqualTo("user");
    JsonNode audio = user.path("content").get(0);
    assertThat(audio.path("type").asText()).isEqualTo("input_audio");
    assertThat(audio.path("input_audio").path("format").asText()).isEqualTo("wav");
    String text = user.path("content").get(1).path("text").asText();
    assertThat(text).contains("Labels: anger, happiness, neutral, sadness").contains("Cues: f0_mean_hz=");
    assertThat(text).contains("Emotion:").contains("Rationale:");

    byte[] wav = Base64.getDecoder().decode(audio.path("input_audio").path("data").asText());
    AudioClip sent = AudioLoader.load(new ByteArrayInputStream(wav), "sent.wav");
    assertThat(sent.sampleRate()).isEqualTo(16_000);
    float[] expected = Resampler.create(CLIP_RATE_HZ, 16_000).resample(clip.samples());
    assertThat(sent.length()).isEqualTo(expected.length);
    double maxErr = 0;
    for (int i = 0; i < expected.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(expected[i] - sent.sample(i)));
    }
    assertThat(maxErr).isLessThan(1e-4); // 16-bit quantisation
    assertThat(wav[22]).isEqualTo((byte) 1); // mono
    assertThat(wav[34]).isEqualTo((byte) 16); // 16-bit
  }

  @Test
  void noAuthorizationHeaderWithoutKeyAndBaseWithV1IsAccepted() throws Exception {
    server.enqueue(ok(ANSWER));
    RemoteOptions.Builder b = options(null).setBaseUrl(server.url("/v1/").toString()).optSendCues(false);
    Recognition r = recognizer(b).recognize(clip(), LabelSet.of("anger", "neutral"));
    assertThat(r.probabilities().labels()).isEqualTo(LabelSet.of("anger", "neutral"));
    RecordedRequest req = server.takeRequest(1, TimeUnit.SECONDS);
    assertThat(req.getTarget()).isEqualTo("/v1/chat/completions");
    assertThat(req.getHeaders().get("Authorization")).isNull();
    JsonNode body = JSON.readTree(req.getBody().utf8());
    String text = body.path("messages").get(1).path("content").get(1).path("text").asText();
    assertThat(text).contains("Labels: anger, neutral").doesNotContain("Cues:");
  }

  @Test
  void retryAfterIsHonouredAndCappedThenSucceeds() {
    server.enqueue(
        new MockResponse.Builder().code(429).setHeader("Retry-After", "5").body("slow down").build());
    server.enqueue(ok(ANSWER));
    Recognition r = recognizer(options(KEY)).recognize(clip(), null);
    assertThat(r.label()).isEqualTo(Label.of("anger"));
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofMillis(50)); // 5 s asked, capped at maxBackoff
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("HTTP 429").contains("retrying");
  }

  @Test
  void twoServiceUnavailableThenSuccess() {
    server.enqueue(json(503, "{\"error\":{\"message\":\"loading\"}}"));
    server.enqueue(json(503, "{\"error\":{\"message\":\"loading\"}}"));
    server.enqueue(ok(ANSWER));
    Recognition r = recognizer(options(KEY)).recognize(clip(), null);
    assertThat(r.label()).isEqualTo(Label.of("anger"));
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).hasSize(2);
    assertThat(sleeps.get(0).toMillis()).isBetween(0L, 10L); // full jitter under 10 ms
    assertThat(sleeps.get(1).toMillis()).isBetween(0L, 20L); // then under 20 ms
  }

  @Test
  void serverErrorsBeyondTheRetriesFailWithTheAttemptCount() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(500, "{\"error\":{\"message\":\"boom " + KEY + "\"}}"));
    }
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining(server.url("/v1/chat/completions").toString())
        .hasMessageContaining("failed after 3 attempt(s)")
        .hasMessageContaining("HTTP 500: boom ***")
        .hasMessageNotContaining(KEY);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void badRequestIsNotRetriedAndQuotesTheServer() {
    server.enqueue(
        json(400, "{\"error\":{\"message\":\"audio too long: " + "x".repeat(1000) + "\"}}"));
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining("HTTP 400: audio too long")
        .hasMessageContaining("/v1/chat/completions")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(500));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void unauthorizedEchoingTheKeyIsRedacted() {
    server.enqueue(json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageNotContaining(KEY);
    assertThat(lm.toString()).doesNotContain(KEY).contains(KEY_ENV);
    assertThat(lm.options().toString()).doesNotContain(KEY);
  }

  @Test
  void malformedJsonFailsWithoutRetry() {
    server.enqueue(json(200, "<html>oops</html>"));
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining("reply is not valid JSON");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void jsonCutOffIsRetried() {
    server.enqueue(json(200, "{\"choices\":[{\"message\":{\"content\":\"Transcript: a\\nEmo"));
    server.enqueue(ok(ANSWER));
    Recognition r = recognizer(options(KEY)).recognize(clip(), null);
    assertThat(r.label()).isEqualTo(Label.of("anger"));
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("truncated reply");
  }

  @Test
  void declaredLengthLongerThanSentIsRetried() {
    String body = "{\"choices\":[{\"message\":{\"content\":\"Transcript: a\"}}]}";
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body(body)
            .setHeader("Content-Length", body.length() + 500)
            .onResponseEnd(new SocketEffect.CloseSocket(true, false, false))
            .build());
    server.enqueue(ok(ANSWER));
    Recognition r = recognizer(options(KEY)).recognize(clip(), null);
    assertThat(r.label()).isEqualTo(Label.of("anger"));
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("I/O error");
  }

  @Test
  void emptyChoicesFail() {
    server.enqueue(json(200, "{\"choices\":[]}"));
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining("reply has no choices");
  }

  @Test
  void answerWithoutLabelFails() {
    server.enqueue(ok("I think the speaker sounds upset, but I cannot be sure."));
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining("reply has no label from [anger, happiness, neutral, sadness]")
        .hasMessageContaining("no Emotion field");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void labelOutsideTheCandidatesFails() {
    server.enqueue(ok("Transcript: x\nEmotion: Happy\nRationale: bright voice"));
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(clip(), LabelSet.of("anger", "neutral")))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining("reply has no label from [anger, neutral] ('Happy')");
  }

  @Test
  void synonymInsideTheCandidatesIsAccepted() {
    server.enqueue(ok("**Transcript:** x\n**Emotion:** Happy.\n**Rationale:** bright voice"));
    Recognition r = recognizer(options(KEY)).recognize(clip(), null);
    assertThat(r.label()).isEqualTo(Label.of("happiness"));
    assertThat(r.rationale()).isEqualTo("bright voice");
  }

  @Test
  void slowServerTimesOutThenRetrySucceeds() {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .body("{}")
            .headersDelay(2, TimeUnit.SECONDS)
            .build());
    server.enqueue(ok(ANSWER));
    long t0 = System.nanoTime();
    Recognition r =
        recognizer(options(KEY).optTimeout(Duration.ofMillis(300))).recognize(clip(), null);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.label()).isEqualTo(Label.of("anger"));
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(ms).isLessThan(1900);
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("no complete reply within 300 ms");
  }

  @Test
  void refusedConnectionIsRetriedThenReported() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RemoteSpeechLm lm =
        recognizer(options(KEY).setBaseUrl("http://127.0.0.1:" + port).optMaxRetries(1));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining("http://127.0.0.1:" + port + "/v1/chat/completions")
        .hasMessageContaining("failed after 2 attempt(s)")
        .hasMessageNotContaining(KEY);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void keyWithControlCharactersIsRejectedWithoutQuotingIt() {
    RemoteSpeechLm lm = recognizer(options("sk-abc\ndef-SECRET"));
    assertThatThrownBy(() -> lm.recognize(clip(), null))
        .isInstanceOf(RecognitionException.class)
        .hasMessageContaining(KEY_ENV)
        .hasMessageNotContaining("SECRET");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void emptyClipIsABadInput() {
    RemoteSpeechLm lm = recognizer(options(KEY));
    assertThatThrownBy(() -> lm.recognize(AudioClip.of(new float[0], 16_000, "empty.wav"), null))
        .isInstanceOf(AudioFormatException.class)
        .hasMessageContaining("empty.wav");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void logprobsGiveADistributionOtherwiseOneHot() throws Exception {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode choice = root.putArray("choices").addObject();
    choice.putObject("message").put("role", "assistant").put("content", ANSWER);
    choice.put("finish_reason", "stop");
    choice.set(
        "logprobs",
        LabelLogprobsTest.logprobs(
            LabelLogprobsTest.TOKENS, 6, " anger", -0.1, " neutral", -1.0, " sad", -2.0));
    server.enqueue(json(200, root.toString()));
    server.enqueue(ok(ANSWER));
    RemoteSpeechLm lm = recognizer(options(KEY));
    RemoteSpeechLm.Result withLp = lm.analyze(clip(), null);
    assertThat(withLp.distributionSource()).isEqualTo(RemoteSpeechLm.DistributionSource.LOGPROBS);
    assertThat(withLp.finishReason()).isEqualTo("stop");
    double z = Math.exp(-0.1) + Math.exp(-1.0) + Math.exp(-2.0);
    assertThat(withLp.recognition().probabilities().toArray())
        .containsExactly(
            new double[] {Math.exp(-0.1) / z, 0, Math.exp(-1.0) / z, Math.exp(-2.0) / z},
            org.assertj.core.data.Offset.offset(1e-12));
    RemoteSpeechLm.Result without = lm.analyze(clip(), null);
    assertThat(without.distributionSource()).isEqualTo(RemoteSpeechLm.DistributionSource.ONE_HOT);
    assertThat(without.recognition().probabilities().toArray()).containsExactly(1.0, 0.0, 0.0, 0.0);
    JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
    assertThat(body.path("logprobs").asBoolean()).isTrue();
    assertThat(body.path("top_logprobs").asInt()).isEqualTo(RemoteOptions.DEFAULT_TOP_LOGPROBS);
  }

  @Test
  void logprobsCanBeSwitchedOff() throws Exception {
    server.enqueue(ok(ANSWER));
    recognizer(options(KEY).optTopLogprobs(0)).recognize(clip(), null);
    JsonNode body = JSON.readTree(server.takeRequest(1, TimeUnit.SECONDS).getBody().utf8());
    assertThat(body.has("logprobs")).isFalse();
    assertThat(body.has("top_logprobs")).isFalse();
  }

  @Test
  void backoffIsSeededFullJitterUnderADoublingCeiling() {
    RemoteOptions o =
        options(KEY).optInitialBackoff(Duration.ofMillis(100)).optMaxBackoff(Duration.ofMillis(350)).build();
    RemoteSpeechLm a = new RemoteSpeechLm(o, d -> {});
    RemoteSpeechLm b = new RemoteSpeechLm(o, d -> {});
    long[] ceilings = {100, 200, 350, 350};
    for (int attempt = 1; attempt <= 4; attempt++) {
      for (int k = 0; k < 50; k++) {
        Duration da = a.backoff(attempt, null);
        assertThat(da).isEqualTo(b.backoff(attempt, null));
        assertThat(da.toMillis()).isBetween(0L, ceilings[attempt - 1]);
      }
    }
    assertThat(a.backoff(1, Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(350));
    assertThat(a.backoff(1, Duration.ofMillis(20))).isEqualTo(Duration.ofMillis(20));
  }
}
