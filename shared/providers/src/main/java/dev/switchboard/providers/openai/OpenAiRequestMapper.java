package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ProviderCall;

/** Builds the upstream body for an OpenAI-compatible vendor from the client's request. */
final class OpenAiRequestMapper {

  private OpenAiRequestMapper() {}

  /**
   * The client's body with the vendor's model name, and, when streaming, usage requested so every
   * stream can be billed. Fields the gateway does not understand pass through untouched, except
   * those the vendor names differently (renamed) or refuses (removed).
   */
  static ObjectNode toUpstream(ProviderCall call, boolean stream, Vendor vendor) {
    ObjectNode body = call.request().body().deepCopy();
    body.put("model", call.model().upstreamId());
    body.remove("stream_options");
    if (stream) {
      body.put("stream", true);
      if (vendor.streamOptions()) {
        body.putObject("stream_options").put("include_usage", true);
      }
    } else {
      body.remove("stream");
    }
    vendor
        .renamedParameters()
        .forEach(
            (ours, theirs) -> {
              JsonNode value = body.remove(ours);
              if (value != null && !body.has(theirs)) {
                body.set(theirs, value);
              }
            });
    body.remove(vendor.droppedParameters());
    return body;
  }
}
