package dev.switchboard.core.auth;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.RoutePlan;
import java.util.List;

/** Enforces a key's model and provider lists before a request is routed or admitted. */
public final class AccessPolicy {

  private AccessPolicy() {}

  /**
   * The plan without the candidates the key may not use: a fallback on a provider the key is not
   * allowed is dropped, never tried.
   *
   * @throws GatewayException 403 naming the requested model or its provider when no candidate is
   *     left
   */
  public static RoutePlan restrict(ApiKey key, RoutePlan plan) {
    KeyAccess access = key.access();
    List<RoutePlan.Candidate> allowed =
        plan.candidates().stream()
            .filter(
                c ->
                    access.allowsModel(c.model().id())
                        && access.allowsProvider(c.model().provider()))
            .toList();
    if (allowed.isEmpty()) {
      check(key, plan.primary());
    }
    if (allowed.size() == plan.candidates().size()) {
      return plan;
    }
    return new RoutePlan(plan.request(), allowed, plan.total(), plan.retries());
  }

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
