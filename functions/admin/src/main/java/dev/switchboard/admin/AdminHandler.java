package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.guardrails.RemoteGuardrail;
import dev.switchboard.lambda.http.HttpHandler;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.JsonResponses;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.store.DynamoBudgetStore;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The admin function: {@code /admin/keys} for management (admin-role) keys only. Creates keys (the
 * secret is shown once, in the creation or rotation reply, and never stored), lists them a page at
 * a time, reads, changes, deletes and rotates them. A user key gets a 403 on every route.
 */
public final class AdminHandler implements HttpHandler {

  private static final String KEYS = "/admin/keys";
  private static final int DEFAULT_PAGE = 50;
  private static final int MAX_PAGE = 200;

  private final KeyRegistry keys;
  private final BudgetStore budgets;
  private final Authenticator authenticator;
  private final ObjectMapper mapper;
  private final JsonResponses responses;
  private final Clock clock;
  private final SecureRandom random;
  private final Set<String> guardrailPolicies;

  AdminHandler(
      KeyRegistry keys,
      BudgetStore budgets,
      ObjectMapper mapper,
      Clock clock,
      SecureRandom random) {
    this(keys, budgets, mapper, clock, random, Set.of());
  }

  /**
   * @param guardrailPolicies the guardrail policies configured ({@code GUARDRAILS}): the names a
   *     key may be attached to
   */
  AdminHandler(
      KeyRegistry keys,
      BudgetStore budgets,
      ObjectMapper mapper,
      Clock clock,
      SecureRandom random,
      Set<String> guardrailPolicies) {
    this.guardrailPolicies = Set.copyOf(guardrailPolicies);
    this.keys = keys;
    this.budgets = budgets;
    // no cache: a management call must see a key's current role and state
    this.authenticator = new Authenticator(keys, clock, Duration.ZERO);
    this.mapper = mapper;
    this.responses = new JsonResponses(mapper);
    this.clock = clock;
    this.random = random;
  }

  /** Built from the environment: {@code KEYS_TABLE}, {@code BUDGETS_TABLE}, the AWS variables. */
  public static AdminHandler create(Env env) {
    AdminSettings settings = AdminSettings.from(env);
    var dynamo = DynamoClients.create(settings.store());
    return new AdminHandler(
        new DynamoKeyStore(dynamo, settings.keysTable()),
        new DynamoBudgetStore(dynamo, settings.budgetsTable()),
        new ObjectMapper(),
        Clock.systemUTC(),
        new SecureRandom(),
        // bedrock rules are checked by the gateway; here only the names matter
        Guardrails.from(env, BEDROCK_NOT_CALLED).names());
  }

  /** Never called: the admin API only reads the policies' names. */
  private static final RemoteGuardrail BEDROCK_NOT_CALLED =
      (id, version, output, text) -> {
        throw new IllegalStateException("the admin API evaluates no guardrail");
      };

  @Override
  public void handle(HttpRequest request, ResponseSink sink) {
    String requestId = request.requestId();
    try {
      ApiKey caller = authenticate(request);
      if (caller.role() != ApiKey.Role.ADMIN) {
        throw new GatewayException(
            ErrorKind.PERMISSION_DENIED,
            "admin_required",
            "This route needs a management key (role admin).");
      }
      route(request, sink, requestId);
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

  private void route(HttpRequest request, ResponseSink sink, String requestId) {
    String path = request.path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String method = request.method().toUpperCase(java.util.Locale.ROOT);
    if (path.equals(KEYS)) {
      switch (method) {
        case "POST" -> create(request, sink, requestId);
        case "GET" -> list(request, sink, requestId);
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
            .orElseThrow(
                () -> new GatewayException(ErrorKind.NOT_FOUND, "key_not_found", "No such key."));
    if (rotate) {
      if (!method.equals("POST")) {
        throw methodNotAllowed(method);
      }
      rotate(key, sink, requestId);
      return;
    }
    switch (method) {
      case "GET" -> json(sink, 200, wrap(key), requestId);
      case "PATCH" -> patch(key, request, sink, requestId);
      case "DELETE" -> {
        keys.delete(key.keyHash());
        ObjectNode body = mapper.createObjectNode();
        body.put("id", key.id());
        body.put("deleted", true);
        json(sink, 200, body, requestId);
      }
      default -> throw methodNotAllowed(method);
    }
  }

  private void create(HttpRequest request, ResponseSink sink, String requestId) {
    JsonNode body = parse(request);
    if (!body.hasNonNull("name")) {
      throw GatewayException.invalidParam("name", "'name' is required.");
    }
    String secret = ApiKeys.newSecret(random);
    String hash = ApiKeys.hash(secret);
    ApiKey blank =
        new ApiKey(
            hash, ApiKeys.idOf(hash), "", null, ApiKey.Role.USER, false, clock.instant(), null);
    ApiKey key = KeyFields.apply(blank, body, guardrailPolicies);
    keys.put(key);
    ObjectNode reply = wrap(key);
    // shown once: only the hash is stored
    reply.put("key", secret);
    json(sink, 201, reply, requestId);
  }

  private void list(HttpRequest request, ResponseSink sink, String requestId) {
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
    KeyRegistry.Page page;
    try {
      page = keys.list(request.queryParameter("cursor").orElse(null), limit);
    } catch (IllegalArgumentException e) {
      throw GatewayException.invalidParam("cursor", "'cursor' is not one this API handed out.");
    }
    ObjectNode body = mapper.createObjectNode();
    var data = body.putArray("data");
    page.keys().forEach(k -> data.add(KeyFields.render(k)));
    body.put("next_cursor", page.next());
    json(sink, 200, body, requestId);
  }

  private void patch(ApiKey key, HttpRequest request, ResponseSink sink, String requestId) {
    ApiKey changed = KeyFields.apply(key, parse(request), guardrailPolicies);
    keys.put(changed);
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

  private void rotate(ApiKey key, ResponseSink sink, String requestId) {
    String secret = ApiKeys.newSecret(random);
    ApiKey rotated = key.withHash(ApiKeys.hash(secret));
    // the new item first: a failure in between leaves two working secrets, never none
    keys.put(rotated);
    keys.delete(key.keyHash());
    ObjectNode reply = wrap(rotated);
    reply.put("key", secret);
    json(sink, 200, reply, requestId);
  }

  private ApiKey authenticate(HttpRequest request) {
    String secret = request.header("x-api-key").orElse(null);
    String authorization = request.header("authorization").orElse(null);
    if (authorization != null) {
      String value = authorization.strip();
      if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        secret = value.substring(7).strip();
      }
    }
    return authenticator.authenticate(secret);
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
