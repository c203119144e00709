package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.semantic.Embedder;
import dev.switchboard.core.semantic.EmbeddingException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The routing step before planning: which requests a router takes, where it sends them, and how a
 * conversation keeps its route. Routing by meaning itself is tested with the real model in {@code
 * shared/semantic}; here a keyword embedder makes the choice predictable.
 */
class SemanticRoutingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Texts about bills point one way, texts about code another, anything else a third. */
  private static final class KeywordEmbedder implements Embedder {
    volatile boolean broken;

    @Override
    public float[] embed(String text) {
      if (broken) {
        throw new EmbeddingException("model gone", null);
      }
      String t = text.toLowerCase(Locale.ROOT);
      if (t.contains("invoice") || t.contains("bill")) {
        return new float[] {1, 0, 0};
      }
      if (t.contains("code") || t.contains("bug")) {
        return new float[] {0, 1, 0};
      }
      return new float[] {0, 0, 1};
    }

    @Override
    public int dimension() {
      return 3;
    }
  }

  private static final String ROUTERS =
      """
      {"aliases": {"helpdesk": "router/support", "cheap": "a/x"},
       "routers": {"support": {
         "routes": [
           {"name": "billing", "target": "a/x", "examples": ["my invoice is wrong"], "threshold": 0.8},
           {"name": "code", "target": "cheap", "examples": ["fix this bug"], "threshold": 0.8},
           {"name": "general", "target": "b/x", "examples": ["hello"], "threshold": 0.99}],
         "default": "general"%s}}}
      """;

  private final KeywordEmbedder embedder = new KeywordEmbedder();

  private SemanticRouting routing(String onFailure) throws Exception {
    RoutingConfig config = RoutingConfig.parse(JSON.readTree(ROUTERS.formatted(onFailure)));
    RoutingConfigCheck.against(config, RoutePlannerTest.CATALOG);
    return SemanticRouting.of(
        config, embedder, Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC));
  }

  private static ChatRequest request(String model, String... userTurns) {
    StringBuilder messages = new StringBuilder();
    for (int i = 0; i < userTurns.length; i++) {
      if (i > 0) {
        messages.append(",{\"role\":\"assistant\",\"content\":\"ok\"},");
      }
      messages.append("{\"role\":\"user\",\"content\":\"").append(userTurns[i]).append("\"}");
    }
    String body = "{\"model\":\"" + model + "\",\"messages\":[" + messages + "]}";
    return new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void leavesARequestThatNamesNoRouterAsItCame() throws Exception {
    assertThat(routing("").route(request("a/x", "my invoice"), () -> "t", null)).isEmpty();
    assertThat(SemanticRouting.none().route(request("router/support", "x"), () -> "t", null))
        .isEmpty();
  }

  @Test
  void sendsTheRequestToTheTargetOfTheRouteItsTextIsNearest() throws Exception {
    SemanticRouting.Routed routed =
        routing("")
            .route(request("router/support", "Why is my invoice twice the price?"), () -> "t", null)
            .orElseThrow();

    assertThat(routed.router()).isEqualTo("router/support");
    assertThat(routed.route()).isEqualTo("billing");
    assertThat(routed.request().model()).isEqualTo("a/x");
    assertThat(routed.request().body().get("model").asText()).isEqualTo("a/x");
    assertThat(routed.similarity()).isEqualTo(1.0);
    assertThat(routed.sticky()).isFalse();
  }

  @Test
  void takesTheDefaultRouteWhenNoThresholdIsReached() throws Exception {
    SemanticRouting.Routed routed =
        routing("")
            .route(request("router/support", "what a lovely day"), () -> "t", null)
            .orElseThrow();

    assertThat(routed.route()).isEqualTo("general");
    assertThat(routed.request().model()).isEqualTo("b/x");
  }

  @Test
  void anAliasOfARouterIsRoutedAndARouteMayTargetAnAlias() throws Exception {
    SemanticRouting.Routed routed =
        routing("")
            .route(request("helpdesk", "there is a bug in my code"), () -> "t", null)
            .orElseThrow();

    assertThat(routed.route()).isEqualTo("code");
    // the target is the alias: the planner resolves it as it would for the client
    assertThat(routed.request().model()).isEqualTo("cheap");
  }

  @Test
  void aConversationKeepsTheRouteItStartedOn() throws Exception {
    SemanticRouting routing = routing("");
    String first = "my invoice is wrong";
    assertThat(
            routing.route(request("router/support", first), () -> "t", null).orElseThrow().route())
        .isEqualTo("billing");

    // the next turn is about code, but the conversation (its first turn) is the same
    SemanticRouting.Routed next =
        routing
            .route(request("router/support", first, "now fix this bug in my code"), () -> "t", null)
            .orElseThrow();

    assertThat(next.route()).isEqualTo("billing");
    assertThat(next.sticky()).isTrue();
    assertThat(next.request().model()).isEqualTo("a/x");
    // another tenant's conversation with the same words is routed afresh
    assertThat(
            routing
                .route(
                    request("router/support", first, "now fix this bug in my code"),
                    () -> "u",
                    null)
                .orElseThrow()
                .route())
        .isEqualTo("code");
  }

  @Test
  void aSessionHeaderKeepsItsRouteAcrossDifferentTranscripts() throws Exception {
    SemanticRouting routing = routing("");
    routing.route(request("router/support", "fix this bug"), () -> "t", "session-1");

    SemanticRouting.Routed later =
        routing
            .route(request("router/support", "my invoice"), () -> "t", "session-1")
            .orElseThrow();

    assertThat(later.route()).isEqualTo("code");
    assertThat(later.sticky()).isTrue();
  }

  @Test
  void aFailedEmbeddingTakesTheDefaultRouteOrIsA503AsTheRouterSays() throws Exception {
    SemanticRouting lenient = routing("");
    SemanticRouting strict = routing(", \"on_failure\": \"refuse\"");
    embedder.broken = true;

    assertThat(
            lenient
                .route(request("router/support", "my invoice"), () -> "t", null)
                .orElseThrow()
                .route())
        .isEqualTo("general");
    assertThatThrownBy(() -> strict.route(request("router/support", "my invoice"), () -> "t", null))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
              assertThat(e.code()).isEqualTo("router_unavailable");
              assertThat(e.getMessage()).doesNotContain("invoice");
            });
  }

  @Test
  void refusesRoutersThatCannotWork() {
    assertRefused(
        "{\"routers\":{\"a/b\":{\"routes\":[{\"name\":\"r\",\"target\":\"a/x\",\"examples\":[\"x\"]}],\"default\":\"r\"}}}",
        "routers.a/b a router's name may not contain '/'");
    assertRefused(
        "{\"routers\":{\"s\":{\"routes\":[{\"name\":\"r\",\"target\":\"a/x\",\"examples\":[\"x\"]}],\"default\":\"q\"}}}",
        "routers.s.default names no route of this router: q");
    assertRefused(
        "{\"routers\":{\"s\":{\"routes\":[{\"name\":\"r\",\"target\":\"a/x\",\"examples\":[\"x\"],\"threshold\":2}],\"default\":\"r\"}}}",
        "routers.s.routes[0].threshold must be a cosine similarity from -1 to 1");
    assertRefused(
        "{\"routers\":{\"s\":{\"routes\":[{\"name\":\"r\",\"target\":\"a/x\",\"examples\":[]}],\"default\":\"r\"}}}",
        "routers.s.routes[0].examples must be an array of 1 to 200 utterances");
    assertRefused(
        "{\"routers\":{\"s\":{\"routes\":[{\"name\":\"r\",\"target\":\"a/x\",\"examples\":[\"x\"]}],\"default\":\"r\",\"on_failure\":\"panic\"}}}",
        "routers.s.on_failure must be \"default\" or \"refuse\"");
    assertRefused(
        "{\"routers\":{\"s\":{\"routes\":[{\"name\":\"r\",\"target\":\"a/x\",\"examples\":[\"x\"],\"model\":\"m\"}],\"default\":\"r\"}}}",
        "routers.s.routes[0].model is not a known field");
  }

  @Test
  void refusesARouteTargetThatNamesNothingOrARouter() throws Exception {
    RoutingConfig unknown =
        RoutingConfig.parse(
            JSON.readTree(
                "{\"routers\":{\"s\":{\"routes\":[{\"name\":\"r\",\"target\":\"z/z\",\"examples\":[\"x\"]}],\"default\":\"r\"}}}"));
    assertThatThrownBy(() -> RoutingConfigCheck.against(unknown, RoutePlannerTest.CATALOG))
        .hasMessage(
            "routing configuration: routers.s.routes[0].target names no model, alias or pool: z/z");
    RoutingConfig nested =
        RoutingConfig.parse(
            JSON.readTree(
                "{\"aliases\":{\"loop\":\"router/s\"},\"routers\":{\"s\":{\"routes\":[{\"name\":\"r\",\"target\":\"loop\",\"examples\":[\"x\"]}],\"default\":\"r\"}}}"));
    assertThatThrownBy(() -> RoutingConfigCheck.against(nested, RoutePlannerTest.CATALOG))
        .hasMessageContaining("routers do not nest");
  }

  private static void assertRefused(String json, String message) {
    assertThatThrownBy(() -> RoutingConfig.parse(JSON.readTree(json)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
