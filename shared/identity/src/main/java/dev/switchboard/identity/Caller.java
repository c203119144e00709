package dev.switchboard.identity;

import java.util.Objects;

/**
 * Who makes a call to the admin API or the reports: an admin gateway key (always the role {@link
 * Role#ADMIN}) or a person signed in at the issuer, in the role their groups map to.
 *
 * @param actor how the audit log names the caller: {@code key:<id>} for a key, the issuer's subject
 *     for a person
 * @param displayName a name to show: the key's name, or the person's email or username
 * @param subject the person's subject, which their own keys carry as {@code owner}; null for a key
 */
public record Caller(String actor, String displayName, Role role, String subject) {

  public Caller {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(role, "role");
  }

  /** An admin gateway key. */
  public static Caller adminKey(String keyId, String keyName) {
    return new Caller("key:" + keyId, keyName, Role.ADMIN, null);
  }

  /** A person, from their verified token. */
  public static Caller of(Principal principal) {
    return new Caller(
        principal.subject(), principal.displayName(), principal.role(), principal.subject());
  }

  /**
   * Whether this caller may see and manage a key owned by {@code owner}: an admin any key, a member
   * only its own (a key without an owner is nobody's), a viewer none.
   */
  public boolean manages(String owner) {
    return switch (role) {
      case ADMIN -> true;
      case MEMBER -> subject != null && subject.equals(owner);
      case VIEWER -> false;
    };
  }

  /** Whether this caller may read a key or its usage: a viewer reads all, others as they manage. */
  public boolean reads(String owner) {
    return role == Role.VIEWER || manages(owner);
  }
}
