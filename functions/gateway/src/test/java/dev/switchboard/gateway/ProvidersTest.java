package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.routing.RoutingConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The custom OpenAI-compatible providers a routing configuration declares. */
class ProvidersTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final RoutingConfig LOCAL =
      RoutingConfig.parse(
          JSON.createObjectNode()
              .set(
                  "providers",
                  JSON.createObjectNode()
                      .set(
                          "local",
                          JSON.createObjectNode()
                              .put("base_url", "http://127.0.0.1:9/v1")
                              .put("api_key_env", "LOCAL_LLM_KEY"))));

  private static Map<String, ?> providers(Map<String, String> variables) {
    Map<String, String> all = new HashMap<>(variables);
    all.put("KEYS_TABLE", "keys");
    all.put("USAGE_TABLE", "usage");
    Env env = Env.of(all);
    return Providers.all(env, GatewaySettings.from(env), LOCAL, JSON, Clock.systemUTC());
  }

  @Test
  void aCustomProviderIsBuiltWithTheKeyItsVariableHolds() {
    assertThat(providers(Map.of("LOCAL_LLM_KEY", "k"))).containsKey("local");
  }

  @Test
  void aKeyVariableThatIsNotSetStopsStartNamingIt() {
    assertThatThrownBy(() -> providers(Map.of()))
        .hasMessageContaining("providers.local.api_key_env names LOCAL_LLM_KEY, which is not set");
  }

  @Test
  void whileTheProviderSecretIsUnreadTheProviderWaitsForIt() {
    // SnapStart init, or init before the secret's read returns: the key may be in the secret
    assertThat(providers(Map.of("PROVIDER_SECRET_ARN", "arn:aws:secretsmanager:x")))
        .doesNotContainKey("local")
        .containsKey("switchboard");
  }
}
