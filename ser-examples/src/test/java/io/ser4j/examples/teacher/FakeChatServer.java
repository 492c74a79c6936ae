package io.ser4j.examples.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal OpenAI-compatible Chat Completions server for tests (JDK HttpServer on 127.0.0.1): it
 * reads the utterance id and the label to explain from the LLM teacher's prompt and answers {@code
 * {"label": <label>, "rationale": ...}}, with injected faults: the first request of each id in
 * {@link #rateLimitOnce} gets a 429 with {@code retry-after-ms}, of each id in {@link
 * #serverErrorOnce} a 500; ids in {@link #wrongLabel} always get another label. Records each
 * request's Authorization header and body, and the most requests in flight at once.
 */
public final class FakeChatServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("Utterance: (\\S+)");
  private static final Pattern LABEL = Pattern.compile("Label to explain \\(the majority of listeners\\): (\\S+)");

  /** Ids whose first request is answered 429. */
  public final Set<String> rateLimitOnce = ConcurrentHashMap.newKeySet();
  /** Ids whose first request is answered 500. */
  public final Set<String> serverErrorOnce = ConcurrentHashMap.newKeySet();
  /** Ids always answered with a label other than the one asked for. */
  public final Set<String> wrongLabel = ConcurrentHashMap.newKeySet();
  /** Authorization header of each request ("" when absent). */
  public final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  /** Body of each request. */
  public final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  /** Most requests in flight at once. */
  public final AtomicInteger maxInFlight = new AtomicInteger();

  private final AtomicInteger inFlight = new AtomicInteger();
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);
  private final long holdMs;

  /** Starts a server on a free port; each answer is held {@code holdMs}. */
  public FakeChatServer(long holdMs) throws IOException {
    this.holdMs = holdMs;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Requests received. */
  public int requests() {
    return bodies.size();
  }

  private void handle(HttpExchange ex) throws IOException {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      bodies.add(body);
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      authorizations.add(auth == null ? "" : auth);
      if (!ex.getRequestMethod().equals("POST") || !ex.getRequestURI().getPath().equals("/v1/chat/completions")) {
        send(ex, 404, "{\"error\":{\"message\":\"not found\"}}");
        return;
      }
      JsonNode req = JSON.readTree(body);
      JsonNode msgs = req.get("messages");
      String user = msgs.get(1).get("content").asText();
      Matcher id = ID.matcher(user);
      Matcher label = LABEL.matcher(user);
      if (!id.find() || !label.find()) {
        send(ex, 400, "{\"error\":{\"message\":\"unexpected prompt\"}}");
        return;
      }
      Thread.sleep(holdMs);
      if (rateLimitOnce.remove(id.group(1))) {
        ex.getResponseHeaders().set("retry-after-ms", "50");
        send(ex, 429, "{\"error\":{\"message\":\"Rate limit reached\"}}");
        return;
      }
      if (serverErrorOnce.remove(id.group(1))) {
        send(ex, 500, "{\"error\":{\"message\":\"internal\"}}");
        return;
      }
      String want = label.group(1);
      String say = wrongLabel.contains(id.group(1)) ? (want.equals("neutral") ? "anger" : "neutral") : want;
      ObjectNode answer = JSON.createObjectNode();
      answer.put("label", say);
      answer.put("rationale", "The voice is loud and the words are neutral, so the voice carries the "
          + want + " of utterance " + id.group(1) + ".");
      ObjectNode root = JSON.createObjectNode();
      root.put("id", "chatcmpl-fake");
      root.put("object", "chat.completion");
      root.put("model", req.path("model").asText());
      ObjectNode choice = root.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", answer.toString());
      choice.put("finish_reason", "stop");
      send(ex, 200, root.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(ex, 503, "{}");
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
