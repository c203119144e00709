package dev.switchboard.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guardrail policies managed through the admin API, as stored: each policy's rule list as the
 * admin sent it (the shape of one policy in {@code GUARDRAILS}), the policies every key goes
 * through beside the configured defaults, and the version of the document, which each write raises
 * by one.
 *
 * @param version 0 when nothing was ever written
 */
public record AdminPolicies(long version, Map<String, JsonNode> policies, List<String> defaults) {

  /** Nothing written yet. */
  public static final AdminPolicies EMPTY = new AdminPolicies(0, Map.of(), List.of());

  public AdminPolicies {
    policies = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(policies));
    defaults = List.copyOf(defaults);
  }

  /** The next version with {@code name} set to {@code rules}. */
  public AdminPolicies withPolicy(String name, JsonNode rules) {
    Map<String, JsonNode> next = new LinkedHashMap<>(policies);
    next.put(name, rules);
    return new AdminPolicies(version + 1, next, defaults);
  }

  /** The next version without {@code name}. */
  public AdminPolicies withoutPolicy(String name) {
    Map<String, JsonNode> next = new LinkedHashMap<>(policies);
    next.remove(name);
    return new AdminPolicies(version + 1, next, defaults);
  }

  /** The next version with these defaults. */
  public AdminPolicies withDefaults(List<String> names) {
    return new AdminPolicies(version + 1, policies, names);
  }
}
