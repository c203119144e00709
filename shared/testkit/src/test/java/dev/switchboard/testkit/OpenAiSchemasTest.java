package dev.switchboard.testkit;

import static dev.switchboard.testkit.WireSamples.CHUNK;
import static dev.switchboard.testkit.WireSamples.COMPLETION;
import static dev.switchboard.testkit.WireSamples.ERROR;
import static dev.switchboard.testkit.WireSamples.USAGE_CHUNK;
import static dev.switchboard.testkit.WireSamples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The extra check against OpenAI's own OpenAPI description: skipped, and reported as skipped, where
 * that document is absent (a user's clone).
 */
class OpenAiSchemasTest {

  @BeforeEach
  void needsTheDocument() {
    assumeTrue(
        OpenAiSchemas.available(),
        () ->
            "extra check skipped: OpenAI's OpenAPI description is not at "
                + OpenAiSchemas.whereLooked());
  }

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
  void wireSchemasReportOpenAisViolationsToo() {
    // both schemas refuse a numeric message; OpenAI's violations are listed too, marked as such
    ObjectNode error = (ObjectNode) json(ERROR);
    ((ObjectNode) error.get("error")).put("message", 7);

    assertThat(WireSchemas.violations(WireShape.ERROR, error))
        .anySatisfy(violation -> assertThat(violation).startsWith("openai: "));
  }

  @Test
  void refusesAnUnknownComponent() {
    assertThatThrownBy(() -> OpenAiSchemas.violations("NoSuchThing", json("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoSuchThing");
  }
}
