package dev.switchboard.core.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A request as its client wrote it in a provider family's own API, kept beside its neutral
 * translation so that an adapter speaking that API sends it on with as little change as possible
 * (the Messages door's body to Anthropic: {@code cache_control} marks where the client put them,
 * {@code thinking}, documents, citations, server tools), and relays that API's answer as it came.
 *
 * <p>Such an adapter marks what it relays on the neutral answer: {@link #MESSAGE} on a whole
 * completion holds the provider's own response object, {@link #EVENTS} on a chunk the provider's
 * own stream events that chunk stands for (a chunk with no choices when an event has no neutral
 * counterpart). The door that asked writes those instead of translating the neutral fields back; an
 * answer from another adapter (a fallback to another family) has neither and is translated.
 *
 * @param body the client's body, read but not otherwise changed; adapters copy it
 * @param headers the client's headers of that API an adapter forwards (lower-case names)
 * @param required whether the request uses what only that family serves (server tools, documents):
 *     then no other family's model is a candidate for it
 */
public record NativeRequest(
    Api api, ObjectNode body, Map<String, String> headers, boolean required) {

  /** The provider APIs a door can carry natively. */
  public enum Api {
    /** Anthropic's Messages API, which Anthropic serves (and Bedrock and Vertex for Claude). */
    ANTHROPIC_MESSAGES("anthropic.messages", "Anthropic");

    private final String id;
    private final String family;

    Api(String id, String family) {
      this.id = id;
      this.family = family;
    }

    /** Whose models speak it, for messages to the client. */
    public String family() {
      return family;
    }

    /** A stable name, e.g. for the cache key. */
    public String id() {
      return id;
    }
  }

  /** On a neutral completion: the provider's own response object. */
  public static final String MESSAGE = "native_message";

  /** On a neutral chunk: the provider's own stream events, as {@code {"event", "data"}} objects. */
  public static final String EVENTS = "native_events";

  public NativeRequest {
    headers = Map.copyOf(headers);
  }
}
