package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OpenAiSchemasTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String COMPLETION =
      """
      {"id":"chatcmpl-1","object":"chat.completion","created":1741570283,"model":"gpt-4o",
       "choices":[{"index":0,"finish_reason":"stop","logprobs":null,
         "message":{"role":"assistant","content":"Hello.","refusal":null,"annotations":[]}}],
       "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
         "prompt_tokens_details":{"cached_tokens":0}}}
      """;

  private static final String CHUNK =
      """
      {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o",
       "choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],
       "usage":null}
      """;

  private static final String USAGE_CHUNK =
      """
      {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o",
       "choices":[],
       "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}
      """;

  private static final String ERROR =
      """
      {"error":{"message":"Rate limit reached","type":"requests","param":null,
       "code":"rate_limit_exceeded"}}
      """;

  @Test
  void acceptsAChatCompletion() {
    assertThat(OpenAiSchemas.violations("CreateChatCompletionResponse", json(COMPLETION)))
        .isEmpty();
  }

  @Test
  void rejectsAChatCompletionWithoutChoices() {
    ObjectNode completion = (ObjectNode) json(COMPLETION);
    completion.remove("choices");

    assertThat(OpenAiSchemas.violations("CreateChatCompletionResponse", completion))
        .anySatisfy(violation -> assertThat(violation).contains("choices"));
  }

  @Test
  void rejectsAChatCompletionMessageWithoutRefusal() {
    // ChatCompletionResponseMessage requires role, content and refusal (each may be null)
    ObjectNode completion = (ObjectNode) json(COMPLETION);
    ((ObjectNode) completion.at("/choices/0/message")).remove("refusal");

    assertThat(OpenAiSchemas.violations("CreateChatCompletionResponse", completion))
        .anySatisfy(violation -> assertThat(violation).contains("refusal"));
  }

  @Test
  void acceptsStreamChunksWithNullFinishReasonAndNullUsage() {
    assertThat(OpenAiSchemas.violations("CreateChatCompletionStreamResponse", json(CHUNK)))
        .isEmpty();
    assertThat(OpenAiSchemas.violations("CreateChatCompletionStreamResponse", json(USAGE_CHUNK)))
        .isEmpty();
  }

  @Test
  void rejectsAStreamChunkWithAWrongType() {
    ObjectNode chunk = (ObjectNode) json(CHUNK);
    chunk.put("created", "yesterday");
    ((ObjectNode) chunk.at("/choices/0")).put("finish_reason", "bored");

    assertThat(OpenAiSchemas.violations("CreateChatCompletionStreamResponse", chunk))
        .anySatisfy(violation -> assertThat(violation).contains("created"))
        .anySatisfy(violation -> assertThat(violation).contains("finish_reason"));
  }

  @Test
  void acceptsAnErrorResponse() {
    assertThat(OpenAiSchemas.violations("ErrorResponse", json(ERROR))).isEmpty();
  }

  @Test
  void rejectsAnErrorWithoutParamOrCode() {
    // Error requires all four of message, type, param and code; param and code may be null
    ObjectNode error = (ObjectNode) json(ERROR);
    ((ObjectNode) error.get("error")).remove("param");
    ((ObjectNode) error.get("error")).put("code", 429);

    assertThat(OpenAiSchemas.violations("ErrorResponse", error))
        .anySatisfy(violation -> assertThat(violation).contains("param"))
        .anySatisfy(violation -> assertThat(violation).contains("code"));
  }

  @Test
  void assertValidListsTheViolations() {
    assertThatThrownBy(() -> OpenAiSchemas.assertValid("ErrorResponse", json("{}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("error");
  }

  @Test
  void refusesAnUnknownComponent() {
    assertThatThrownBy(() -> OpenAiSchemas.violations("NoSuchThing", json("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoSuchThing");
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
