package dev.switchboard.testkit;

import static dev.switchboard.testkit.WireSamples.ERROR;
import static dev.switchboard.testkit.WireSamples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The extra check against OpenAI's own OpenAPI description, on the same cases as the project's own
 * schemas: skipped, and reported as skipped, where that document is absent (a user's clone).
 */
class OpenAiSchemasTest extends WireShapeCases {

  @BeforeEach
  void needsTheDocument() {
    assumeTrue(
        OpenAiSchemas.available(),
        () ->
            "extra check skipped: OpenAI's OpenAPI description is not at "
                + OpenAiSchemas.whereLooked());
  }

  @Override
  List<String> violations(WireShape shape, JsonNode node) {
    return OpenAiSchemas.violations(shape.openAiComponent(), node);
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
