package dev.switchboard.core.chat;

/**
 * Thrown by a {@link ChatReply} when the client has gone away: whatever was being written will
 * never be read. The use case stops, bills what was generated and records the request as cancelled;
 * the transport's own exception is the cause.
 */
public final class ClientGoneException extends RuntimeException {

  public ClientGoneException(Throwable cause) {
    super("the client went away", cause, false, false);
  }
}
