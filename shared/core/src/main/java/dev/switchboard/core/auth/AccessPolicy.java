package dev.switchboard.core.auth;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;

/** Enforces a key's model and provider lists before a request is routed or admitted. */
public final class AccessPolicy {

  private AccessPolicy() {}

  /**
   * @throws GatewayException 403 naming the model or provider the key may not use
   */
  public static void check(ApiKey key, Model model) {
    KeyAccess access = key.access();
    if (!access.allowsModel(model.id())) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED,
          "model_not_allowed",
          "This key may not use the model '" + model.id() + "'.",
          "model",
          null);
    }
    if (!access.allowsProvider(model.provider())) {
      throw new GatewayException(
          ErrorKind.PERMISSION_DENIED,
          "provider_not_allowed",
          "This key may not use the provider '" + model.provider() + "'.",
          "model",
          null);
    }
  }
}
