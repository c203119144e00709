package dev.switchboard.core.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One part of a multi-part message content, as the OpenAI API writes it. Each part keeps its raw
 * JSON so adapters can pass through fields the gateway does not model (such as {@code
 * cache_control}).
 */
public sealed interface ContentPart {

  ObjectNode raw();

  /** {@code {"type": "text", "text": ...}}. */
  record Text(String text, ObjectNode raw) implements ContentPart {}

  /** {@code {"type": "image_url", "image_url": {"url": ..., "detail": ...}}}; url may be data:. */
  record Image(String url, String detail, ObjectNode raw) implements ContentPart {}

  /** Any other part type (audio, file, ...), carried through untouched. */
  record Other(String type, ObjectNode raw) implements ContentPart {}
}
