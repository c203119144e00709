package dev.switchboard.providers.bedrock;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where Bedrock is called. Credentials are not part of it: they come from the AWS default
 * credentials chain (the function's IAM role on Lambda).
 *
 * @param region the AWS region of the Bedrock runtime endpoint
 * @param endpointOverride another endpoint than AWS's (a test fake, a VPC endpoint)
 */
public record BedrockConfig(String region, Optional<URI> endpointOverride) {

  public BedrockConfig {
    Objects.requireNonNull(region);
    Objects.requireNonNull(endpointOverride);
  }
}
