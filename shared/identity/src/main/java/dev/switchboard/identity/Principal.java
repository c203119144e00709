package dev.switchboard.identity;

import java.util.Objects;

/**
 * Who a verified token speaks for: the issuer's subject (the {@code sub} claim, which is what a
 * member's keys carry as their {@code owner}), a name to show (email, preferred username or name,
 * else the subject), and the role the token's groups map to.
 */
public record Principal(String subject, String displayName, Role role) {

  public Principal {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(role, "role");
    displayName = displayName == null || displayName.isBlank() ? subject : displayName;
  }
}
