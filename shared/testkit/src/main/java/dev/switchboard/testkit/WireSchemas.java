package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Checks a body the project sends against the shape it promises: always against the project's own
 * JSON Schema ({@code src/main/resources/dev/switchboard/testkit/schemas}, written from the
 * providers' API references), and also against OpenAI's OpenAPI description when that document is
 * present (see {@link ProjectRoot#thirdPartySchema}). When it is absent, that is said once on
 * standard error, and the project's own schemas still decide.
 */
public final class WireSchemas {

  private static final String ID_PREFIX = "https://schemas.switchboard.dev/";
  private static final String RESOURCE_PREFIX = "classpath:dev/switchboard/testkit/schemas/";

  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V202012,
          builder ->
              builder.schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, RESOURCE_PREFIX)));
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
  private static final Map<WireShape, JsonSchema> OWN = new EnumMap<>(WireShape.class);
  private static final AtomicBoolean SKIP_REPORTED = new AtomicBoolean();

  private WireSchemas() {}

  /**
   * Throws an {@link AssertionError} listing every violation if {@code node} is not a valid {@code
   * shape}.
   */
  public static void assertValid(WireShape shape, JsonNode node) {
    List<String> violations = violations(shape, node);
    if (!violations.isEmpty()) {
      throw new AssertionError(
          node + " is not a valid " + shape + ":\n  " + String.join("\n  ", violations));
    }
  }

  /**
   * The violations of {@code shape} by {@code node}, the project's own schema's first, then those
   * of OpenAI's component (prefixed {@code openai:}) where that document is present.
   */
  public static List<String> violations(WireShape shape, JsonNode node) {
    List<String> violations = new ArrayList<>(ownViolations(shape, node));
    if (OpenAiSchemas.available()) {
      if (shape.openAiComponent() != null) {
        for (String violation : OpenAiSchemas.violations(shape.openAiComponent(), node)) {
          violations.add("openai: " + violation);
        }
      }
    } else if (SKIP_REPORTED.compareAndSet(false, true)) {
      System.err.println(
          "switchboard: OpenAI's OpenAPI description is not at "
              + OpenAiSchemas.whereLooked()
              + "; wire shapes are checked against the project's own schemas only");
    }
    return violations;
  }

  /** The violations of the project's own schema for {@code shape} alone. */
  static List<String> ownViolations(WireShape shape, JsonNode node) {
    List<String> violations = new ArrayList<>();
    for (ValidationMessage message : own(shape).validate(node)) {
      violations.add(message.getMessage());
    }
    return violations;
  }

  private static synchronized JsonSchema own(WireShape shape) {
    return OWN.computeIfAbsent(
        shape, s -> FACTORY.getSchema(SchemaLocation.of(ID_PREFIX + s.schemaFile()), CONFIG));
  }
}
