package io.ser4j.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatEndpointTest {

  @Test
  void baseUrlDropsCredentialsQueryAndFragment() {
    assertThat(ChatEndpoint.parseBaseUrl(" HTTPS://user:secret@api.example.com:8443/v1?x=1#f "))
        .isEqualTo(URI.create("https://api.example.com:8443/v1"));
  }

  @Test
  void baseUrlMustBeAbsoluteHttpWithHost() {
    assertThatThrownBy(() -> ChatEndpoint.parseBaseUrl("ftp://host/")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http(s)");
    assertThatThrownBy(() -> ChatEndpoint.parseBaseUrl("localhost:8000")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChatEndpoint.parseBaseUrl("http://bad host/")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid URL");
  }

  @Test
  void endpointAppendsOnlyWhatIsMissing() {
    assertThat(ChatEndpoint.chatCompletions(URI.create("http://h:1"))).hasToString("http://h:1/v1/chat/completions");
    assertThat(ChatEndpoint.chatCompletions(URI.create("http://h:1/v1/"))).hasToString("http://h:1/v1/chat/completions");
    assertThat(ChatEndpoint.chatCompletions(URI.create("http://h/api/chat/completions/")))
        .hasToString("http://h/api/chat/completions");
  }

  @Test
  void apiKeyIsTrimmedAndBlankMeansNone() {
    Map<String, String> env = Map.of("K", "  sk-abc \n", "BLANK", "  ");
    assertThat(ChatEndpoint.apiKey(env::get, "K")).isEqualTo("sk-abc");
    assertThat(ChatEndpoint.apiKey(env::get, "BLANK")).isNull();
    assertThat(ChatEndpoint.apiKey(env::get, "UNSET")).isNull();
    assertThat(ChatEndpoint.isHeaderSafe("sk-abc_123")).isTrue();
    assertThat(ChatEndpoint.isHeaderSafe("sk abc")).isFalse();
    assertThat(ChatEndpoint.isHeaderSafe("sk-\u00e9")).isFalse();
  }
}
