package dev.switchboard.core.semantic;

/** An {@link Embedder} could not embed a text; the message never quotes the text. */
public final class EmbeddingException extends RuntimeException {

  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }
}
