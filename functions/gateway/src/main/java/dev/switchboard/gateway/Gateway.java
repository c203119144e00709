package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import dev.switchboard.core.usage.UsageStore;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import dev.switchboard.store.DynamoUsageStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything the gateway function is made of, built once per process (per Lambda container) from
 * the settings: the JSON mapper, the store clients, the providers, the use case, usage recording.
 */
record Gateway(
    GatewaySettings settings,
    ObjectMapper mapper,
    Clock clock,
    Authenticator authenticator,
    ChatService chat,
    AccessLog log,
    UsageCapture usage) {

  static Gateway fromEnvironment(Map<String, String> env) {
    GatewaySettings settings = GatewaySettings.from(env);
    UsageSettings usage = UsageSettings.from(settings.env());
    var dynamo = DynamoClients.create(settings.env(), settings.storeTimeout());
    ObjectMapper mapper = new ObjectMapper();
    AccessLog log = AccessLog.stdout(mapper);
    var usageStore = new DynamoUsageStore(dynamo, usage.table(), usage.retention());
    return assemble(
        settings,
        mapper,
        Clock.systemUTC(),
        new DynamoKeyStore(dynamo, settings.keysTable()),
        usageStore,
        r -> log.unsavedUsage(r.requestId(), usageStore.table(), usageStore.itemJson(r)),
        log);
  }

  /**
   * Wires the gateway around a key store and a usage store; tests pass in-memory ones. A usage
   * record that cannot be stored after the configured attempts goes to {@code unsaved}.
   */
  static Gateway assemble(
      GatewaySettings settings,
      ObjectMapper mapper,
      Clock clock,
      KeyStore keys,
      UsageStore usageStore,
      Consumer<UsageRecord> unsaved,
      AccessLog log) {
    UsageSettings usage = UsageSettings.from(settings.env());
    Authenticator authenticator = new Authenticator(keys, clock, settings.keyCacheTtl());
    ModelCatalog catalog =
        ModelCatalog.load(mapper, settings.modelCatalogFile(), Providers.knownIds());
    ChatService chat =
        new ChatService(
            catalog,
            Providers.configured(settings, mapper, clock),
            clock,
            settings.upstreamFirstByteTimeout(),
            settings.upstreamIdleTimeout());
    var recorder =
        new UsageRecorder(
            usageStore, usage.writeAttempts(), Duration.ofMillis(50), Thread::sleep, unsaved);
    return new Gateway(
        settings,
        mapper,
        clock,
        authenticator,
        chat,
        log,
        new UsageCapture(recorder, clock, log, usage.logContent()));
  }
}
