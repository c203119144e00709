package dev.switchboard.testkit;

import static dev.switchboard.testkit.WireSamples.RESPONSE;
import static dev.switchboard.testkit.WireSamples.TEXT_DELTA_EVENT;
import static dev.switchboard.testkit.WireSamples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The project's own schemas: they run everywhere, with or without OpenAI's document. */
class WireSchemasTest extends WireShapeCases {

  @Override
  List<String> violations(WireShape shape, JsonNode node) {
    return WireSchemas.ownViolations(shape, node);
  }

  @Test
  void assertValidListsTheViolations() {
    assertThatThrownBy(() -> WireSchemas.assertValid(WireShape.ERROR, json("{}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("error");
  }

  // The Responses shapes are checked against the project's schemas only here: their samples have
  // not been run against OpenAI's document, which describes many more output item types.

  @Test
  void acceptsAResponseWithAMessageAndAFunctionCall() {
    assertThat(violations(WireShape.RESPONSE, json(RESPONSE))).isEmpty();
  }

  @Test
  void rejectsAResponseWithoutOutputOrWithAnUnknownStatus() {
    ObjectNode response = (ObjectNode) json(RESPONSE);
    response.remove("output");
    response.put("status", "done");

    assertThat(violations(WireShape.RESPONSE, response))
        .anySatisfy(violation -> assertThat(violation).contains("output"))
        .anySatisfy(violation -> assertThat(violation).contains("status"));
  }

  @Test
  void acceptsATextDeltaEventAndRejectsOneWithoutItsSequenceNumber() {
    assertThat(violations(WireShape.RESPONSE_STREAM_EVENT, json(TEXT_DELTA_EVENT))).isEmpty();
    ObjectNode event = (ObjectNode) json(TEXT_DELTA_EVENT);
    event.remove("sequence_number");

    assertThat(violations(WireShape.RESPONSE_STREAM_EVENT, event))
        .anySatisfy(violation -> assertThat(violation).contains("sequence_number"));
  }

  @Test
  void rejectsACompletedEventWhoseResponseIsNotAResponse() {
    ObjectNode event = (ObjectNode) json("{\"type\":\"response.completed\",\"sequence_number\":9}");
    event.putObject("response").put("object", "chat.completion");

    assertThat(violations(WireShape.RESPONSE_STREAM_EVENT, event))
        .anySatisfy(violation -> assertThat(violation).contains("object"));
  }

  @Test
  void acceptsADeletedResponseOnlyWhenDeleted() {
    String deleted = "{\"id\":\"resp_1\",\"object\":\"response\",\"deleted\":true}";
    assertThat(violations(WireShape.RESPONSE_DELETED, json(deleted))).isEmpty();
    assertThat(violations(WireShape.RESPONSE_DELETED, json(deleted.replace("true", "false"))))
        .isNotEmpty();
  }
}
