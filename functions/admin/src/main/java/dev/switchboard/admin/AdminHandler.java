package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.audit.AuditEntry;
import dev.switchboard.core.audit.AuditLog;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyRegistry;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.PicoUsd;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import dev.switchboard.identity.Caller;
import dev.switchboard.identity.Role;
import dev.switchboard.identity.SessionCookie;
import dev.switchboard.identity.TokenVerifier;
import dev.switchboard.identity.VerifiedToken;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.store.DynamoAuditLog;
import dev.switchboard.store.DynamoBudgetStore;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoGuardrailPolicyStore;
import dev.switchboard.store.DynamoKeyStore;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The admin function: {@code /admin/keys} for management (admin-role) keys and, when OIDC sign-in
 * is configured, for people signed in at the issuer. Creates keys (the secret is shown once, in the
 * creation or rotation reply, and never stored), lists them a page at a time, reads, changes,
 * deletes and rotates them, and appends each change to the audit log, which admins read at {@code
 * /admin/audit}. An admin (key or person) manages every key; a member only the keys it owns (their
 * {@code owner} is its subject; any other key is a 404, as if it did not exist); a viewer reads
 * keys and changes none. A user key gets a 403 on every route.
 */
public final class AdminHandler implements HttpHandler {

  private static final String KEYS = "/admin/keys";
  private static final String AUDIT = "/admin/audit";
  private static final String ME = "/admin/me";

  /**
   * Member keys may run no more pages than this per list call; the cursor carries on from there.
   */
  private static final int MAX_SCANNED_PAGES = 20;

  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 200;

  private final KeyRegistry keys;
  private final BudgetStore budgets;
  private final AuditLog audit;
  private final Optional<TokenVerifier> tokens;
  private final Authenticator authenticator;
  private final ObjectMapper mapper;
  private final JsonResponses responses;
  private final Clock clock;
  private final SecureRandom random;
  private final GuardrailRoutes guardrails;

  AdminHandler(
      KeyRegistry keys,
      BudgetStore budgets,
      AuditLog audit,
      Optional<TokenVerifier> tokens,
      ObjectMapper mapper,
      Clock clock,
      SecureRandom random) {
    this(keys, budgets, audit, tokens, mapper, clock, random, Set.of());
  }

  /**
   * @param guardrailPolicies the guardrail policies configured ({@code GUARDRAILS}): the names a
   *     key may be attached to
   */
  AdminHandler(
      KeyRegistry keys,
      BudgetStore budgets,
      AuditLog audit,
      Optional<TokenVerifier> tokens,
      ObjectMapper mapper,
      Clock clock,
      SecureRandom random,
      Set<String> guardrailPolicies) {
    this(
        keys,
        budgets,
        audit,
        tokens,
        mapper,
        clock,
        random,
        new GuardrailRoutes.Configured(
            guardrailPolicies.stream()
                .collect(
                    java.util.stream.Collectors.toMap(
                        n -> n, n -> (JsonNode) mapper.createArrayNode())),
            List.of()),
        GuardrailPolicyStore.inMemory());
  }

  /**
   * @param configured the guardrail policies configured ({@code GUARDRAILS})
   * @param policies where the policies managed through {@code /admin/guardrails} are kept
   */
  AdminHandler(
      KeyRegistry keys,
      BudgetStore budgets,
      AuditLog audit,
      Optional<TokenVerifier> tokens,
      ObjectMapper mapper,
      Clock clock,
      SecureRandom random,
      GuardrailRoutes.Configured configured,
      GuardrailPolicyStore policies) {
    this.guardrails = new GuardrailRoutes(configured, policies, keys, mapper, this::record);
    this.keys = keys;
    this.budgets = budgets;
    this.audit = audit;
    this.tokens = tokens;
    // no cache: a management call must see a key's current role and state
    this.authenticator = new Authenticator(keys, clock, Duration.ZERO);
    this.mapper = mapper;
    this.responses = new JsonResponses(mapper);
    this.clock = clock;
    this.random = random;
  }

  /**
   * Built from the environment: {@code KEYS_TABLE}, {@code BUDGETS_TABLE} (which also holds the
   * audit log), the AWS variables, and the {@code OIDC_} variables when sign-in is on.
   */
  public static AdminHandler create(Env env) {
    AdminSettings settings = AdminSettings.from(env);
    var dynamo = DynamoClients.create(settings.store());
    Clock clock = Clock.systemUTC();
    ObjectMapper mapper = new ObjectMapper();
    return new AdminHandler(
        new DynamoKeyStore(dynamo, settings.keysTable()),
        new DynamoBudgetStore(dynamo, settings.budgetsTable()),
        new DynamoAuditLog(dynamo, settings.budgetsTable()),
        settings.identity().map(identity -> new TokenVerifier(identity, clock)),
        mapper,
        clock,
        new SecureRandom(),
        GuardrailRoutes.Configured.from(env, mapper),
        new DynamoGuardrailPolicyStore(dynamo, settings.budgetsTable()));
  }

