package dev.switchboard.gateway;

/** Where the provider-credentials secret is read from: Secrets Manager on AWS, a fake in tests. */
@FunctionalInterface
interface SecretSource {

  /**
   * The secret's current string value.
   *
   * @throws RuntimeException when the secret cannot be read
   */
  String secretString(String secretId);
}
