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
  RESPONSE("response", "Response"),
  RESPONSE_STREAM_EVENT("response-stream-event", "ResponseStreamEvent"),
  /** OpenAI's description names no component for it: only the project's schema checks it. */
  RESPONSE_DELETED("response-deleted", null),
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

  /** The OpenAI component, or null when OpenAI's document describes none. */
  String openAiComponent() {
    return openAiComponent;
  }
}
