package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.Authenticator;
import dev.switchboard.core.auth.KeyStore;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import java.time.Clock;
import java.util.Map;

/**
 * Everything the gateway function is made of, built once per process (per Lambda container) from
 * the settings: the JSON mapper, the store clients, the providers, the use case.
 */
record Gateway(
    GatewaySettings settings,
    ObjectMapper mapper,
    Clock clock,
    Authenticator authenticator,
    ChatService chat,
    AccessLog log) {

  static Gateway fromEnvironment(Map<String, String> env) {
    GatewaySettings settings = GatewaySettings.from(env);
    var dynamo = DynamoClients.create(settings.env(), settings.storeTimeout());
    return assemble(
        settings,
        new ObjectMapper(),
        Clock.systemUTC(),
        new DynamoKeyStore(dynamo, settings.keysTable()));
  }

  /** Wires the gateway around a key store; tests pass an in-memory one. */
  static Gateway assemble(
      GatewaySettings settings, ObjectMapper mapper, Clock clock, KeyStore keys) {
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
    return new Gateway(settings, mapper, clock, authenticator, chat, AccessLog.stdout(mapper));
  }
}
