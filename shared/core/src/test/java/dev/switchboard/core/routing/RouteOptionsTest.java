package dev.switchboard.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.error.GatewayException;
import org.junit.jupiter.api.Test;

class RouteOptionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static RouteOptions parse(String json) throws Exception {
    return RouteOptions.from((ObjectNode) JSON.readTree(json));
  }

  private static void assertRefused(String json, String param) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(400);
              assertThat(e.param()).hasValue(param);
            });
  }

  @Test
  void readsOpenRouterOptions() throws Exception {
    RouteOptions o =
        parse(
            """
            {"model":"a/x:floor","models":["b/y"],"provider":{"order":["a"],"ignore":["c"],
             "max_price":{"prompt":1,"completion":2},"data_collection":"deny","zdr":true,
             "require_parameters":true}}""");

    assertThat(o.model()).isEqualTo("a/x");
    assertThat(o.sort()).isEqualTo(RouteOptions.Sort.PRICE);
    assertThat(o.fallbacks()).containsExactly("b/y");
    assertThat(o.order()).containsExactly("a");
    assertThat(o.ignore()).containsExactly("c");
    assertThat(o.maxCompletionPrice()).isEqualByComparingTo("2");
    assertThat(o.denyDataCollection()).isTrue();
    assertThat(o.zdr()).isTrue();
    assertThat(o.requireParameters()).isTrue();
  }

  @Test
  void readsVercelGatewayOptionsAndTheNitroSuffix() throws Exception {
    RouteOptions o =
        parse(
            """
            {"model":"a/x:nitro","providerOptions":{"gateway":{"order":["b","a"],"only":["a","b"],
             "models":["c/z"]}}}""");

    assertThat(o.sort()).isEqualTo(RouteOptions.Sort.THROUGHPUT);
    assertThat(o.order()).containsExactly("b", "a");
    assertThat(o.only()).containsExactlyInAnyOrder("a", "b");
    assertThat(o.fallbacks()).containsExactly("c/z");
  }

  @Test
  void refusesContradictionsNamingTheField() {
    assertRefused(
        "{\"model\":\"m\",\"provider\":{\"only\":[\"a\"],\"ignore\":[\"a\"]}}", "provider.only[0]");
    assertRefused(
        "{\"model\":\"m\",\"models\":[\"n\"],\"provider\":{\"allow_fallbacks\":false,\"order\":[\"a\"]}}",
        "provider.allow_fallbacks");
    assertRefused(
        "{\"model\":\"m\",\"provider\":{\"order\":[\"b\"],\"only\":[\"a\"]}}", "provider.order[0]");
    assertRefused("{\"model\":\"m:floor\",\"provider\":{\"sort\":\"latency\"}}", "provider.sort");
    assertRefused(
        "{\"model\":\"m\",\"models\":[\"n\"],\"providerOptions\":{\"gateway\":{\"models\":[\"o\"]}}}",
        "providerOptions.gateway.models");
    assertRefused("{\"model\":\"m\",\"provider\":{\"sort\":\"cheapest\"}}", "provider.sort");
    assertRefused("{\"model\":\"m\",\"timeouts\":{\"total_ms\":0}}", "timeouts.total_ms");
  }

  @Test
  void stripsGatewayOnlyFieldsFromTheUpstreamBody() throws Exception {
    ObjectNode body =
        (ObjectNode)
            JSON.readTree(
                "{\"model\":\"m\",\"models\":[],\"provider\":{},\"providerOptions\":{},"
                    + "\"timeouts\":{},\"temperature\":1}");

    ObjectNode upstream = RouteOptions.upstreamBody(body);

    assertThat(upstream.fieldNames()).toIterable().containsExactly("model", "temperature");
    assertThat(body.has("provider")).as("the original is not mutated").isTrue();
  }

  @Test
  void refusesPricesBeyondWhatADoubleHoldsNamingTheField() {
    assertRefused(
        "{\"model\":\"a/x\",\"provider\":{\"max_price\":{\"prompt\":1e400}}}",
        "provider.max_price.prompt");
    assertRefused(
        "{\"model\":\"a/x\",\"provider\":{\"max_price\":{\"completion\":-1e400}}}",
        "provider.max_price.completion");
  }
}
