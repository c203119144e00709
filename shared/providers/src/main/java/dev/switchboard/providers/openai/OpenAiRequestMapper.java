package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ProviderCall;

/** Builds the upstream body for an OpenAI-compatible vendor from the client's request. */
final class OpenAiRequestMapper {

  private OpenAiRequestMapper() {}

  /**
   * The client's body with the vendor's model name, and, when streaming, usage requested so every
   * stream can be billed. Fields the gateway does not understand pass through untouched.
   */
  static ObjectNode toUpstream(ProviderCall call, boolean stream) {
    ObjectNode body = call.request().body().deepCopy();
    body.put("model", call.model().upstreamId());
    if (stream) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    } else {
      body.remove("stream");
      body.remove("stream_options");
    }
    return body;
  }
}
