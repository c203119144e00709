package dev.switchboard.testkit;

import static dev.switchboard.testkit.WireSamples.json;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
}
