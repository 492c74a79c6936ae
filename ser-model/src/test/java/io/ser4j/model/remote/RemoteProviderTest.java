package io.ser4j.model.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ser4j.core.ModelLoadException;
import io.ser4j.core.spi.Recognizer;
import io.ser4j.core.spi.RecognizerProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemoteProviderTest {
  @Test
  void supportsOnlyHttpUrls() {
    RemoteProvider p = new RemoteProvider(Map.<String, String>of()::get);
    assertThat(p.supports("http://localhost:8000")).isTrue();
    assertThat(p.supports("HTTPS://example.org/v1")).isTrue();
    assertThat(p.supports("  http://x")).isTrue();
    assertThat(p.supports("baseline")).isFalse();
    assertThat(p.supports("default")).isFalse();
    assertThat(p.supports("/models/qwen2-audio")).isFalse();
    assertThat(p.supports("ftp://x")).isFalse();
    assertThat(p.supports(null)).isFalse();
    assertThat(p.rank()).isEqualTo(RemoteProvider.RANK);
    assertThat(p.name()).isEqualTo("remote");
  }

  @Test
  void createReadsModelAndKeyVariableFromTheEnvironment() {
    Map<String, String> env =
        Map.of(RemoteProvider.ENV_MODEL, "my-audio-lm", RemoteProvider.ENV_API_KEY_ENV, "MY_KEY");
    Recognizer r = new RemoteProvider(env::get).create("http://localhost:8000");
    assertThat(r).isInstanceOf(RemoteSpeechLm.class);
    RemoteOptions o = ((RemoteSpeechLm) r).options();
    assertThat(o.model()).isEqualTo("my-audio-lm");
    assertThat(o.apiKeyEnv()).isEqualTo("MY_KEY");
    assertThat(o.endpoint()).isEqualTo(URI.create("http://localhost:8000/v1/chat/completions"));
    assertThat(r.name()).isEqualTo("my-audio-lm@http://localhost:8000");
  }

  @Test
  void createUsesDefaultsWithoutEnvironment() {
    RemoteOptions o =
        ((RemoteSpeechLm) new RemoteProvider(Map.<String, String>of()::get).create("https://h/v1"))
            .options();
    assertThat(o.model()).isEqualTo(RemoteOptions.DEFAULT_MODEL);
    assertThat(o.apiKeyEnv()).isEqualTo("OPENAI_API_KEY");
  }

  @Test
  void invalidUrlIsAModelLoadException() {
    RemoteProvider p = new RemoteProvider(Map.<String, String>of()::get);
    assertThatThrownBy(() -> p.create("http://"))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageStartingWith("http://: ");
    assertThatThrownBy(() -> p.create("http://bad host/"))
        .isInstanceOf(ModelLoadException.class);
  }

  @Test
  void registeredWithServiceLoader() {
    assertThat(RecognizerProvider.installed()).anyMatch(p -> p instanceof RemoteProvider);
    try (Recognizer r = RecognizerProvider.open("http://127.0.0.1:9")) {
      assertThat(r).isInstanceOf(RemoteSpeechLm.class);
    }
  }

  @Test
  void endpointAcceptsBaseWithOrWithoutV1() {
    assertThat(endpoint("http://h:1")).isEqualTo("http://h:1/v1/chat/completions");
    assertThat(endpoint("http://h:1/")).isEqualTo("http://h:1/v1/chat/completions");
    assertThat(endpoint("http://h:1/v1")).isEqualTo("http://h:1/v1/chat/completions");
    assertThat(endpoint("http://h:1/v1/")).isEqualTo("http://h:1/v1/chat/completions");
    assertThat(endpoint("http://h:1/proxy/v1/chat/completions"))
        .isEqualTo("http://h:1/proxy/v1/chat/completions");
    // credentials in the URL are dropped, never echoed
    assertThat(endpoint("http://user:secret@h:1")).isEqualTo("http://h:1/v1/chat/completions");
  }

  @Test
  void optionsValidateTheirValues() {
    assertThatThrownBy(() -> RemoteOptions.builder().build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RemoteOptions.builder().setBaseUrl("file:///x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RemoteOptions.builder().optMaxRetries(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RemoteOptions.builder().optTimeout(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RemoteOptions.builder().optTemperature(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String endpoint(String base) {
    return RemoteOptions.builder().setBaseUrl(base).build().endpoint().toString();
  }
}
