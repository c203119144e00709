package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.cache.CachePolicy;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheDirectivesTest {

  private static final CacheSettings SETTINGS =
      new CacheSettings(Optional.of("cache"), Duration.ofSeconds(300), Duration.ofSeconds(3600));
  private final CacheDirectives directives = new CacheDirectives(SETTINGS);
  private final ApiKey plainKey = key(null);

  private static ApiKey key(Duration cacheTtl) {
    return new ApiKey(
        "h", "key_1", "n", "acme", ApiKey.Role.USER, false, Instant.EPOCH, null, cacheTtl);
  }

  private static HttpRequest request(Map<String, String> headers) {
    return new HttpRequest("POST", "/v1/chat/completions", headers, Map.of(), new byte[0], "r");
  }

  private CachePolicy policy(Map<String, String> headers) {
    return directives.of(request(headers), plainKey);
  }

  @Test
  void aTtlTrueOrFalse() {
    assertThat(policy(Map.of("x-switchboard-cache", "120")))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(120)));
    assertThat(policy(Map.of("X-Switchboard-Cache", "true")))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(300)));
    assertThat(policy(Map.of("x-switchboard-cache", "false"))).isEqualTo(CachePolicy.OFF);
    assertThat(policy(Map.of("x-switchboard-cache", "0"))).isEqualTo(CachePolicy.OFF);
    assertThat(policy(Map.of())).isEqualTo(CachePolicy.OFF);
  }

  @Test
  void semanticAsksForTheSemanticStepOnlyWhereItIsConfigured() {
    CacheDirectives semantic =
        new CacheDirectives(
            new CacheSettings(
                Optional.of("cache"),
                Duration.ofSeconds(300),
                Duration.ofSeconds(3600),
                true,
                0.95));

    assertThat(semantic.of(request(Map.of("x-switchboard-cache", "Semantic")), plainKey))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(300), true));
    // not configured: the exact cache alone
    assertThat(policy(Map.of("x-switchboard-cache", "semantic")))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(300), false));
    // a key whose default is by meaning; its client's own header still decides
    ApiKey byMeaning =
        new ApiKey(
            "h",
            "key_2",
            "n",
            "acme",
            List.of(),
            ApiKey.Role.USER,
            false,
            Instant.EPOCH,
            null,
            null,
            null,
            Duration.ofSeconds(120),
            null,
            true);
    assertThat(semantic.of(request(Map.of()), byMeaning))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(120), true));
    assertThat(semantic.of(request(Map.of("x-switchboard-cache", "true")), byMeaning))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(300), false));
  }

  @Test
  void aTtlAboveTheMaximumIsShortenedToIt() {
    assertThat(policy(Map.of("x-switchboard-cache", "999999")))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(3600)));
  }

  @Test
  void openRouterHeadersAreReadWhenOursIsAbsent() {
    assertThat(policy(Map.of("X-OpenRouter-Cache", "true", "X-OpenRouter-Cache-TTL", "90")))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(90)));
    assertThat(policy(Map.of("X-OpenRouter-Cache", "true")))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(300)));
    assertThat(policy(Map.of("X-OpenRouter-Cache", "true", "x-switchboard-cache", "false")))
        .isEqualTo(CachePolicy.OFF);
  }

  @Test
  void theKeysDefaultAppliesUnlessTheRequestSaysOtherwise() {
    ApiKey cached = key(Duration.ofSeconds(600));
    assertThat(directives.of(request(Map.of()), cached))
        .isEqualTo(new CachePolicy.Use(Duration.ofSeconds(600)));
    assertThat(directives.of(request(Map.of("x-switchboard-cache", "false")), cached))
        .isEqualTo(CachePolicy.OFF);
  }

  @Test
  void noStoreWins() {
    assertThat(policy(Map.of("x-switchboard-cache", "60", "Cache-Control", "no-cache, no-store")))
        .isEqualTo(CachePolicy.NO_STORE);
    assertThat(
            directives.of(
                request(Map.of("Cache-Control", "no-store")), key(Duration.ofSeconds(600))))
        .isEqualTo(CachePolicy.NO_STORE);
  }

  @Test
  void withoutACacheTableEverythingIsOff() {
    CacheDirectives off =
        new CacheDirectives(
            new CacheSettings(Optional.empty(), Duration.ofSeconds(300), Duration.ofSeconds(3600)));
    assertThat(off.of(request(Map.of("x-switchboard-cache", "60")), plainKey))
        .isEqualTo(CachePolicy.OFF);
  }

  @Test
  void aValueThatIsNeitherBooleanNorSecondsIsA400() {
    for (Map<String, String> headers :
        java.util.List.of(
            Map.of("x-switchboard-cache", "soon"),
            Map.of("x-switchboard-cache", "-5"),
            Map.of("X-OpenRouter-Cache", "true", "X-OpenRouter-Cache-TTL", "1h"))) {
      assertThatThrownBy(() -> policy(headers))
          .isInstanceOfSatisfying(
              GatewayException.class,
              e -> {
                assertThat(e.kind().status()).isEqualTo(400);
                assertThat(e.code()).isEqualTo("invalid_cache_header");
              });
    }
  }
}
