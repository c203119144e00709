package dev.switchboard.reporting;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A validated {@code GET /v1/usage} request: the range, the grouping, the filters, the format, and
 * whose records the caller may read. A user key reads only its own; asking for another key's is a
 * 403, never data. A signed-in member reads only records whose {@code owner} is its subject.
 *
 * @param owner when present, only records carrying this owner (a signed-in member's subject)
 */
record ReportRequest(
    Instant from,
    Instant to,
    GroupBy groupBy,
    Optional<String> keyId,
    Optional<String> owner,
    Optional<String> model,
    Optional<String> provider,
    Optional<String> user,
    Optional<String> tag,
    boolean csv) {

  private static final Instant EARLIEST = Instant.EPOCH;
  private static final Instant LATEST =
      LocalDate.of(10_000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

  /**
   * Whose records a caller may read: {@code ownKey}, a user key's own id (it reads nothing else);
   * {@code owner}, a member's subject (it reads records it owns); neither, an admin or a viewer.
   */
  record Scope(Optional<String> ownKey, Optional<String> owner) {

    static final Scope EVERYTHING = new Scope(Optional.empty(), Optional.empty());

    static Scope of(ApiKey key) {
      return key.role() == ApiKey.Role.ADMIN
          ? EVERYTHING
          : new Scope(Optional.of(key.id()), Optional.empty());
    }

    static Scope owner(String subject) {
      return new Scope(Optional.empty(), Optional.of(subject));
    }
  }

  static ReportRequest parse(HttpRequest http, ApiKey caller, Instant now, int maxDays) {
    return parse(http, Scope.of(caller), now, maxDays);
  }

  static ReportRequest parse(HttpRequest http, Scope scope, Instant now, int maxDays) {
    Instant to = http.queryParameter("to").map(v -> instant("to", v, true)).orElse(now);
    Instant from =
        http.queryParameter("from")
            .map(v -> instant("from", v, false))
            .orElse(to.minus(Duration.ofDays(30)));
    if (!from.isBefore(to)) {
      throw GatewayException.invalidParam("from", "'from' must be before 'to'.");
    }
    if (Duration.between(from, to).compareTo(Duration.ofDays(maxDays)) > 0) {
      throw GatewayException.invalidParam(
          "from", "A report covers at most " + maxDays + " days; narrow 'from' and 'to'.");
    }
    String group = http.queryParameter("group_by").orElse("day");
    GroupBy groupBy =
        GroupBy.parse(group)
            .orElseThrow(
                () ->
                    GatewayException.invalidParam(
                        "group_by",
                        "group_by must be one of day, model, provider, key, user, tag, api_type, server,"
                            + " tool, guardrail, route."));
    Optional<String> keyId = filter(http, "key_id");
    if (scope.ownKey().isPresent()) {
      if (keyId.isPresent() && !keyId.get().equals(scope.ownKey().get())) {
        throw new GatewayException(
            ErrorKind.PERMISSION_DENIED,
            "permission_denied",
            "A user key can read only its own usage.");
      }
      keyId = scope.ownKey();
    }
    boolean csv =
        http.queryParameter("format").map("csv"::equalsIgnoreCase).orElse(false)
            || http.header("accept").map(a -> a.toLowerCase().contains("text/csv")).orElse(false);
    return new ReportRequest(
        from,
        to,
        groupBy,
        keyId,
        scope.owner(),
        filter(http, "model"),
        filter(http, "provider"),
        filter(http, "user"),
        filter(http, "tag"),
        csv);
  }

  /** Whether a record passes the filters other than the key (the store already chose the key). */
  boolean matches(UsageRecord r) {
    return model.map(m -> m.equals(r.model()) || m.equals(r.modelRequested())).orElse(true)
        && provider.map(p -> p.equals(r.provider())).orElse(true)
        && user.map(u -> u.equals(r.user())).orElse(true)
        && tag.map(t -> r.tags().contains(t)).orElse(true)
        && keyId.map(k -> k.equals(r.keyId())).orElse(true)
        && owner.map(o -> o.equals(r.owner())).orElse(true);
  }

  private static Optional<String> filter(HttpRequest http, String name) {
    return http.queryParameter(name).map(String::strip).filter(s -> !s.isEmpty());
  }

  /** A date ({@code 2025-03-01}: the start of that day, or its end for 'to') or an instant. */
  private static Instant instant(String param, String value, boolean endOfDay) {
    String v = value.strip();
    Instant at;
    try {
      if (v.length() == 10) {
        LocalDate day = LocalDate.parse(v);
        at = (endOfDay ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant();
      } else {
        at = Instant.parse(v);
      }
    } catch (DateTimeException e) {
      // a parse error, or a day past the last one java.time knows
      throw GatewayException.invalidParam(
          param, "'" + param + "' must be a date (2025-03-01) or an ISO-8601 instant in UTC.");
    }
    // the store reads instants as epoch milliseconds, which overflow long before Instant.MAX
    if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
      throw GatewayException.invalidParam(
          param, "'" + param + "' must lie between 1970-01-01 and 9999-12-31.");
    }
    return at;
  }
}
