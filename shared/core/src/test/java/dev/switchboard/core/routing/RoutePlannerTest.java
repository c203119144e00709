package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.error.GatewayException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePlannerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ChatRequestParser PARSER = new ChatRequestParser(JSON);
  private static final AttemptTimeouts DEFAULTS =
      new AttemptTimeouts(
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          Duration.ofSeconds(5),
          Duration.ofSeconds(60));

  private static Model model(String provider, String name, int context, double in, double out) {
    return new Model(
        provider + "/" + name,
        name,
        provider,
        name,
        List.of(),
        context,
        1000,
        new Pricing(BigDecimal.valueOf(in), BigDecimal.valueOf(out), null, null, null),
        Set.of("streaming"),
        List.of("text"),
        0);
  }

  /** Also {@link NameResolverTest}'s: a and b host x, c a larger x, a also y; off has no key. */
  static final ModelCatalog CATALOG =
      new ModelCatalog(
          List.of(
              model("a", "x", 8000, 3, 3),
              model("b", "x", 8000, 1, 1),
              model("c", "x", 128000, 2, 2),
              model("a", "y", 8000, 1, 1),
              model("off", "x", 8000, 1, 1)));

  private final ProviderHealth health =
      new ProviderHealth(Clock.systemUTC(), 2, Duration.ofHours(1));

  private RoutePlanner planner(String routing) throws Exception {
    return new RoutePlanner(
        CATALOG,
        RoutingConfig.parse(JSON.readTree(routing)),
        Set.of("a", "b", "c"),
        health,
        new Random(1),
        DEFAULTS,
        RetryPolicy.DEFAULT);
  }

  private static ChatRequest request(String model, String extra) {
    String body =
        "{\"model\":\""
            + model
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
            + (extra.isEmpty() ? "" : "," + extra)
            + "}";
    return PARSER.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> ids(RoutePlan plan) {
    return plan.candidates().stream().map(c -> c.model().id()).toList();
  }

  @Test
  void triesTheModelThenItsFallbacksEachOnceHoweverTheListLoops() throws Exception {
    RoutePlan plan =
        planner("{}").plan(request("a/x", "\"models\":[\"b/x\",\"a/x\",\"c/x\",\"b/x\"]"));

    assertThat(ids(plan)).containsExactly("a/x", "b/x", "c/x");
  }

  @Test
  void followsConfiguredChainsTransitivelyAndStopsAtCycles() throws Exception {
    RoutePlanner planner =
        planner(
            "{\"aliases\":{\"fast\":\"a/x\"},"
                + "\"fallbacks\":{\"a/x\":[\"b/x\"],\"b/x\":[\"c/x\",\"a/x\"],\"c/x\":[\"fast\"]}}");

    assertThat(ids(planner.plan(request("fast", "")))).containsExactly("a/x", "b/x", "c/x");
  }

  @Test
  void spreadsAPoolByWeight() throws Exception {
    RoutePlanner planner =
        planner(
            "{\"pools\":{\"x\":[{\"model\":\"a/x\",\"weight\":3},{\"model\":\"b/x\",\"weight\":1}]}}");

    int firstIsA = 0;
    for (int i = 0; i < 400; i++) {
      if (ids(planner.plan(request("x", ""))).getFirst().equals("a/x")) {
        firstIsA++;
      }
    }
    assertThat(firstIsA).isBetween(250, 350);
  }

  @Test
  void appliesProviderPreferences() throws Exception {
    RoutePlanner planner =
        planner(
            "{\"pools\":{\"x\":[{\"model\":\"a/x\"},{\"model\":\"b/x\"},{\"model\":\"c/x\"}]}}");

    assertThat(ids(planner.plan(request("x", "\"provider\":{\"order\":[\"c\",\"b\"]}"))))
        .startsWith("c/x", "b/x");
    assertThat(ids(planner.plan(request("x", "\"provider\":{\"only\":[\"b\"]}"))))
        .containsExactly("b/x");
    assertThat(ids(planner.plan(request("x", "\"provider\":{\"ignore\":[\"a\",\"b\"]}"))))
        .containsExactly("c/x");
    assertThat(ids(planner.plan(request("x:floor", "")))).containsExactly("b/x", "c/x", "a/x");
    assertThat(ids(planner.plan(request("x", "\"provider\":{\"max_price\":{\"prompt\":2}}"))))
        .containsExactlyInAnyOrder("b/x", "c/x");
    assertThat(
            ids(
                planner.plan(
                    request("x", "\"provider\":{\"order\":[\"a\"],\"allow_fallbacks\":false}"))))
        .containsExactly("a/x");
  }

  @Test
  void putsEndpointsWithAnOpenCircuitLast() throws Exception {
    Model ax = CATALOG.find("a/x").orElseThrow();
    health.recordFailure(ax, ProviderHealth.Scope.ENDPOINT);
    health.recordFailure(ax, ProviderHealth.Scope.ENDPOINT);

    RoutePlanner planner =
        planner("{\"pools\":{\"x\":[{\"model\":\"a/x\",\"weight\":1000},{\"model\":\"b/x\"}]}}");

    for (int i = 0; i < 20; i++) {
      assertThat(ids(planner.plan(request("x", "")))).containsExactly("b/x", "a/x");
    }
  }

  @Test
  void refusesUnknownProvidersAndModelsNamingTheField() throws Exception {
    RoutePlanner planner = planner("{}");

    assertThatThrownBy(() -> planner.plan(request("a/x", "\"provider\":{\"only\":[\"nope\"]}")))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.param()).hasValue("provider.only[0]"));
    assertThatThrownBy(() -> planner.plan(request("a/x", "\"models\":[\"b/x\",\"nope/x\"]")))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.param()).hasValue("models[1]"));
    assertThatThrownBy(() -> planner.plan(request("off/x", "")))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.kind().status()).isEqualTo(404));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          zero-data-retention only    | "provider":{"zdr":true}                   | provider.zdr
          a price nothing meets       | "provider":{"max_price":{"prompt":0}}     | provider.max_price
          only a provider without it  | "provider":{"only":["b"]}                 | provider.only
          """)
  void preferencesThatExcludeEveryEndpointAreTheClientsChoiceNotAnOutage(
      String name, String preferences, String param) throws Exception {
    RoutePlanner planner = planner("{}");

    assertThatThrownBy(() -> planner.plan(request("a/x", preferences)))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(400);
              assertThat(e.param()).hasValue(param);
            });
  }

  @Test
  void layersDeadlinesGlobalThenProviderThenRequestWhichMayOnlyShorten() throws Exception {
    RoutePlanner planner =
        planner(
            "{\"providers\":{\"b\":{\"max_retries\":0,"
                + "\"timeouts\":{\"first_byte_ms\":20000,\"idle_ms\":2000}}}}");

    RoutePlan plan =
        planner.plan(
            request(
                "a/x", "\"models\":[\"b/x\"],\"timeouts\":{\"idle_ms\":3000,\"total_ms\":90000}"));

    RoutePlan.Candidate a = plan.candidates().get(0);
    RoutePlan.Candidate b = plan.candidates().get(1);
    assertThat(a.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(10));
    assertThat(a.timeouts().idle()).isEqualTo(Duration.ofSeconds(3));
    assertThat(a.maxRetries()).isEqualTo(2);
    assertThat(b.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(20));
    assertThat(b.timeouts().idle()).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.maxRetries()).isZero();
    assertThat(plan.total())
        .as("a request cannot lengthen the total")
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(plan.request().body().has("timeouts")).isFalse();
  }

  @Test
  void aCanonicalModelRoutesOverEveryProvidersEntryAndAProviderEntryOnlyToItself()
      throws Exception {
    Model own = model("a", "z", 8000, 3, 3);
    Model hosted =
        new Model(
            "b/z-hosted",
            "z",
            "b",
            "z",
            List.of(),
            8000,
            1000,
            own.pricing(),
            Set.of(),
            List.of("text"),
            0,
            "a/z");
    RoutePlanner planner =
        new RoutePlanner(
            new ModelCatalog(List.of(own, hosted)),
            RoutingConfig.EMPTY,
            Set.of("a", "b"),
            health,
            new Random(1),
            DEFAULTS,
            RetryPolicy.DEFAULT);

    assertThat(ids(planner.plan(request("a/z", "")))).containsExactly("a/z", "b/z-hosted");
    assertThat(ids(planner.plan(request("a/z", "\"provider\":{\"order\":[\"b\"]}"))))
        .containsExactly("b/z-hosted", "a/z");
    assertThat(ids(planner.plan(request("b/z-hosted", "")))).containsExactly("b/z-hosted");
  }

  @Test
  void refusesAConfigurationThatNamesUnknownModels() {
    assertThatThrownBy(() -> planner("{\"fallbacks\":{\"a/x\":[\"z/z\"]}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fallbacks.a/x[0]");
    assertThatThrownBy(() -> planner("{\"aliases\":{\"p\":\"q\",\"q\":\"p\"}}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
