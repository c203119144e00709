package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.JsonNumbers;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyAccess;
import dev.switchboard.core.auth.KeyGuardrails;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.error.GatewayException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A key's fields on the admin API's wire, both ways: applies a create or patch body to a key,
 * validating every field (a bad one is a 400 naming it), and renders a key without its hash.
 */
final class KeyFields {

  private static final Set<String> KNOWN =
      Set.of(
          "name",
          "owner",
          "tags",
          "role",
          "disabled",
          "expires_at",
          "limit",
          "limit_reset",
          "requests_per_minute",
          "tokens_per_minute",
          "clamp_max_tokens",
          "allowed_models",
          "denied_models",
          "allowed_providers",
          "denied_providers",
          "allowed_tools",
          "denied_tools",
          "guardrails",
          "guardrails_allowed",
          "semantic_cache");

  /** An MCP tool pattern: {@code server/tool}, or {@code server}, with {@code *} wildcards. */
  private static final java.util.regex.Pattern TOOL_PATTERN =
      java.util.regex.Pattern.compile("[A-Za-z0-9_.*-]{1,64}(/[A-Za-z0-9_.*-]{1,128})?");

  private static final int MAX_TEXT = 200;
  private static final int MAX_LIST = 100;

  private KeyFields() {}

  /** {@code key} with the fields present in {@code body} replaced; absent fields stay. */
  static ApiKey apply(ApiKey key, JsonNode body) {
    return apply(key, body, Set.of());
  }

