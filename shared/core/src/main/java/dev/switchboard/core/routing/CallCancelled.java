package dev.switchboard.core.routing;

/**
 * The thread making a routed call was interrupted by its caller (an ensemble cancels a panel member
 * that is late, or whose client has gone): the call stopped, no further candidate is tried, and the
 * provider's health is not blamed for it. The thread's interrupt status stays set.
 */
public final class CallCancelled extends RuntimeException {

  public CallCancelled() {
    super("the call was cancelled by its caller", null, false, false);
  }
}
