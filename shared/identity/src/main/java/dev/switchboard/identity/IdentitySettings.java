package dev.switchboard.identity;

import static dev.switchboard.core.config.Variables.OIDC_ADMIN_GROUPS;
import static dev.switchboard.core.config.Variables.OIDC_AUDIENCE;
import static dev.switchboard.core.config.Variables.OIDC_CLIENT_ID;
import static dev.switchboard.core.config.Variables.OIDC_CLOCK_SKEW_SECONDS;
import static dev.switchboard.core.config.Variables.OIDC_ISSUER;
import static dev.switchboard.core.config.Variables.OIDC_JWKS_CACHE_SECONDS;
import static dev.switchboard.core.config.Variables.OIDC_MEMBER_GROUPS;
import static dev.switchboard.core.config.Variables.OIDC_ROLES_CLAIM;
import static dev.switchboard.core.config.Variables.OIDC_VIEWER_GROUPS;

import dev.switchboard.core.config.Env;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The OIDC configuration of the admin and reporting functions, read once at init: which issuer to
 * trust, the client id (the audience of its ID tokens), the audiences accepted on bearer tokens,
 * how groups map to roles, the clock skew allowed on {@code exp}/{@code nbf}, and how long the
 * issuer's keys are cached. Absent (sign-in off) unless {@code OIDC_ISSUER} is set.
 */
public record IdentitySettings(
    URI issuer,
    String clientId,
    Set<String> audiences,
    RoleMapping roles,
    Duration clockSkew,
    Duration jwksCacheTtl) {

  public IdentitySettings {
    audiences = Set.copyOf(audiences);
  }

  /** The settings, or empty when {@code OIDC_ISSUER} is not set; a bad value fails naming it. */
  public static Optional<IdentitySettings> from(Env env) {
    if (!env.isSet(OIDC_ISSUER)) {
      return Optional.empty();
    }
    URI issuer = env.url(OIDC_ISSUER, "");
    if (!"https".equals(issuer.getScheme()) && !isLoopback(issuer.getHost())) {
      // the issuer's keys come from it: over plain HTTP anyone on the path could swap them
      throw new IllegalArgumentException(
          OIDC_ISSUER + " must be an https URL (http only on a loopback address)");
    }
    String clientId = env.required(OIDC_CLIENT_ID);
    Set<String> audiences = list(env, OIDC_AUDIENCE);
    if (audiences.isEmpty()) {
      audiences = Set.of(clientId);
    }
    Map<Role, Set<String>> groups = new EnumMap<>(Role.class);
    groups.put(Role.ADMIN, list(env, OIDC_ADMIN_GROUPS));
    groups.put(Role.MEMBER, list(env, OIDC_MEMBER_GROUPS));
    groups.put(Role.VIEWER, list(env, OIDC_VIEWER_GROUPS));
    if (groups.values().stream().allMatch(Set::isEmpty)) {
      throw new IllegalArgumentException(
          "with "
              + OIDC_ISSUER
              + " set, at least one of "
              + OIDC_ADMIN_GROUPS
              + ", "
              + OIDC_MEMBER_GROUPS
              + " or "
              + OIDC_VIEWER_GROUPS
              + " must name a group: without one no token has a role");
    }
    return Optional.of(
        new IdentitySettings(
            issuer,
            clientId,
            audiences,
            new RoleMapping(env.optional(OIDC_ROLES_CLAIM).orElse("groups"), groups),
            env.seconds(OIDC_CLOCK_SKEW_SECONDS),
            env.seconds(OIDC_JWKS_CACHE_SECONDS)));
  }

  /**
   * The issuer as its tokens and discovery document carry it: exactly the configured URL (OpenID
   * Connect Discovery compares it as a string, so a trailing slash, as Auth0 has, is kept).
   */
  public String issuerId() {
    return issuer.toString();
  }

  /** Where the issuer publishes its discovery document (OpenID Connect Discovery 1.0, 4). */
  public URI discoveryUrl() {
    String s = issuerId();
    return URI.create(
        (s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
            + "/.well-known/openid-configuration");
  }

  private static Set<String> list(Env env, String name) {
    return env.optional(name)
        .map(
            v ->
                Arrays.stream(v.split(","))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .collect(Collectors.toCollection(LinkedHashSet::new)))
        .map(Set::copyOf)
        .orElse(Set.of());
  }

  private static boolean isLoopback(String host) {
    if ("localhost".equalsIgnoreCase(host)) {
      return true;
    }
    try {
      // a literal address only: no name is resolved here
      return host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]")
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
