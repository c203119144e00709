package dev.switchboard.providers.bedrock;

import static dev.switchboard.core.config.Variables.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
import static dev.switchboard.core.config.Variables.AWS_REGION;
import static dev.switchboard.core.config.Variables.BEDROCK_ENABLED;
import static dev.switchboard.core.config.Variables.BEDROCK_REGION;

import dev.switchboard.core.chat.ChatProvider;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables.AwsCredentials;
import dev.switchboard.core.config.Variables.SetByLambda;
import dev.switchboard.providers.ProviderFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bedrock, on by default where AWS credentials are at hand (on Lambda, or a developer's configured
 * shell) and signed with the default credentials chain.
 */
public final class BedrockFactory implements ProviderFactory {

  /** Present where AWS credentials are at hand. */
  static final List<String> CREDENTIAL_HINTS =
      List.of(
          SetByLambda.FUNCTION_NAME,
          AwsCredentials.ACCESS_KEY_ID,
          AwsCredentials.PROFILE,
          AwsCredentials.CONTAINER_CREDENTIALS_FULL_URI);

  @Override
  public List<String> ids() {
    return List.of(BedrockProvider.ID);
  }

  /** The configuration the environment gives, if Bedrock is on. */
  public static Optional<BedrockConfig> config(Env env) {
    boolean enabled = env.bool(BEDROCK_ENABLED, CREDENTIAL_HINTS.stream().anyMatch(env::isSet));
    if (!enabled) {
      return Optional.empty();
    }
    String region =
        env.optional(BEDROCK_REGION)
            .or(() -> env.optional(AWS_REGION))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Bedrock is enabled: set "
                            + BEDROCK_REGION
                            + " or "
                            + AWS_REGION
                            + " (or "
                            + BEDROCK_ENABLED
                            + "=false)"));
    return Optional.of(
        new BedrockConfig(region, env.optionalUrl(AWS_ENDPOINT_URL_BEDROCK_RUNTIME)));
  }

  @Override
  public Map<String, ChatProvider> create(Env env, Wiring wiring) {
    return ProviderFactory.single(
        BedrockProvider.ID,
        config(env),
        c -> BedrockProvider.create(c, wiring.connectTimeout(), wiring.mapper(), wiring.clock()));
  }
}
