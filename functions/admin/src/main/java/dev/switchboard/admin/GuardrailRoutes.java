package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyRegistry;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.guardrails.AdminPolicies;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.guardrails.RemoteGuardrail;
import dev.switchboard.identity.Caller;
import dev.switchboard.identity.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /admin/guardrails}: the guardrail policies, those configured ({@code GUARDRAILS}, read
 * only here) and those managed through these routes, kept in the {@link GuardrailPolicyStore}; and
 * {@code /admin/guardrails-default}, the managed policies every key goes through beside the
 * configured defaults. Admins only. A managed policy is the rule list of one configured policy,
 * checked by the same parser; it cannot take a configured policy's name, and cannot be deleted
 * while a key or the default list names it. Each change is appended to the audit log ({@code
 * policy.created}, {@code policy.changed}, {@code policy.deleted}, {@code policy.default_changed}),
 * with the policy's name as its field.
 */
final class GuardrailRoutes {

  static final String POLICIES = "/admin/guardrails";
  static final String DEFAULT = "/admin/guardrails-default";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final int KEY_PAGE = 200;

  /** Never called: the admin API parses bedrock rules, the gateway evaluates them. */
  static final RemoteGuardrail BEDROCK_NOT_CALLED =
      (id, version, output, text) -> {
        throw new IllegalStateException("the admin API evaluates no guardrail");
      };

  /** Appends one action to the audit log. */
  interface Audit {
    void record(Caller caller, String action, String keyId, List<String> fields);
  }

  /** What a route answers: a status and a JSON body. */
  record Reply(int status, JsonNode body) {}

  /** The configured policies: each one's rules as written, and the configured defaults. */
  record Configured(Map<String, JsonNode> rules, List<String> defaults) {

    static final Configured NONE = new Configured(Map.of(), List.of());

