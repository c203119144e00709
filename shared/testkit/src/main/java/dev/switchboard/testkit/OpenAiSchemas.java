package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON against a named schema of the OpenAI OpenAPI description ({@code
 * openai.openapi.yaml} in the schema handbook), e.g. {@code CreateChatCompletionResponse}.
 *
 * <p>The YAML is loaded once per JVM. The document mixes OpenAPI 3.0 {@code nullable: true} into
 * its JSON Schema 2020-12, which a 2020-12 validator ignores; such nodes are rewritten on load to
 * {@code anyOf: [<node>, {type: null}]} so that, as OpenAI actually sends, {@code finish_reason:
 * null} and {@code usage: null} in stream chunks are valid.
 */
public final class OpenAiSchemas {

  private static final String DOCUMENT_FILE = "openai.openapi.yaml";
  private static final String DOCUMENT_URI = "https://schemas.switchboard.dev/openai.openapi.json";

  private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();

  private OpenAiSchemas() {}

  /**
   * Throws an {@link AssertionError} listing every violation if {@code node} is not a valid
   * instance of the component schema {@code component} ({@code #/components/schemas/<component>}).
   */
  public static void assertValid(String component, JsonNode node) {
    List<String> violations = violations(component, node);
    if (!violations.isEmpty()) {
      throw new AssertionError(
          node + " is not a valid " + component + ":\n  " + String.join("\n  ", violations));
    }
  }

  /** The violations of {@code component} by {@code node}; empty when it is valid. */
  public static List<String> violations(String component, JsonNode node) {
    JsonSchema schema = COMPILED.computeIfAbsent(component, OpenAiSchemas::compile);
    List<String> violations = new ArrayList<>();
    for (ValidationMessage message : schema.validate(node)) {
      violations.add(message.getMessage());
    }
    return violations;
  }

  private static JsonSchema compile(String component) {
    Document document = Document.INSTANCE;
    if (!document.components().has(component)) {
      throw new IllegalArgumentException(
          "No schema #/components/schemas/" + component + " in " + document.path());
    }
    return document
        .factory()
        .getSchema(
            SchemaLocation.of(DOCUMENT_URI + "#/components/schemas/" + component),
            document.config());
  }

  /** The parsed and compiled-on-demand document; initialised on first use, once. */
  private record Document(
      Path path, JsonNode components, JsonSchemaFactory factory, SchemaValidatorsConfig config) {

    static final Document INSTANCE = load();

    private static Document load() {
      Path path = ProjectRoot.schemas().resolve(DOCUMENT_FILE);
      JsonNode root;
      try {
        root = new YAMLMapper(new YAMLFactory()).readTree(path.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read the OpenAI schemas from "
                + path
                + " (set -D"
                + ProjectRoot.SCHEMAS_PROPERTY
                + ")",
            e);
      }
      ObjectNode schemaDocument = JsonNodeFactory.instance.objectNode();
      schemaDocument.put("$schema", "https://json-schema.org/draft/2020-12/schema");
      schemaDocument.set("components", rewriteNullable(root.path("components")));
      String json;
      try {
        json = new ObjectMapper().writeValueAsString(schemaDocument);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      JsonSchemaFactory factory =
          JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V202012,
              builder ->
                  builder.schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_URI, json))));
      SchemaValidatorsConfig config =
          SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();
      return new Document(path, schemaDocument.path("components").path("schemas"), factory, config);
    }
  }

  /** Rewrites every {@code nullable: true} node, depth first, into an explicit null alternative. */
  static JsonNode rewriteNullable(JsonNode node) {
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, rewriteNullable(array.get(i)));
      }
      return array;
    }
    if (!(node instanceof ObjectNode object)) {
      return node;
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      field.setValue(rewriteNullable(field.getValue()));
    }
    if (!object.path("nullable").asBoolean(false)) {
      return object;
    }
    object.remove("nullable");
    ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
    ArrayNode anyOf = wrapper.putArray("anyOf");
    anyOf.add(object);
    anyOf.addObject().put("type", "null");
    return wrapper;
  }
}
