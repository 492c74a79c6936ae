package io.ser4j.model.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Rules shared by every client of an OpenAI-compatible Chat Completions server in ser4j (the remote
 * SpeechLM here, the LLM teacher in {@code ser-rationale}): how a base URL is accepted, which
 * endpoint it names, and how the API key is read from the environment.
 *
 * <p>Stateless; thread-safe.
 */
public final class ChatEndpoint {
  private static final String CHAT_COMPLETIONS = "/chat/completions";
  private static final String V1 = "/v1";
  private static final int FIRST_HEADER_CHAR = 0x21;
  private static final int LAST_HEADER_CHAR = 0x7e;

  private ChatEndpoint() {}

  /**
   * Parses a server's base URL: an absolute {@code http} or {@code https} URL with a host. User
   * info, query and fragment are dropped (credentials never travel in the URL).
   *
   * @param url e.g. {@code http://localhost:8000}, {@code https://api.openai.com/v1}
   * @return the normalised base URL
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException if it is not a valid absolute http(s) URL with a host
   */
  public static URI parseBaseUrl(String url) {
    Objects.requireNonNull(url, "url");
    URI u;
    try {
      u = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL: " + e.getReason(), e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
      throw new IllegalArgumentException("base URL must be an absolute http(s) URL with a host");
    }
    try {
      return new URI(scheme, null, u.getHost(), u.getPort(), u.getPath(), null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL: " + e.getReason(), e);
    }
  }

  /**
   * The Chat Completions endpoint of a base URL: the base plus {@code /v1/chat/completions}, or plus
   * {@code /chat/completions} when the base already ends in {@code /v1}, or the base itself when it
   * already ends in {@code /chat/completions} (trailing slashes ignored).
   *
   * @param baseUrl a base URL, normally from {@link #parseBaseUrl}
   * @return the endpoint
   */
  public static URI chatCompletions(URI baseUrl) {
    String s = baseUrl.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.endsWith(CHAT_COMPLETIONS)) {
      return URI.create(s);
    }
    return URI.create(s.endsWith(V1) ? s + CHAT_COMPLETIONS : s + V1 + CHAT_COMPLETIONS);
  }

  /**
   * The API key held by an environment variable, trimmed; {@code null} when the variable is unset or
   * blank (then no {@code Authorization} header is sent).
   *
   * @param environment reads a variable (normally {@link System#getenv(String)})
   * @param variable the variable's name
   * @return the key or {@code null}
   */
  public static String apiKey(Function<String, String> environment, String variable) {
    String key = environment.apply(variable);
    return key == null || key.isBlank() ? null : key.trim();
  }

  /**
   * Whether a key can travel in an HTTP header: visible ASCII only (no spaces, controls or
   * non-ASCII characters, which would make the request invalid or split the header).
   *
   * @param key a key from {@link #apiKey}
   * @return true when every character is visible ASCII
   */
  public static boolean isHeaderSafe(String key) {
    return key.chars().allMatch(c -> c >= FIRST_HEADER_CHAR && c <= LAST_HEADER_CHAR);
  }
}
