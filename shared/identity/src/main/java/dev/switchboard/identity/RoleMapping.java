package dev.switchboard.identity;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps the groups a token carries in its roles claim to a {@link Role}: the highest role any of
 * them is mapped to, or none (then the token is refused with a 403, never granted a default).
 *
 * @param claim the claim holding the groups ({@code groups}; Cognito's is {@code cognito:groups})
 * @param groups for each role, the group names that grant it
 */
public record RoleMapping(String claim, Map<Role, Set<String>> groups) {

  public RoleMapping {
    groups = Map.copyOf(groups);
  }

  /**
   * The role for a claims set; the claim may be a list of names or one string of names separated by
   * spaces or commas (some issuers send a single group as a string).
   */
  public Optional<Role> roleOf(Map<String, Object> claims) {
    Collection<?> names =
        switch (claims.get(claim)) {
          case Collection<?> list -> list;
          case String text -> List.of(text.split("[\\s,]+"));
          case null, default -> List.of();
        };
    Role best = null;
    for (Object name : names) {
      for (Role role : Role.values()) {
        if (groups.getOrDefault(role, Set.of()).contains(String.valueOf(name))
            && (best == null || role.compareTo(best) > 0)) {
          best = role;
        }
      }
    }
    return Optional.ofNullable(best);
  }
}
