package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.embeddings.EmbeddingCall;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/** Builds the upstream body for an OpenAI-compatible vendor from the client's request. */
final class OpenAiRequestMapper {

  private OpenAiRequestMapper() {}

  private static final List<String> LIMIT_FIELDS =
      List.of(Vendor.MAX_TOKENS, Vendor.MAX_COMPLETION_TOKENS);

  /**
   * The client's body with the vendor's model name, the output limit the budget reserved, and, when
   * streaming, usage requested so every stream can be billed. Fields the gateway does not
   * understand pass through untouched, except those the vendor names differently (renamed) or
   * refuses (removed).
   */
  static ObjectNode toUpstream(ProviderCall call, boolean stream, Vendor vendor) {
    ObjectNode body = call.request().body().deepCopy();
    body.put("model", call.model().upstreamId());
    outputLimit(body, call.outputLimit(), vendor);
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
    applyQuirks(body, vendor.quirks());
    if (!call.asksReasoning()) {
      body.remove("reasoning_effort");
    }
    return body;
  }

  private static void applyQuirks(ObjectNode body, Vendor.Quirks quirks) {
    JsonNode temperature = body.get("temperature");
    if (quirks.temperatureMax() != null
        && temperature != null
        && temperature.isNumber()
        && temperature.asDouble() > quirks.temperatureMax()) {
      body.put("temperature", quirks.temperatureMax());
    }
    if (!quirks.touchesMessages() || !(body.get("messages") instanceof ArrayNode messages)) {
      return;
    }
    for (JsonNode node : messages) {
      if (!(node instanceof ObjectNode message)) {
        continue;
      }
      message.remove(quirks.droppedMessageFields());
      if (quirks.stringContentRoles().contains(message.path("role").asText())
          && message.get("content") instanceof ArrayNode parts) {
        joinedText(parts).ifPresent(text -> message.put("content", text));
      }
    }
  }

  /** The parts' texts joined by newlines, when every part is a text part. */
  private static Optional<String> joinedText(ArrayNode parts) {
    StringJoiner text = new StringJoiner("\n");
    for (JsonNode part : parts) {
      if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
        return Optional.empty();
      }
      text.add(part.get("text").asText());
    }
    return Optional.of(text.toString());
  }

  /** Vendors whose embeddings endpoint answers {@code encoding_format: "base64"} as OpenAI does. */
  private static final Set<String> BASE64_EMBEDDINGS = Set.of("openai", "azure");

  /**
   * The client's embeddings body with the vendor's model name, without the fields the vendor
   * refuses. The client's {@code encoding_format} goes to OpenAI and Azure; every other vendor is
   * asked for floats, which all of them return (the gateway encodes base64 itself when the client
   * asked for it).
   */
  static ObjectNode toEmbeddings(EmbeddingCall call, Vendor vendor) {
    ObjectNode body = call.request().body().deepCopy();
    body.put("model", call.model().upstreamId());
    body.remove(vendor.droppedParameters());
    if (!BASE64_EMBEDDINGS.contains(vendor.id())) {
      body.put("encoding_format", "float");
    }
    return body;
  }

  /**
   * Lowers each limit field the client sent to {@code limit}, keeping the client's field names
   * (OpenAI's reasoning models take only {@code max_completion_tokens}, some vendors only {@code
   * max_tokens}); when it sent neither, sets the vendor's field. Set before the vendor's renames,
   * so a renamed field carries the lowered value.
   */
  private static void outputLimit(ObjectNode body, int limit, Vendor vendor) {
    boolean sent = false;
    for (String field : LIMIT_FIELDS) {
      JsonNode value = body.get(field);
      if (value != null && !value.isNull()) {
        sent = true;
        // both were parsed as positive integers; the limit is at most the one the parser took
        if (value.asLong() > limit) {
          body.put(field, limit);
        }
      }
    }
    if (!sent) {
      body.put(vendor.outputLimitField(), limit);
    }
  }
}
