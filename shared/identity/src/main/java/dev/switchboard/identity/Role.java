package dev.switchboard.identity;

import java.util.Locale;

/**
 * What a signed-in person may do. {@link #ADMIN} manages every key and reads all usage and the
 * audit log; {@link #MEMBER} manages and reads only the keys it owns (a key whose {@code owner} is
 * the member's subject); {@link #VIEWER} reads usage reports and keys but changes nothing.
 */
public enum Role {
  VIEWER,
  MEMBER,
  ADMIN;

  /** The role's name on the wire: {@code admin}, {@code member}, {@code viewer}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