  @Override
  public void handle(HttpRequest request, ResponseSink sink) {
    String requestId = request.requestId();
    try {
      Caller caller = authenticate(request);
      route(caller, request, sink, requestId);
    } catch (GatewayException e) {
      error(sink, e, requestId);
    } catch (StoreUnavailableException e) {
      error(
          sink,
          new GatewayException(
              ErrorKind.UNAVAILABLE, "store_unavailable", "The key store is unavailable."),
          requestId);
    } catch (RuntimeException unexpected) {
      // a bug of ours: the client still gets an answer, the log the failure's origin only
      System.err.println(
          "{\"level\":\"ERROR\",\"requestId\":\""
              + requestId
              + "\",\"error\":\""
              + GatewayException.origin(unexpected)
              + "\"}");
      try {
        error(sink, GatewayException.internal(requestId), requestId);
      } catch (RuntimeException alreadyStarted) {
        sink.abort("InternalError", "The function failed unexpectedly.");
      }
    }
  }

  private void route(Caller caller, HttpRequest request, ResponseSink sink, String requestId) {
    String path = request.path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String method = request.method().toUpperCase(java.util.Locale.ROOT);
    if (!method.equals("GET") && caller.role() == Role.VIEWER) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED, "read_only", "The role viewer reads keys and changes none.");
    }
    if (path.equals(ME)) {
      if (!method.equals("GET")) {
        throw methodNotAllowed(method);
      }
      ObjectNode body = mapper.createObjectNode();
      body.put("actor", caller.actor());
      body.put("name", caller.displayName());
      body.put("role", caller.role().wire());
      json(sink, 200, body, requestId);
      return;
    }
    if (path.equals(AUDIT)) {
      if (!method.equals("GET")) {
        throw methodNotAllowed(method);
      }
      if (caller.role() != Role.ADMIN) {
        throw new GatewayException(
            ErrorKind.PERMISSION_DENIED, "admin_required", "Only admins read the audit log.");
      }
      auditPage(request, sink, requestId);
      return;
    }
    if (GuardrailRoutes.handles(path)) {
      GuardrailRoutes.Reply reply = guardrails.route(caller, method, path, request.body());
      json(sink, reply.status(), reply.body(), requestId);
      return;
    }
    if (path.equals(KEYS)) {
      switch (method) {
        case "POST" -> create(caller, request, sink, requestId);
        case "GET" -> list(caller, request, sink, requestId);
        default -> throw methodNotAllowed(method);
      }
      return;
    }
    if (!path.startsWith(KEYS + "/")) {
      throw new GatewayException(ErrorKind.NOT_FOUND, "unknown_route", "No such admin route.");
    }
    String rest = path.substring(KEYS.length() + 1);
    boolean rotate = rest.endsWith("/rotate");
    String id = rotate ? rest.substring(0, rest.length() - "/rotate".length()) : rest;
    if (id.isEmpty() || id.contains("/")) {
      throw new GatewayException(ErrorKind.NOT_FOUND, "unknown_route", "No such admin route.");
    }
    ApiKey key =
        keys.findById(id)
            // another member's key is not found, so its id does not even tell that it exists
            .filter(k -> caller.reads(k.owner()))
            .orElseThrow(
                () -> new GatewayException(ErrorKind.NOT_FOUND, "key_not_found", "No such key."));
    if (rotate) {
      if (!method.equals("POST")) {
        throw methodNotAllowed(method);
      }
      rotate(caller, key, sink, requestId);
      return;
    }
    switch (method) {
      case "GET" -> json(sink, 200, wrap(key), requestId);
      case "PATCH" -> patch(caller, key, request, sink, requestId);
      case "DELETE" -> {
        keys.delete(key.keyHash());
        record(caller, "key.deleted", key.id(), List.of());
        ObjectNode body = mapper.createObjectNode();
        body.put("id", key.id());
        body.put("deleted", true);
        json(sink, 200, body, requestId);
      }
      default -> throw methodNotAllowed(method);
    }
  }

  private void create(Caller caller, HttpRequest request, ResponseSink sink, String requestId) {
    JsonNode asked = parse(request);
    if (!asked.hasNonNull("name")) {
      throw GatewayException.invalidParam("name", "'name' is required.");
    }
    JsonNode body = caller.role() == Role.MEMBER ? memberBody(caller, (ObjectNode) asked) : asked;
    String secret = ApiKeys.newSecret(random);
    String hash = ApiKeys.hash(secret);
    ApiKey blank =
        new ApiKey(
            hash, ApiKeys.idOf(hash), "", null, ApiKey.Role.USER, false, clock.instant(), null);
    ApiKey key = KeyFields.apply(blank, body, policyNames(body));
    keys.put(key);
    record(caller, "key.created", key.id(), fieldNames(asked));
    ObjectNode reply = wrap(key);
    // shown once: only the hash is stored
    reply.put("key", secret);
    json(sink, 201, reply, requestId);
  }

  private void list(Caller caller, HttpRequest request, ResponseSink sink, String requestId) {
    int limit = DEFAULT_PAGE;
    String rawLimit = request.queryParameter("limit").orElse(null);
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw GatewayException.invalidParam(
            "limit", "'limit' must be a whole number from 1 to " + MAX_PAGE + ".");
      }
    }
    List<ApiKey> shown = new ArrayList<>();
    String cursor = request.queryParameter("cursor").orElse(null);
    // a member sees only its own keys: read on, page after page, until the page is full, the table
    // ends, or enough pages were read for one call (the cursor then carries on from there)
    for (int pages = 0; pages < MAX_SCANNED_PAGES; pages++) {
      KeyRegistry.Page page;
      try {
        page = keys.list(cursor, limit - shown.size());
      } catch (IllegalArgumentException e) {
        throw GatewayException.invalidParam("cursor", "'cursor' is not one this API handed out.");
      }
      page.keys().stream().filter(k -> caller.reads(k.owner())).forEach(shown::add);
      cursor = page.next();
      if (cursor == null || shown.size() >= limit) {
        break;
      }
    }
    ObjectNode body = mapper.createObjectNode();
    var data = body.putArray("data");
    shown.forEach(k -> data.add(KeyFields.render(k)));
    body.put("next_cursor", cursor);
    json(sink, 200, body, requestId);
  }

  private void auditPage(HttpRequest request, ResponseSink sink, String requestId) {
    int limit = DEFAULT_PAGE;
    String rawLimit = request.queryParameter("limit").orElse(null);
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw GatewayException.invalidParam(
            "limit", "'limit' must be a whole number from 1 to " + MAX_PAGE + ".");
      }
    }
    AuditLog.Page page;
    try {
      page = audit.recent(request.queryParameter("cursor").orElse(null), limit);
    } catch (IllegalArgumentException e) {
      throw GatewayException.invalidParam("cursor", "'cursor' is not one this API handed out.");
    }
    ObjectNode body = mapper.createObjectNode();
    var data = body.putArray("data");
    for (AuditEntry e : page.entries()) {
      ObjectNode o = data.addObject();
      o.put("at", e.at().toString());
      o.put("actor", e.actor());
      o.put("actor_name", e.actorName());
      o.put("actor_role", e.actorRole());
      o.put("action", e.action());
      o.put("key_id", e.keyId());
      e.fields().forEach(o.putArray("fields")::add);
      if (e.fields().isEmpty()) {
        o.putArray("fields");
      }
    }
    body.put("next_cursor", page.next());
    json(sink, 200, body, requestId);
  }

  /**
   * A member's create or patch body: it may not make a management key nor give a key to someone
   * else; a new key is its own.
   */
  private static ObjectNode memberBody(Caller caller, ObjectNode body) {
    JsonNode role = body.get("role");
    if (role != null && !"user".equals(role.asText(null))) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED,
          "permission_denied",
          "A member can make and keep only user keys (role user).");
    }
    JsonNode owner = body.get("owner");
    if (owner != null && !caller.subject().equals(owner.asText(null))) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED,
          "permission_denied",
          "A member's keys are its own: 'owner' can only be the member itself.");
    }
    ObjectNode own = body.deepCopy();
    own.put("owner", caller.subject());
    return own;
  }

  /** The policy names a key may be attached to, read only when the body attaches any. */
  private Set<String> policyNames(JsonNode body) {
    return body.has("guardrails") || body.has("guardrails_allowed") ? guardrails.names() : Set.of();
  }

  private static List<String> fieldNames(JsonNode body) {
    List<String> names = new ArrayList<>();
    body.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * Appends an admin action to the audit log after it was made. The change stands if the log cannot
   * be written (the caller would only retry it); the entry then goes to the function's log.
   */
  private void record(Caller caller, String action, String keyId, List<String> fields) {
    AuditEntry entry =
        new AuditEntry(
            clock.instant(),
            caller.actor(),
            caller.displayName(),
            caller.role().wire(),
            action,
            keyId,
            fields);
    try {
      audit.append(entry);
    } catch (StoreUnavailableException e) {
      try {
        ObjectNode line = mapper.createObjectNode();
        line.put("level", "ERROR");
        line.put("event", "audit_unsaved");
        line.put("at", entry.at().toString());
        line.put("actor", entry.actor());
        line.put("action", entry.action());
        line.put("key_id", entry.keyId());
        entry.fields().forEach(line.putArray("fields")::add);
        System.err.println(mapper.writeValueAsString(line));
      } catch (IOException unwritable) {
        System.err.println("{\"level\":\"ERROR\",\"event\":\"audit_unsaved\"}");
      }
    }
  }

  private void patch(
      Caller caller, ApiKey key, HttpRequest request, ResponseSink sink, String requestId) {
    JsonNode asked = parse(request);
    JsonNode body = caller.role() == Role.MEMBER ? memberBody(caller, (ObjectNode) asked) : asked;
    ApiKey changed = KeyFields.apply(key, body, policyNames(body));
    keys.put(changed);
    record(caller, "key.changed", key.id(), fieldNames(asked));
    authenticator.invalidate(key.keyHash());
    Instant now = clock.instant();
    if (!Objects.equals(key.limits().creditLimit(), changed.limits().creditLimit())
        && key.limits().reset() == changed.limits().reset()) {
      // a top-up or a cut applies to the current period at once, not only to the next one
      budgets.changeLimit(
          changed.id(),
          changed.limits().reset().periodId(now),
          changed.limits().creditLimit() == null
              ? null
              : PicoUsd.floor(changed.limits().creditLimit()));
    }
    json(sink, 200, wrap(changed), requestId);
  }

  private void rotate(Caller caller, ApiKey key, ResponseSink sink, String requestId) {
    String secret = ApiKeys.newSecret(random);
    ApiKey rotated = key.withHash(ApiKeys.hash(secret));
    // the new item first: a failure in between leaves two working secrets, never none
    keys.put(rotated);
    keys.delete(key.keyHash());
    record(caller, "key.rotated", key.id(), List.of());
    ObjectNode reply = wrap(rotated);
    reply.put("key", secret);
    json(sink, 200, reply, requestId);
  }

  /**
   * The caller: a bearer JWT is verified as an OIDC token when sign-in is on; anything else must be
   * an admin gateway key, as before sign-in existed. A request with no credential in its headers
   * may be the dashboard's, with its session cookie (and, for a change, its CSRF token).
   */
  private Caller authenticate(HttpRequest request) {
    String secret = request.header("x-api-key").orElse(null);
    String authorization = request.header("authorization").orElse(null);
    if (tokens.isPresent() && secret == null && authorization == null) {
      Optional<VerifiedToken> session =
          SessionCookie.forRequest(
                  request.header("host").orElse(null),
                  request.header("x-forwarded-proto").orElse(null))
              .authenticate(
                  tokens.get(),
                  request.method(),
                  request.header("cookie").orElse(null),
                  request.header(SessionCookie.CSRF_HEADER).orElse(null));
      if (session.isPresent()) {
        return Caller.of(session.get().principal());
      }
    }
    if (authorization != null) {
      String value = authorization.strip();
      if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        secret = value.substring(7).strip();
      }
    }
    if (tokens.isPresent()
        && secret != null
        && !secret.startsWith(ApiKeys.PREFIX)
        && TokenVerifier.looksLikeJwt(secret)) {
      return Caller.of(tokens.get().verify(secret));
    }
    ApiKey key = authenticator.authenticate(secret);
    if (key.role() != ApiKey.Role.ADMIN) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED,
          "admin_required",
          "This route needs a management key (role admin).");
    }
    return Caller.adminKey(key.id(), key.name());
  }

  private JsonNode parse(HttpRequest request) {
    try {
      JsonNode body = mapper.readTree(request.body());
      if (body == null || !body.isObject()) {
        throw GatewayException.invalidParam(null, "The body must be a JSON object.");
      }
      return body;
    } catch (IOException e) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST, "invalid_json", "The body is not valid JSON.");
    }
  }

  private ObjectNode wrap(ApiKey key) {
    ObjectNode body = mapper.createObjectNode();
    body.set("data", KeyFields.render(key));
    return body;
  }

  private static GatewayException methodNotAllowed(String method) {
    return new GatewayException(
        ErrorKind.METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method " + (method.length() > 10 ? method.substring(0, 10) : method) + " is not allowed.");
  }

  private void error(ResponseSink sink, GatewayException e, String requestId) {
    responses.error(sink, e, requestId);
  }

  private void json(ResponseSink sink, int status, JsonNode body, String requestId) {
    responses.json(sink, status, body, Map.of(JsonResponses.REQUEST_ID, requestId));
  }
}
