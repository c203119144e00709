package dev.switchboard.identity;

import java.time.Instant;
import java.util.Objects;

/** A verified ID token: whom it speaks for, and when it expires (its {@code exp}). */
public record VerifiedToken(Principal principal, Instant expiresAt) {

  public VerifiedToken {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
