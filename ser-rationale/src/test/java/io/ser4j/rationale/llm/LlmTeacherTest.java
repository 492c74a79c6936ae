package io.ser4j.rationale.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ser4j.core.Cue;
import io.ser4j.core.Cues;
import io.ser4j.core.Label;
import io.ser4j.rationale.CueLevel;
import io.ser4j.rationale.RationaleKey;
import io.ser4j.rationale.RationaleStore;
import io.ser4j.rationale.RelativeCue;
import io.ser4j.rationale.TeachingInput;
import io.ser4j.rationale.llm.LlmTeacherException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLM teacher against a local HTTP server started by the test, with injected faults. */
class LlmTeacherTest {
  static final String KEY = "sk-test-SECRET-0123456789abcdef";
  static final String KEY_ENV = "SER4J_LLM_TEST_KEY";
  static final ObjectMapper JSON = new ObjectMapper();
  static final String GOOD =
      "Compared with this speaker's usual voice, the pitch is very high and the voice is loud."
          + " The words are neutral, so the voice carries the anger. Some listeners also heard fear.";

  @TempDir Path dir;
  MockWebServer server;
  final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());
  PrintStream originalErr;
  ByteArrayOutputStream capturedErr;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    originalErr = System.err;
    capturedErr = new ByteArrayOutputStream();
    System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() throws Exception {
    System.setErr(originalErr);
    server.close();
    // the key must never reach a log line, whatever the test did
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).doesNotContain(KEY);
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(p)).as(p.toString()).doesNotContain(KEY);
      }
    }
  }

  /** An angry utterance: pitch very high, loudness high, rate typical; one annotator heard fear. */
  static TeachingInput input(String id) {
    Map<Cue, RelativeCue> rel = new EnumMap<>(Cue.class);
    Cues.Builder cb = Cues.builder().durationSeconds(2.0);
    for (Cue c : Cue.values()) {
      double z = switch (c) {
        case F0_MEAN_HZ -> 1.8;
        case INTENSITY_MEAN_DB -> 0.9;
        default -> 0.1;
      };
      double v = c == Cue.F0_MEAN_HZ ? 231.4 : c == Cue.INTENSITY_MEAN_DB ? 71.2 : 1.5;
      cb.set(c, v);
      rel.put(c, new RelativeCue(c, v, z, CueLevel.of(z), "speaker 03"));
    }
    return new TeachingInput(id, "Der Lappen liegt auf dem Eisschrank.", "03", cb.build(), rel,
        Label.of("anger"), List.of(Label.of("anger"), Label.of("anger"), Label.of("fear")));
  }

  LlmTeacherOptions.Builder options(String key) {
    Map<String, String> env = key == null ? Map.of() : Map.of(KEY_ENV, key);
    return LlmTeacherOptions.builder()
        .setBaseUrl(server.url("/").toString())
        .setModel("test-model")
        .optApiKeyEnv(KEY_ENV)
        .optEnvironment(env::get)
        .optTimeout(Duration.ofSeconds(3))
        .optMaxRetries(2)
        .optInitialBackoff(Duration.ofMillis(10))
        .optMaxBackoff(Duration.ofSeconds(5))
        .optSeed(7)
        .optJitterSeed(42);
  }

  /** A teacher that records its waits instead of sleeping. */
  LlmTeacher teacher(LlmTeacherOptions.Builder b) {
    return LlmTeacher.create(b.build(), sleeps::add, System::nanoTime);
  }

  static MockResponse reply(String content) {
    return reply(content, "stop");
  }

  static MockResponse reply(String content, String finish) {
    ObjectNode root = JSON.createObjectNode();
    root.put("id", "chatcmpl-1");
    root.put("object", "chat.completion");
    ObjectNode choice = root.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", content);
    choice.put("finish_reason", finish);
    return json(200, root.toString());
  }

  static MockResponse answer(String label, String rationale) {
    ObjectNode o = JSON.createObjectNode();
    o.put("label", label);
    o.put("rationale", rationale);
    return reply(o.toString());
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  JsonNode body(RecordedRequest r) throws Exception {
    return JSON.readTree(r.getBody().utf8());
  }

  @Test
  void requestHasTheChatCompletionsShapeAndTheReplyBecomesARationale() throws Exception {
    server.enqueue(answer("Anger", "  " + GOOD + "\n"));
    LlmTeacher t = teacher(options(KEY));
    LlmTeacher.Result r = t.teachChecked(input("03a01Wa"));

    RecordedRequest req = server.takeRequest(1, TimeUnit.SECONDS);
    assertThat(req.getMethod()).isEqualTo("POST");
    assertThat(req.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(req.getHeaders().get("Content-Type")).startsWith("application/json");
    JsonNode b = body(req);
    assertThat(b.get("model").asText()).isEqualTo("test-model");
    assertThat(b.get("response_format").get("type").asText()).isEqualTo("json_object");
    assertThat(b.get("stream").asBoolean()).isFalse();
    assertThat(b.get("seed").asLong()).isEqualTo(7);
    assertThat(b.get("max_tokens").asInt()).isEqualTo(LlmTeacherOptions.DEFAULT_MAX_TOKENS);
    assertThat(b.get("messages")).hasSize(2);
    assertThat(b.get("messages").get(0).get("role").asText()).isEqualTo("system");
    assertThat(b.get("messages").get(0).get("content").asText()).isEqualTo(LlmPrompt.SYSTEM);
    assertThat(b.get("messages").get(1).get("role").asText()).isEqualTo("user");
    String user = b.get("messages").get(1).get("content").asText();
    assertThat(user)
        .contains("Utterance: 03a01Wa")
        .contains("Transcript: \"Der Lappen liegt auf dem Eisschrank.\"")
        .contains("Label to explain (the majority of listeners): anger")
        .contains("All listeners' labels: anger x2, fear x1")
        .contains("Reference: this speaker's usual voice (speaker 03)")
        .contains("- pitch level (mean F0): 231 Hz; z = +1.80; very high")
        .contains("- loudness (mean intensity): 71.2 dB; z = +0.90; high")
        .contains("- speech rate: 1.50 syllables/s; z = +0.10; typical")
        .contains("at most " + LlmTeacherOptions.DEFAULT_MAX_RATIONALE_CHARS + " characters")
        .contains("{\"label\": \"anger\", \"rationale\": \"...\"}");

    assertThat(r.rationale().text()).isEqualTo(GOOD);
    assertThat(r.rationale().label()).isEqualTo(Label.of("anger"));
    assertThat(r.rationale().key()).isEqualTo(new RationaleKey("03a01Wa", "llm:test-model", "llm-v1"));
    assertThat(r.rationale().seed()).isEqualTo(7);
    assertThat(r.requests()).isEqualTo(1);
    assertThat(r.faithfulness()).isNotNull();
    assertThat(r.faithfulness().consistent()).isEqualTo(2); // very high pitch, loud
    assertThat(r.faithfulness().contradicted()).isZero();
    assertThat(t.info().version()).isEqualTo(LlmPrompt.VERSION);
  }

  @Test
  void withoutAKeyNoAuthorizationIsSentAndJsonModeCanBeTurnedOff() throws Exception {
    server.enqueue(answer("anger", GOOD));
    teacher(options(null).optJsonMode(false).setBaseUrl(server.url("/v1/").toString())).teach(input("a"));
    RecordedRequest req = server.takeRequest(1, TimeUnit.SECONDS);
    assertThat(req.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(req.getHeaders().get("Authorization")).isNull();
    assertThat(body(req).has("response_format")).isFalse();
  }

  @Test
  void tooManyRequestsWithRetryAfterIsHonouredThenSucceeds() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "2")
        .body("{\"error\":{\"message\":\"Rate limit reached\"}}").build());
    server.enqueue(answer("anger", GOOD));
    LlmTeacher.Result r = teacher(options(KEY)).teachChecked(input("a"));
    assertThat(r.rationale().text()).isEqualTo(GOOD);
    assertThat(server.getRequestCount()).isEqualTo(2);
    // the wait is the server's 2 s (minus the few ms since the pause began), not the 10 ms backoff
    assertThat(sleeps).singleElement().satisfies(d ->
        assertThat(d.toMillis()).isBetween(1500L, 2000L));
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("HTTP 429: Rate limit reached");
  }

  @Test
  void retryAfterMsHeaderAndCapAreHonoured() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("retry-after-ms", "250").build());
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Retry-After", "3600").build());
    server.enqueue(answer("anger", GOOD));
    teacher(options(KEY).optMaxBackoff(Duration.ofMillis(800))).teach(input("a"));
    assertThat(sleeps).hasSize(2);
    assertThat(sleeps.get(0).toMillis()).isBetween(150L, 250L);
    assertThat(sleeps.get(1).toMillis()).isBetween(700L, 800L);
  }

  @Test
  void serverErrorIsRetriedWithJitteredBackoffThenSucceeds() {
    server.enqueue(json(500, "{\"error\":{\"message\":\"boom\"}}"));
    server.enqueue(json(502, "bad gateway"));
    server.enqueue(answer("anger", GOOD));
    LlmTeacher.Result r = teacher(options(KEY)).teachChecked(input("a"));
    assertThat(r.rationale().text()).isEqualTo(GOOD);
    assertThat(server.getRequestCount()).isEqualTo(3);
    assertThat(sleeps).hasSize(2);
    assertThat(sleeps.get(0).toMillis()).isBetween(0L, 10L); // full jitter under the 10 ms ceiling
    assertThat(sleeps.get(1).toMillis()).isBetween(0L, 20L); // ceiling doubled
  }

  @Test
  void timeoutIsRetriedThenSucceeds() {
    server.enqueue(new MockResponse.Builder().code(200).body("{}").headersDelay(2, TimeUnit.SECONDS).build());
    server.enqueue(answer("anger", GOOD));
    long t0 = System.nanoTime();
    LlmTeacher.Result r = teacher(options(KEY).optTimeout(Duration.ofMillis(300))).teachChecked(input("a"));
    assertThat(r.rationale().text()).isEqualTo(GOOD);
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1900);
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("no complete reply within 300 ms");
  }

  @Test
  void droppedConnectionAndCutOffBodyAreRetried() {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(json(200, "{\"choices\":[{\"message\":{\"content\":\"{\\\"label\\\""));
    server.enqueue(answer("anger", GOOD));
    LlmTeacher.Result r = teacher(options(KEY).optMaxRetries(3)).teachChecked(input("a"));
    assertThat(r.rationale().text()).isEqualTo(GOOD);
    assertThat(server.getRequestCount()).isGreaterThanOrEqualTo(2);
    assertThat(capturedErr.toString(StandardCharsets.UTF_8)).contains("reply body cut off");
  }

  @Test
  void refusedConnectionFailsAfterRetriesNamingTheUtterance() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LlmTeacher t = teacher(options(KEY).setBaseUrl("http://127.0.0.1:" + port).optMaxRetries(1));
    assertThatThrownBy(() -> t.teach(input("u42")))
        .isInstanceOfSatisfying(LlmTeacherException.class, e -> {
          assertThat(e.utteranceId()).isEqualTo("u42");
          assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
          assertThat(e.reason().fatal()).isFalse();
        })
        .hasMessageStartingWith("u42: ")
        .hasMessageContaining("http://127.0.0.1:" + port + "/v1/chat/completions")
        .hasMessageContaining("after 2 attempt(s)")
        .hasMessageNotContaining(KEY);
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void invalidRepliesAreRetriedWithACorrectionThenRecordedAsTypedFailures() throws Exception {
    String tooLong = "The pitch is very high. ".repeat(40);
    Object[][] cases = {
      {Reason.NOT_JSON, reply("The speaker sounds angry because the pitch is very high.")},
      {Reason.WRONG_LABEL, answer("sadness", GOOD)},
      {Reason.EMPTY, answer("anger", "   ")},
      {Reason.EMPTY, reply("")},
      {Reason.TOO_SHORT, answer("anger", "Angry.")},
      {Reason.TOO_LONG, answer("anger", tooLong)},
      {Reason.TRUNCATED, reply("{\"label\": \"anger\", \"rationale\": \"The pitch is", "length")},
      {Reason.TRUNCATED, reply("{\"label\": \"anger\", \"rationale\": \"The pitch is")},
      {Reason.MISSING_FIELD, reply("{\"emotion\": \"anger\", \"rationale\": \"x\"}")},
    };
    for (Object[] c : cases) {
      Reason want = (Reason) c[0];
      MockResponse bad = (MockResponse) c[1];
      int before = server.getRequestCount();
      for (int i = 0; i < 3; i++) {
        server.enqueue(bad);
      }
      LlmTeacher t = teacher(options(KEY).optMaxReplyAttempts(3));
      assertThatThrownBy(() -> t.teach(input("u-" + want)))
          .as(want.name())
          .isInstanceOfSatisfying(LlmTeacherException.class, e -> {
            assertThat(e.reason()).isEqualTo(want);
            assertThat(e.reason().invalidReply()).isTrue();
            assertThat(e.utteranceId()).isEqualTo("u-" + want);
          })
          .hasMessageContaining("rejected 3 time(s)");
      assertThat(server.getRequestCount() - before).as(want.name()).isEqualTo(3);
      RecordedRequest first = server.takeRequest(1, TimeUnit.SECONDS);
      server.takeRequest(1, TimeUnit.SECONDS);
      RecordedRequest third = server.takeRequest(1, TimeUnit.SECONDS);
      assertThat(body(first).get("messages")).hasSize(2);
      JsonNode msgs = body(third).get("messages");
      JsonNode last = msgs.get(msgs.size() - 1);
      assertThat(last.get("role").asText()).isEqualTo("user");
      assertThat(last.get("content").asText()).startsWith("Your previous reply was rejected: ")
          .contains("the label must be exactly \"anger\"");
    }
    assertThat(sleeps).isEmpty(); // invalid replies are re-asked at once, not backed off
  }

  @Test
  void aWrongLabelThenAGoodReplySucceedsAndTheFencedJsonIsAccepted() throws Exception {
    server.enqueue(answer("fear", GOOD));
    server.enqueue(reply("```json\n{\"label\": \"anger\", \"rationale\": \"" + GOOD + "\"}\n```"));
    LlmTeacher.Result r = teacher(options(KEY)).teachChecked(input("a"));
    assertThat(r.requests()).isEqualTo(2);
    assertThat(r.rationale().text()).isEqualTo(GOOD);
    server.takeRequest(1, TimeUnit.SECONDS);
    JsonNode second = body(server.takeRequest(1, TimeUnit.SECONDS)).get("messages");
    assertThat(second).hasSize(4);
    assertThat(second.get(2).get("role").asText()).isEqualTo("assistant");
    assertThat(second.get(3).get("content").asText()).contains("reply labels it \"fear\", not the majority label \"anger\"");
  }

  @Test
  void faithfulnessRejectModeRetriesContradictedRationalesReportModeKeepsThem() {
    String contradicted = "The pitch is very low and the speaker talks quietly, which sounds like anger.";
    server.enqueue(answer("anger", contradicted));
    LlmTeacher.Result kept = teacher(options(KEY)).teachChecked(input("a"));
    assertThat(kept.faithfulness().contradicted()).isEqualTo(2);

    server.enqueue(answer("anger", contradicted));
    server.enqueue(answer("anger", contradicted));
    LlmTeacher strict = teacher(options(KEY).optMaxReplyAttempts(2)
        .optFaithfulness(LlmTeacherOptions.Faithfulness.REJECT));
    assertThatThrownBy(() -> strict.teach(input("b")))
        .isInstanceOfSatisfying(LlmTeacherException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNFAITHFUL))
        .hasMessageContaining("contradicts the measurements")
        .hasMessageContaining("\"pitch is very low\"");

    server.enqueue(answer("anger", GOOD));
    assertThat(teacher(options(KEY).optFaithfulness(LlmTeacherOptions.Faithfulness.OFF))
        .teachChecked(input("c")).faithfulness()).isNull();
  }

  @Test
  void theKeyNeverAppearsInErrorsLogsToStringOrStoredText() throws Exception {
    server.enqueue(json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}"));
    LlmTeacher t = teacher(options(KEY));
    assertThatThrownBy(() -> t.teach(input("a")))
        .isInstanceOfSatisfying(LlmTeacherException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.HTTP_ERROR);
          assertThat(e.reason().fatal()).isTrue();
        })
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("Incorrect API key provided: ***")
        .hasMessageNotContaining(KEY);
    assertThat(server.getRequestCount()).isEqualTo(1); // not retried
    assertThat(t.toString()).contains(KEY_ENV).doesNotContain(KEY);
    assertThat(t.options().toString()).doesNotContain(KEY);

    // a model that echoes the key: redacted before it can reach the store
    server.enqueue(answer("anger", GOOD + " Key: " + KEY));
    Path storeFile = dir.resolve("store.jsonl");
    try (RationaleStore store = RationaleStore.open(storeFile, 1)) {
      store.append(t.teach(input("b")));
      server.enqueue(answer("sadness", "echo " + KEY));
      server.enqueue(answer("sadness", "echo " + KEY));
      server.enqueue(answer("sadness", "echo " + KEY));
      try {
        t.teach(input("c"));
      } catch (LlmTeacherException e) {
        store.appendFailure(new RationaleKey("c", t.info().name(), t.info().version()), 0, e.getMessage());
      }
    }
    String stored = Files.readString(storeFile);
    assertThat(stored).contains("Key: ***").contains("\"status\":\"failed\"").doesNotContain(KEY);
  }

  @Test
  void anApiKeyEnvThatLooksLikeAKeyIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> LlmTeacherOptions.builder().optApiKeyEnv(KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(KEY);
  }

  @Test
  void noLabelIsATypedFailureWithoutARequest() {
    TeachingInput in = input("x");
    TeachingInput none = new TeachingInput("x", in.transcript(), in.speaker(), in.cues(), in.relative(), null, List.of());
    assertThatThrownBy(() -> teacher(options(KEY)).teach(none))
        .isInstanceOfSatisfying(LlmTeacherException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NO_LABEL));
    assertThat(server.getRequestCount()).isZero();
  }

  /** Answers every request after {@code holdMs}, counting how many are in flight at once. */
  static final class CountingDispatcher extends Dispatcher {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<Long> arrivalsNanos = Collections.synchronizedList(new ArrayList<>());
    final long holdMs;
    final String failId;

    CountingDispatcher(long holdMs, String failId) {
      this.holdMs = holdMs;
      this.failId = failId;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      arrivalsNanos.add(System.nanoTime());
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(holdMs);
        String user = request.getBody().utf8();
        return failId != null && user.contains("Utterance: " + failId) ? answer("neutral", GOOD) : answer("anger", GOOD);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  @Test
  void aBatchKeepsAtMostConcurrencyRequestsInFlightAndReportsEachFailure() throws Exception {
    CountingDispatcher d = new CountingDispatcher(150, "u05");
    server.setDispatcher(d);
    LlmTeacher t = teacher(options(KEY).optConcurrency(3).optMaxReplyAttempts(1));
    List<TeachingInput> inputs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      inputs.add(input(String.format("u%02d", i)));
    }
    List<LlmTeacher.Outcome> out = t.teachAll(inputs);
    assertThat(d.maxInFlight.get()).isEqualTo(3);
    assertThat(out).hasSize(10);
    for (int i = 0; i < 10; i++) {
      assertThat(out.get(i).index()).isEqualTo(i);
      assertThat(out.get(i).input().utteranceId()).isEqualTo(String.format("u%02d", i));
    }
    assertThat(out).filteredOn(o -> !o.ok()).singleElement().satisfies(o -> {
      assertThat(o.input().utteranceId()).isEqualTo("u05");
      assertThat(o.failure().reason()).isEqualTo(Reason.WRONG_LABEL);
    });
    assertThat(server.getRequestCount()).isEqualTo(10);
  }

  @Test
  void theRateLimitSpacesRequestStartsAcrossThreads() throws Exception {
    CountingDispatcher d = new CountingDispatcher(0, null);
    server.setDispatcher(d);
    double rps = 20;
    LlmTeacher t = LlmTeacher.create(options(KEY).optConcurrency(4).optRequestsPerSecond(rps).build());
    List<TeachingInput> inputs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      inputs.add(input("r" + i));
    }
    long t0 = System.nanoTime();
    assertThat(t.teachAll(inputs)).allMatch(LlmTeacher.Outcome::ok);
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    // 8 starts at >= 50 ms spacing: the last starts >= 350 ms after the first. (Server-side arrival
    // gaps are not asserted: on a loaded machine the first request's connection setup can delay it
    // until later ones; RateLimiterTest checks the schedule itself with a fake clock.)
    assertThat(elapsedMs).isGreaterThanOrEqualTo(350);
    assertThat(d.arrivalsNanos).hasSize(8);
  }

  @Test
  void aSecondRunThroughTheStoreSkipsDoneItemsAndRetriesFailures() throws Exception {
    CountingDispatcher d = new CountingDispatcher(0, "s2");
    server.setDispatcher(d);
    LlmTeacher t = teacher(options(KEY).optConcurrency(2).optMaxReplyAttempts(1));
    List<TeachingInput> all = List.of(input("s0"), input("s1"), input("s2"), input("s3"));
    Path file = dir.resolve("r.jsonl");
    runThroughStore(t, all, file);
    assertThat(server.getRequestCount()).isEqualTo(4);
    try (RationaleStore s = RationaleStore.open(file)) {
      assertThat(s.records()).hasSize(4);
      assertThat(s.failures()).singleElement().satisfies(f -> {
        assertThat(f.key().utteranceId()).isEqualTo("s2");
        assertThat(f.error()).contains("s2: ").contains("not the majority label");
      });
    }
    // second run: only the failed item is sent again
    server.setDispatcher(new CountingDispatcher(0, null));
    int sent = runThroughStore(t, all, file);
    assertThat(sent).isEqualTo(1);
    assertThat(server.getRequestCount()).isEqualTo(5);
    try (RationaleStore s = RationaleStore.open(file)) {
      assertThat(s.failures()).isEmpty();
      for (TeachingInput in : all) {
        assertThat(s.contains(new RationaleKey(in.utteranceId(), t.info().name(), t.info().version()))).isTrue();
      }
    }
  }

  /** What {@code ser teach} does: skip keys already in the store, batch the rest, record outcomes. */
  static int runThroughStore(LlmTeacher t, List<TeachingInput> all, Path file) throws Exception {
    int sent = 0;
    try (RationaleStore store = RationaleStore.open(file, 1);
        LlmTeacher.Batch b = t.batch(o -> {
          if (o.ok()) {
            store.append(o.result().rationale());
          } else {
            store.appendFailure(new RationaleKey(o.input().utteranceId(), t.info().name(), t.info().version()),
                0, o.failure().getMessage());
          }
        })) {
      for (TeachingInput in : all) {
        if (!store.contains(new RationaleKey(in.utteranceId(), t.info().name(), t.info().version()))) {
          b.submit(in);
          sent++;
        }
      }
    }
    return sent;
  }

  @Test
  void aSinkFailureStopsTheBatch() throws Exception {
    server.setDispatcher(new CountingDispatcher(0, null));
    LlmTeacher t = teacher(options(KEY).optConcurrency(1));
    LlmTeacher.Batch b = t.batch(o -> {
      throw new IllegalStateException("disk full");
    });
    b.submit(input("a"));
    assertThatThrownBy(() -> {
      for (int i = 0; i < 20; i++) {
        b.submit(input("b" + i));
      }
    }).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
    assertThat(server.getRequestCount()).isLessThan(4); // stopped submitting at once
    assertThatThrownBy(b::close).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
    b.close(); // closing twice is a no-op
    assertThatThrownBy(() -> b.submit(input("c"))).isInstanceOf(IllegalStateException.class)
        .hasMessage("batch is closed");
  }

  @Test
  void promptDescribesUndefinedCuesAndMissingTranscript() {
    TeachingInput in = input("x");
    Map<Cue, RelativeCue> rel = new EnumMap<>(in.relative());
    rel.put(Cue.HNR_DB, new RelativeCue(Cue.HNR_DB, Double.NaN, Double.NaN, CueLevel.UNDEFINED, "corpus"));
    rel.put(Cue.F0_MEAN_HZ, new RelativeCue(Cue.F0_MEAN_HZ, 120, -0.2, CueLevel.of(-0.2), "corpus"));
    TeachingInput t = new TeachingInput("x", "", "", in.cues(), rel, Label.of("neutral"), List.of());
    String p = LlmPrompt.user(t, 300);
    assertThat(p).contains("Transcript: (not available)")
        .contains("All listeners' labels: not recorded")
        .contains("Reference: the corpus average")
        .contains("- harmonics-to-noise ratio (low = breathy proxy): undefined")
        .contains("- pitch level (mean F0): 120 Hz; z = -0.20; typical")
        .contains("at most 300 characters");
  }
}
