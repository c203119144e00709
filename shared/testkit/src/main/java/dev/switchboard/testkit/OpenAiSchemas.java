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
 * Validates JSON against a named schema of OpenAI's own OpenAPI description ({@code
 * openai.openapi.yaml}), e.g. {@code CreateChatCompletionResponse}: the extra check {@link
 * WireSchemas} makes when {@link ProjectRoot#thirdPartySchema} finds that document.
 *
 * <p>The YAML is loaded once per JVM. The document mixes OpenAPI 3.0 {@code nullable: true} into
 * its JSON Schema 2020-12, which a 2020-12 validator ignores; such nodes are rewritten on load to
 * {@code anyOf: [<node>, {type: null}]} so that, as OpenAI actually sends, {@code finish_reason:
 * null} and {@code usage: null} in stream chunks are valid.
 */
final class OpenAiSchemas {

  private static final String DOCUMENT_FILE = "openai.openapi.yaml";
  private static final String DOCUMENT_URI = "https://schemas.switchboard.dev/openai.openapi.json";

  private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();

  private OpenAiSchemas() {}

  /** Whether the document is there to check against. */
  static boolean available() {
    return ProjectRoot.thirdPartySchema(DOCUMENT_FILE).isPresent();
  }

  /** Where the document was looked for, for the message that says the check was skipped. */
  static String whereLooked() {
    return ProjectRoot.schemasDir().resolve(DOCUMENT_FILE)
        + " (set "
        + ProjectRoot.SCHEMAS_VARIABLE
        + " to the folder that holds it)";
  }

  /**
   * The violations of the component schema {@code component} ({@code
   * #/components/schemas/<component>}) by {@code node}; empty when it is valid. Only when {@link
   * #available()}.
   */
  static List<String> violations(String component, JsonNode node) {
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
      Path path =
          ProjectRoot.thirdPartySchema(DOCUMENT_FILE)
              .orElseThrow(
                  () -> new IllegalStateException("No OpenAI schemas at " + whereLooked()));
      JsonNode root;
      try {
        root = new YAMLMapper(new YAMLFactory()).readTree(path.toFile());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the OpenAI schemas from " + path, e);
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
