package dev.switchboard.testkit;

import static dev.switchboard.testkit.WireSamples.CHUNK;
import static dev.switchboard.testkit.WireSamples.COMPLETION;
import static dev.switchboard.testkit.WireSamples.ERROR;
import static dev.switchboard.testkit.WireSamples.MODELS;
import static dev.switchboard.testkit.WireSamples.USAGE_CHUNK;
import static dev.switchboard.testkit.WireSamples.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cases every schema of a wire shape must decide alike: the project's own schemas here ({@link
 * WireSchemasTest}, which run everywhere) and OpenAI's document ({@link OpenAiSchemasTest}, where
 * it is present).
 */
abstract class WireShapeCases {

  /** The violations of {@code shape} by {@code node} under the schema being tested. */
  abstract List<String> violations(WireShape shape, JsonNode node);

  @Test
  void acceptsAChatCompletion() {
    assertThat(violations(WireShape.CHAT_COMPLETION, json(COMPLETION))).isEmpty();
  }

  @Test
  void rejectsAChatCompletionWithoutChoices() {
    ObjectNode completion = (ObjectNode) json(COMPLETION);
    completion.remove("choices");

    assertThat(violations(WireShape.CHAT_COMPLETION, completion))
        .anySatisfy(violation -> assertThat(violation).contains("choices"));
  }

  @Test
  void rejectsAChatCompletionMessageWithoutRefusal() {
    ObjectNode completion = (ObjectNode) json(COMPLETION);
    ((ObjectNode) completion.at("/choices/0/message")).remove("refusal");

    assertThat(violations(WireShape.CHAT_COMPLETION, completion))
        .anySatisfy(violation -> assertThat(violation).contains("refusal"));
  }

  @Test
  void rejectsAChatCompletionWithTheChunkObjectOrUsageWithoutTotal() {
    ObjectNode completion = (ObjectNode) json(COMPLETION);
    completion.put("object", "chat.completion.chunk");
    ((ObjectNode) completion.get("usage")).remove("total_tokens");

    assertThat(violations(WireShape.CHAT_COMPLETION, completion))
        .anySatisfy(violation -> assertThat(violation).contains("object"))
        .anySatisfy(violation -> assertThat(violation).contains("total_tokens"));
  }

  @Test
  void acceptsStreamChunksWithNullFinishReasonAndNullUsage() {
    assertThat(violations(WireShape.CHAT_COMPLETION_CHUNK, json(CHUNK))).isEmpty();
    assertThat(violations(WireShape.CHAT_COMPLETION_CHUNK, json(USAGE_CHUNK))).isEmpty();
  }

  @Test
  void rejectsAStreamChunkWithAWrongType() {
    ObjectNode chunk = (ObjectNode) json(CHUNK);
    chunk.put("created", "yesterday");
    ((ObjectNode) chunk.at("/choices/0")).put("finish_reason", "bored");

    assertThat(violations(WireShape.CHAT_COMPLETION_CHUNK, chunk))
        .anySatisfy(violation -> assertThat(violation).contains("created"))
        .anySatisfy(violation -> assertThat(violation).contains("finish_reason"));
  }

  @Test
  void rejectsAToolCallDeltaWithoutItsIndex() {
    ObjectNode chunk = (ObjectNode) json(CHUNK);
    ((ObjectNode) chunk.at("/choices/0/delta"))
        .putArray("tool_calls")
        .addObject()
        .put("id", "call_1")
        .put("type", "function");

    assertThat(violations(WireShape.CHAT_COMPLETION_CHUNK, chunk))
        .anySatisfy(violation -> assertThat(violation).contains("index"));
  }

  @Test
  void acceptsAnErrorResponseWithOrWithoutMetadata() {
    assertThat(violations(WireShape.ERROR, json(ERROR))).isEmpty();
    ObjectNode error = (ObjectNode) json(ERROR);
    ((ObjectNode) error.get("error")).putObject("metadata").put("provider", "openai");
    assertThat(violations(WireShape.ERROR, error)).isEmpty();
  }

  @Test
  void rejectsAnErrorWithoutParamOrWithANumericCode() {
    ObjectNode error = (ObjectNode) json(ERROR);
    ((ObjectNode) error.get("error")).remove("param");
    ((ObjectNode) error.get("error")).put("code", 429);

    assertThat(violations(WireShape.ERROR, error))
        .anySatisfy(violation -> assertThat(violation).contains("param"))
        .anySatisfy(violation -> assertThat(violation).contains("code"));
  }

  @Test
  void acceptsAModelListAndRejectsAModelWithoutOwner() {
    assertThat(violations(WireShape.MODEL_LIST, json(MODELS))).isEmpty();
    ObjectNode models = (ObjectNode) json(MODELS);
    ((ObjectNode) models.at("/data/0")).remove("owned_by");

    assertThat(violations(WireShape.MODEL_LIST, models))
        .anySatisfy(violation -> assertThat(violation).contains("owned_by"));
  }
}
