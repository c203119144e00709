package dev.switchboard.gateway;

import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.embeddings.EmbeddingOutcome;
import dev.switchboard.core.error.GatewayException;

/**
 * How a request ended, for its access-log line.
 *
 * @param keyId the authenticated key's public id, or null
 * @param chat what a chat request did, or null for any other route
 * @param embeddings what an embeddings request did, or null for any other route
 */
record Handled(
    int status,
    String errorCode,
    boolean clientGone,
    String keyId,
    ChatOutcome chat,
    EmbeddingOutcome embeddings) {

  Handled(int status, String errorCode, boolean clientGone, String keyId, ChatOutcome chat) {
    this(status, errorCode, clientGone, keyId, chat, null);
  }

  static Handled embeddings(EmbeddingOutcome outcome) {
    return new Handled(
        outcome.status(), outcome.errorCode(), false, outcome.call().key().id(), null, outcome);
  }

  static Handled ok(String keyId) {
    return new Handled(200, null, false, keyId, null);
  }

  static Handled chat(ChatOutcome outcome) {
    return new Handled(
        outcome.status(),
        outcome.errorCode(),
        outcome.clientGone(),
        outcome.call().key().id(),
        outcome);
  }

  static Handled failed(GatewayException e, String keyId) {
    return new Handled(e.kind().status(), e.code(), false, keyId, null);
  }
}
