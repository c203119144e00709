package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java library, unmodified but for base URL and key, against the gateway. */
class OpenAiJavaClientIT {

  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    dev = new DevServerHarness(Map.of());
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(dev.server.baseUrl() + "/v1")
            .apiKey(dev.key)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    dev.close();
  }

  private static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there").build();
  }

  @Test
  void completesWithTheOfflineModel() {
    ChatCompletion completion = client.chat().completions().create(params("switchboard/echo"));

    assertThat(completion.model()).isEqualTo("switchboard/echo");
    assertThat(completion.choices().get(0).message().content())
        .hasValueSatisfying(text -> assertThat(text).contains("Hello there"));
    assertThat(completion.usage())
        .hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
  }

  @Test
  void streamsWithTheOfflineModel() {
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params("switchboard/echo"))) {
      stream.stream().forEach(chunks::add);
    }

    StringBuilder text = new StringBuilder();
    chunks.forEach(
        c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
    assertThat(text.toString()).contains("Hello there");
    assertThat(chunks.getLast().usage())
        .hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
  }

  @Test
  void completesAndStreamsThroughTheOpenAiCompatibleProvider() {
    ChatCompletionCreateParams params =
        params("openai/gpt-4o-mini").toBuilder()
            .putAdditionalBodyProperty("fake", JsonValue.from(Map.of("chunks", 5)))
            .build();

    ChatCompletion completion = client.chat().completions().create(params);
    assertThat(completion.model()).isEqualTo("openai/gpt-4o-mini");
    assertThat(completion.choices().get(0).message().content()).isPresent();

    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunks::add);
    }
    long contentChunks =
        chunks.stream()
            .filter(c -> c.choices().stream().anyMatch(ch -> ch.delta().content().isPresent()))
            .count();
    assertThat(contentChunks).isGreaterThanOrEqualTo(5);
    assertThat(dev.upstream.lastRequest().body().path("fake").path("chunks").asInt()).isEqualTo(5);
  }

  @Test
  void surfacesGatewayErrorsAsTheLibrarysTypedExceptions() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> client.chat().completions().create(params("nobody/nothing")))
        .isInstanceOf(NotFoundException.class);
  }
}
