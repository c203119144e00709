package dev.switchboard.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a provider package builds its adapters from the configuration: each package has one, {@link
 * ProviderFactories#ALL} lists them, and the provider ids the gateway knows derive from that list.
 * A provider whose credentials are not set is not built, so its models are neither routable nor
 * listed.
 */
public interface ProviderFactory {

  /** The provider ids this package has an adapter for, configured or not. */
  List<String> ids();

  /**
   * The configured providers by id; none when the environment holds no credentials for them.
   *
   * @throws IllegalArgumentException naming the variable when a value is invalid, at start
   */
  Map<String, ChatProvider> create(Env env, Wiring wiring);

  /** A package's single provider, under {@code id}, when the environment configures it. */
  static <C> Map<String, ChatProvider> single(
      String id, Optional<C> config, Function<C, ChatProvider> build) {
    return config.<Map<String, ChatProvider>>map(c -> Map.of(id, build.apply(c))).orElse(Map.of());
  }

  /**
   * What every adapter is built with.
   *
   * @param http the HTTP client the HTTP adapters share
   * @param connectTimeout the connect timeout, for adapters with a client of their own
   */
  record Wiring(HttpClient http, Duration connectTimeout, ObjectMapper mapper, Clock clock) {}
}
