package dev.switchboard.core.routing;

import java.time.Duration;

/** Waits between upstream attempts; tests pass one that records the pauses instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

  void sleep(Duration duration) throws InterruptedException;

  /** The real one. */
  Sleeper SYSTEM =
      duration -> {
        if (!duration.isNegative() && !duration.isZero()) {
          Thread.sleep(duration);
        }
      };
}