  /**
   * {@code key} with the fields present in {@code body} replaced; absent fields stay. {@code
   * policies} are the guardrail policies, configured or managed through the admin API: a key may
   * name no other.
   */
  static ApiKey apply(ApiKey key, JsonNode body, Set<String> policies) {
    if (body == null || !body.isObject()) {
      throw GatewayException.invalidParam(null, "The body must be a JSON object.");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!KNOWN.contains(name)) {
        throw GatewayException.invalidParam(name, "Unknown field '" + shorten(name) + "'.");
      }
    }
    String name = body.has("name") ? text(body, "name", false) : key.name();
    String owner = body.has("owner") ? text(body, "owner", true) : key.owner();
    List<String> tags = body.has("tags") ? List.copyOf(strings(body, "tags")) : key.tags();
    ApiKey.Role role = body.has("role") ? role(body) : key.role();
    boolean disabled = body.has("disabled") ? bool(body, "disabled") : key.disabled();
    Instant expiresAt = body.has("expires_at") ? instant(body, "expires_at") : key.expiresAt();
    KeyLimits l = key.limits();
    KeyLimits limits =
        new KeyLimits(
            body.has("limit") ? money(body, "limit") : l.creditLimit(),
            body.has("limit_reset") ? reset(body) : l.reset(),
            body.has("requests_per_minute")
                ? positive(body, "requests_per_minute")
                : l.requestsPerMinute(),
            body.has("tokens_per_minute")
                ? positive(body, "tokens_per_minute")
                : l.tokensPerMinute(),
            body.has("clamp_max_tokens") ? bool(body, "clamp_max_tokens") : l.clampMaxTokens());
    KeyAccess a = key.access();
    KeyAccess access =
        new KeyAccess(
            body.has("allowed_models") ? strings(body, "allowed_models") : a.allowedModels(),
            body.has("denied_models") ? strings(body, "denied_models") : a.deniedModels(),
            body.has("allowed_providers")
                ? strings(body, "allowed_providers")
                : a.allowedProviders(),
            body.has("denied_providers") ? strings(body, "denied_providers") : a.deniedProviders(),
            body.has("allowed_tools") ? toolPatterns(body, "allowed_tools") : a.allowedTools(),
            body.has("denied_tools") ? toolPatterns(body, "denied_tools") : a.deniedTools());
    KeyGuardrails g = key.guardrails();
    KeyGuardrails guardrails =
        new KeyGuardrails(
            body.has("guardrails") ? policies(body, "guardrails", policies) : g.attached(),
            body.has("guardrails_allowed")
                ? policies(body, "guardrails_allowed", policies)
                : g.allowed());
    return new ApiKey(
        key.keyHash(),
        key.id(),
        name,
        owner,
        tags,
        role,
        disabled,
        key.createdAt(),
        expiresAt,
        limits,
        access,
        key.cacheTtl(),
        guardrails,
        body.has("semantic_cache") ? bool(body, "semantic_cache") : key.semanticCache());
  }

  /** A list of guardrail policy names, each one a policy that exists. */
  private static List<String> policies(JsonNode body, String field, Set<String> policies) {
    List<String> names = List.copyOf(strings(body, field));
    for (int i = 0; i < names.size(); i++) {
      if (!policies.contains(names.get(i))) {
        throw GatewayException.invalidParam(
            field + "[" + i + "]",
            "'"
                + field
                + "["
                + i
                + "]' names no guardrail policy (configured or at /admin/guardrails: "
                + (policies.isEmpty()
                    ? "none"
                    : String.join(", ", policies.stream().sorted().toList()))
                + ").");
      }
    }
    return names;
  }

  /** The key as the admin API shows it: everything but the hash. */
  static ObjectNode render(ApiKey key) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", key.id());
    o.put("name", key.name());
    o.put("owner", key.owner());
    key.tags().forEach(o.putArray("tags")::add);
    if (key.tags().isEmpty()) {
      o.putArray("tags");
    }
    o.put("role", key.role().name().toLowerCase(Locale.ROOT));
    o.put("disabled", key.disabled());
    o.put("semantic_cache", key.semanticCache());
    o.put("created_at", key.createdAt().toString());
    o.put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString());
    KeyLimits limits = key.limits();
    o.put("limit", limits.creditLimit());
    o.put("limit_reset", limits.reset().wire());
    o.put("requests_per_minute", limits.requestsPerMinute());
    o.put("tokens_per_minute", limits.tokensPerMinute());
    o.put("clamp_max_tokens", limits.clampMaxTokens());
    KeyAccess access = key.access();
    list(o.putArray("allowed_models"), access.allowedModels());
    list(o.putArray("denied_models"), access.deniedModels());
    list(o.putArray("allowed_providers"), access.allowedProviders());
    list(o.putArray("denied_providers"), access.deniedProviders());
    list(o.putArray("allowed_tools"), access.allowedTools());
    list(o.putArray("denied_tools"), access.deniedTools());
    key.guardrails().attached().forEach(o.putArray("guardrails")::add);
    if (key.guardrails().attached().isEmpty()) {
      o.putArray("guardrails");
    }
    ArrayNode allowed = o.putArray("guardrails_allowed");
    key.guardrails().allowed().forEach(allowed::add);
    return o;
  }

  private static Set<String> toolPatterns(JsonNode body, String field) {
    Set<String> patterns = strings(body, field);
    int i = 0;
    for (String pattern : patterns) {
      if (!TOOL_PATTERN.matcher(pattern).matches()) {
        String at = field + "[" + i + "]";
        throw GatewayException.invalidParam(
            at,
            "'"
                + at
                + "' is not a tool pattern: server/tool or server, of letters, digits, '_', '-',"
                + " '.' and '*' wildcards.");
      }
      i++;
    }
    return patterns;
  }

  private static void list(ArrayNode array, Set<String> values) {
    values.stream().sorted().forEach(array::add);
  }

  private static String text(JsonNode body, String field, boolean nullable) {
    JsonNode v = body.get(field);
    if (nullable && v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.textValue().isBlank() || v.textValue().length() > MAX_TEXT) {
      throw GatewayException.invalidParam(
          field,
          "'" + field + "' must be a non-empty string of at most " + MAX_TEXT + " characters.");
    }
    return v.textValue().strip();
  }

  private static Set<String> strings(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v.isNull()) {
      return Set.of();
    }
    if (!v.isArray() || v.size() > MAX_LIST) {
      throw GatewayException.invalidParam(
          field, "'" + field + "' must be an array of at most " + MAX_LIST + " strings.");
    }
    Set<String> values = new LinkedHashSet<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (!item.isTextual() || item.textValue().isBlank() || item.textValue().length() > MAX_TEXT) {
        throw GatewayException.invalidParam(
            field + "[" + i + "]", "'" + field + "[" + i + "]' must be a non-empty string.");
      }
      values.add(item.textValue().strip());
    }
    return values;
  }

  private static ApiKey.Role role(JsonNode body) {
    JsonNode v = body.get("role");
    if (v.isTextual()) {
      switch (v.textValue()) {
        case "admin":
          return ApiKey.Role.ADMIN;
        case "user":
          return ApiKey.Role.USER;
        default:
          break;
      }
    }
    throw GatewayException.invalidParam("role", "'role' must be \"admin\" or \"user\".");
  }

  private static boolean bool(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (!v.isBoolean()) {
      throw GatewayException.invalidParam(field, "'" + field + "' must be true or false.");
    }
    return v.booleanValue();
  }

  private static Instant instant(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      try {
        return Instant.parse(v.textValue());
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw GatewayException.invalidParam(
        field,
        "'" + field + "' must be an ISO-8601 UTC time such as 2027-01-31T00:00:00Z, or null.");
  }

  private static BigDecimal money(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v.isNull()) {
      return null;
    }
    return JsonNumbers.decimal(v)
        .filter(
            usd ->
                usd.signum() >= 0
                    && usd.scale() <= 12
                    && usd.compareTo(BigDecimal.valueOf(1_000_000)) <= 0)
        .orElseThrow(
            () ->
                GatewayException.invalidParam(
                    field,
                    "'"
                        + field
                        + "' must be a number of US dollars between 0 and 1000000, or null."));
  }

  private static ResetPeriod reset(JsonNode body) {
    JsonNode v = body.get("limit_reset");
    if (v.isNull()) {
      return ResetPeriod.NONE;
    }
    return (v.isTextual()
            ? ResetPeriod.parse(v.textValue())
            : java.util.Optional.<ResetPeriod>empty())
        .orElseThrow(
            () ->
                GatewayException.invalidParam(
                    "limit_reset",
                    "'limit_reset' must be \"daily\", \"weekly\", \"monthly\" or \"none\"."));
  }

  private static Integer positive(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw GatewayException.invalidParam(
          field, "'" + field + "' must be a whole number of at least 1, or null.");
    }
    return v.intValue();
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
