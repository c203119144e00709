package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.InMemoryBudgetStore;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.responses.InMemoryResponseStore;
import dev.switchboard.core.routing.HealthStore;
import dev.switchboard.core.usage.UsageStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A gateway on in-memory stores whose log lines are kept for the test to read. */
final class TestGateway {

  final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  final Gateway gateway;
  final InMemoryResponseStore storedResponses = new InMemoryResponseStore();

  TestGateway(Map<String, String> env, KeyStore keys, UsageStore usage) {
    this(env, keys, CacheStore.NONE, usage);
  }

  TestGateway(Map<String, String> env, KeyStore keys, CacheStore cache, UsageStore usage) {
    this(env, keys, cache, new InMemoryBudgetStore(), usage);
  }

  TestGateway(
      Map<String, String> env,
      KeyStore keys,
      CacheStore cache,
      BudgetStore budgets,
      UsageStore usage) {
    this(Env.of(env), keys, cache, budgets, usage);
  }

  TestGateway(Env env, KeyStore keys, UsageStore usage) {
    this(env, keys, CacheStore.NONE, new InMemoryBudgetStore(), usage);
  }

  TestGateway(Env env, KeyStore keys, CacheStore cache, BudgetStore budgets, UsageStore usage) {
    this(env, keys, cache, budgets, usage, Clock.systemUTC());
  }

  /** A gateway that reads the time from {@code clock}. */
  TestGateway(
      Env env,
      KeyStore keys,
      CacheStore cache,
      BudgetStore budgets,
      UsageStore usage,
      Clock clock) {
    Env all =
        env.over(Map.of("KEYS_TABLE", "keys", "USAGE_TABLE", "usage", "ECHO_CHUNK_DELAY_MS", "0"));
    ObjectMapper json = new ObjectMapper();
    AccessLog log = new AccessLog(json, new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    gateway =
        Gateway.assemble(
            all,
            json,
            clock,
            keys,
            cache,
            budgets,
            HealthStore.NONE,
            usage,
            storedResponses,
            r ->
                log.unsavedUsage(
                    r.requestId(), "usage", json.createObjectNode().put("pk", r.keyId())),
            log);
  }

  /** A new user key with {@code limits} in {@code keys}; its secret. */
  static String userKey(KeyStore keys, KeyLimits limits) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    keys.put(
        new ApiKey(
            hash,
            ApiKeys.idOf(hash),
            "t",
            "o",
            List.of(),
            ApiKey.Role.USER,
            false,
            Instant.EPOCH,
            null,
            limits,
            null,
            null));
    return secret;
  }

  String log() {
    return logBytes.toString(StandardCharsets.UTF_8);
  }
}
