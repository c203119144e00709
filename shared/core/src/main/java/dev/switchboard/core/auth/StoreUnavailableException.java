package dev.switchboard.core.auth;

/**
 * A store could not be reached or did not answer in time. The gateway fails closed on it (503),
 * never admitting a request it could not check.
 */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