    Configured {
      rules = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rules));
      defaults = List.copyOf(defaults);
    }

    /**
     * {@code GUARDRAILS} or {@code GUARDRAILS_FILE}, checked as the gateway checks them.
     *
     * @throws IllegalArgumentException naming the variable and what is wrong
     */
    static Configured from(Env env, ObjectMapper mapper) {
      Guardrails parsed = Guardrails.from(env, BEDROCK_NOT_CALLED);
      var text = Guardrails.configured(env);
      if (text.isEmpty()) {
        return NONE;
      }
      JsonNode root;
      try {
        root = mapper.readTree(text.get().json());
      } catch (IOException e) {
        throw new IllegalArgumentException(text.get().variable() + ": not valid JSON");
      }
      Map<String, JsonNode> rules = new LinkedHashMap<>();
      root.path("policies").properties().forEach(p -> rules.put(p.getKey(), p.getValue()));
      return new Configured(rules, parsed.defaults());
    }
  }

  private final Configured configured;
  private final GuardrailPolicyStore store;
  private final KeyRegistry keys;
  private final ObjectMapper mapper;
  private final Audit audit;

  GuardrailRoutes(
      Configured configured,
      GuardrailPolicyStore store,
      KeyRegistry keys,
      ObjectMapper mapper,
      Audit audit) {
    this.configured = configured;
    this.store = store;
    this.keys = keys;
    this.mapper = mapper;
    this.audit = audit;
  }

  static boolean handles(String path) {
    return path.equals(POLICIES) || path.startsWith(POLICIES + "/") || path.equals(DEFAULT);
  }

  /** Every policy name a key may be attached to: the configured ones and the managed ones. */
  Set<String> names() {
    Set<String> names = new LinkedHashSet<>(configured.rules().keySet());
    names.addAll(store.read().policies().keySet());
    return names;
  }

  Reply route(Caller caller, String method, String path, byte[] raw) {
    if (caller.role() != Role.ADMIN) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED, "admin_required", "Only admins manage guardrail policies.");
    }
    JsonNode body = method.equals("PUT") ? parse(raw) : null;
    if (path.equals(DEFAULT)) {
      return switch (method) {
        case "GET" -> new Reply(200, defaults(store.read()));
        case "PUT" -> putDefault(caller, body);
        default -> throw methodNotAllowed(method);
      };
    }
    if (path.equals(POLICIES)) {
      if (!method.equals("GET")) {
        throw methodNotAllowed(method);
      }
      return new Reply(200, list(store.read()));
    }
    String name = path.substring(POLICIES.length() + 1);
    if (!NAME.matcher(name).matches()) {
      throw new GatewayException(
          ErrorKind.NOT_FOUND,
          "policy_not_found",
          "No such guardrail policy (a name is 1 to 64 letters, digits, '.', '_' or '-').");
    }
    return switch (method) {
      case "GET" -> {
        ObjectNode policy = policy(name, store.read());
        if (policy == null) {
          throw notFound();
        }
        yield new Reply(200, wrap(policy));
      }
      case "PUT" -> put(caller, name, body);
      case "DELETE" -> delete(caller, name);
      default -> throw methodNotAllowed(method);
    };
  }

  private Reply put(Caller caller, String name, JsonNode body) {
    if (configured.rules().containsKey(name)) {
      throw configuredConflict(name);
    }
    try {
      Guardrails.rules("$", body, BEDROCK_NOT_CALLED);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      int colon = message.indexOf(": ");
      String at = colon < 0 ? "$" : message.substring(0, colon);
      throw GatewayException.invalidParam(
          at, "The rule list is not valid: " + message + " (docs/GUARDRAILS.md).");
    }
    AdminPolicies current = store.read();
    boolean created = !current.policies().containsKey(name);
    write(current.withPolicy(name, body));
    audit.record(caller, created ? "policy.created" : "policy.changed", null, List.of(name));
    return new Reply(created ? 201 : 200, wrap(policy(name, store.read())));
  }

  private Reply delete(Caller caller, String name) {
    if (configured.rules().containsKey(name)) {
      throw configuredConflict(name);
    }
    AdminPolicies current = store.read();
    if (!current.policies().containsKey(name)) {
      throw notFound();
    }
    if (current.defaults().contains(name)) {
      throw new GatewayException(
          ErrorKind.CONFLICT,
          "policy_in_use",
          "The default list names this policy: take it out of /admin/guardrails-default first.");
    }
    String user = firstKeyNaming(name);
    if (user != null) {
      throw new GatewayException(
          ErrorKind.CONFLICT,
          "policy_in_use",
          "Key "
              + user
              + " names this policy in guardrails or guardrails_allowed: detach it from every key"
              + " first.");
    }
    write(current.withoutPolicy(name));
    audit.record(caller, "policy.deleted", null, List.of(name));
    ObjectNode reply = mapper.createObjectNode();
    reply.put("name", name);
    reply.put("deleted", true);
    return new Reply(200, reply);
  }

  private Reply putDefault(Caller caller, JsonNode body) {
    if (body == null || !body.isObject() || !body.path("default").isArray()) {
      throw GatewayException.invalidParam(
          "default", "The body must be {\"default\": [policy names]}.");
    }
    AdminPolicies current = store.read();
    Set<String> known = new LinkedHashSet<>(configured.rules().keySet());
    known.addAll(current.policies().keySet());
    List<String> names = new ArrayList<>();
    int i = 0;
    for (JsonNode n : body.path("default")) {
      if (!n.isTextual() || !known.contains(n.textValue())) {
        throw GatewayException.invalidParam(
            "default[" + i + "]", "'default[" + i + "]' names no guardrail policy.");
      }
      if (!names.contains(n.textValue())) {
        names.add(n.textValue());
      }
      i++;
    }
    write(current.withDefaults(names));
    audit.record(caller, "policy.default_changed", null, List.of("default"));
    return new Reply(200, defaults(store.read()));
  }

  private JsonNode parse(byte[] raw) {
    try {
      return raw.length == 0 ? null : mapper.readTree(raw);
    } catch (IOException e) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST, "invalid_json", "The body is not valid JSON.");
    }
  }

  private void write(AdminPolicies next) {
    if (!store.replace(next)) {
      throw new GatewayException(
          ErrorKind.CONFLICT,
          "policy_conflict",
          "The guardrail policies changed while this change was made: read them again and retry.");
    }
  }

  /** The id of a key that names {@code policy}, attached or allowed; null when none does. */
  private String firstKeyNaming(String policy) {
    String cursor = null;
    do {
      KeyRegistry.Page page = keys.list(cursor, KEY_PAGE);
      for (ApiKey key : page.keys()) {
        if (key.guardrails().attached().contains(policy)
            || key.guardrails().allowed().contains(policy)) {
          return key.id();
        }
      }
      cursor = page.next();
    } while (cursor != null);
    return null;
  }

  private ObjectNode list(AdminPolicies stored) {
    ObjectNode body = mapper.createObjectNode();
    ArrayNode data = body.putArray("data");
    configured.rules().keySet().forEach(n -> data.add(policy(n, stored)));
    stored.policies().keySet().stream()
        .filter(n -> !configured.rules().containsKey(n))
        .forEach(n -> data.add(policy(n, stored)));
    ArrayNode defaults = body.putArray("default");
    effectiveDefaults(stored).forEach(defaults::add);
    body.put("version", stored.version());
    return body;
  }

  private ObjectNode defaults(AdminPolicies stored) {
    ObjectNode body = mapper.createObjectNode();
    stored.defaults().forEach(body.putArray("default")::add);
    configured.defaults().forEach(body.putArray("configured_default")::add);
    body.put("version", stored.version());
    return body;
  }

  private List<String> effectiveDefaults(AdminPolicies stored) {
    Set<String> names = new LinkedHashSet<>(configured.defaults());
    names.addAll(stored.defaults());
    return List.copyOf(names);
  }

  /** One policy as these routes show it; null when there is none of that name. */
  private ObjectNode policy(String name, AdminPolicies stored) {
    JsonNode rules = configured.rules().get(name);
    String source = "config";
    if (rules == null) {
      rules = stored.policies().get(name);
      source = "admin";
    }
    if (rules == null) {
      return null;
    }
    ObjectNode o = mapper.createObjectNode();
    o.put("name", name);
    o.put("source", source);
    o.set("rules", rules);
    o.put("default", effectiveDefaults(stored).contains(name));
    return o;
  }

  private ObjectNode wrap(ObjectNode policy) {
    ObjectNode body = mapper.createObjectNode();
    body.set("data", policy);
    return body;
  }

  private static GatewayException notFound() {
    return new GatewayException(
        ErrorKind.NOT_FOUND, "policy_not_found", "No such guardrail policy.");
  }

  private static GatewayException configuredConflict(String name) {
    return new GatewayException(
        ErrorKind.CONFLICT,
        "policy_configured",
        "Policy '"
            + name
            + "' is configured (GUARDRAILS): it is changed in the configuration, not through the"
            + " admin API.");
  }

  private static GatewayException methodNotAllowed(String method) {
    return new GatewayException(
        ErrorKind.METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method " + (method.length() > 10 ? method.substring(0, 10) : method) + " is not allowed.");
  }
}
