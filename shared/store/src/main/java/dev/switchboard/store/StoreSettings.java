package dev.switchboard.store;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.config.WholeNumber;
import java.time.Duration;

/**
 * How a function reaches DynamoDB, the piece of configuration every function shares; the table
 * names are each function's own.
 *
 * @param callTimeout the most one store call may take, retries included, before the request fails
 *     closed
 * @param aws region, endpoint and credentials
 */
public record StoreSettings(Duration callTimeout, AwsClientSettings aws) {

  /** With the store timeout every function but reporting uses. */
  public static StoreSettings from(Env env) {
    return from(env, Variables.STORE_TIMEOUT_MS);
  }

  /** With a function's own store timeout default. */
  public static StoreSettings from(Env env, WholeNumber callTimeout) {
    return new StoreSettings(
        env.millis(callTimeout), AwsClientSettings.from(env, Variables.AWS_ENDPOINT_URL_DYNAMODB));
  }
}
