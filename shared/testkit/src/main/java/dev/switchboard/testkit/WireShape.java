package dev.switchboard.testkit;

/**
 * A JSON shape Switchboard promises on the wire: each has a schema the project owns, and the name
 * of the matching component in OpenAI's OpenAPI description for the extra check.
 */
public enum WireShape {
  CHAT_COMPLETION("chat-completion", "CreateChatCompletionResponse"),
  CHAT_COMPLETION_CHUNK("chat-completion-chunk", "CreateChatCompletionStreamResponse"),
  ERROR("error", "ErrorResponse"),
  MODEL_LIST("model-list", "ListModelsResponse"),
  EMBEDDING_LIST("embedding-list", "CreateEmbeddingResponse");

  private final String schemaName;
  private final String openAiComponent;

  WireShape(String schemaName, String openAiComponent) {
    this.schemaName = schemaName;
    this.openAiComponent = openAiComponent;
  }

  /** The project's own schema, {@code <name>.schema.json} beside {@link WireSchemas}. */
  String schemaFile() {
    return schemaName + ".schema.json";
  }

  String openAiComponent() {
    return openAiComponent;
  }
}
