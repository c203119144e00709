package dev.switchboard.core.auth;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.routing.RoutePlan;
import java.util.List;

/**
 * Enforces a key's model and provider lists before a request is routed or admitted, and keeps a key
 * with a budget to priced models: a hard budget cannot admit what it cannot price.
 */
public final class AccessPolicy {

  private AccessPolicy() {}

  /**
   * The plan without the candidates the key may not use: a fallback on a provider the key is not
   * allowed, or without prices when the key has a budget, is dropped, never tried.
   *
   * @throws GatewayException 403 naming the requested model or its provider when no candidate is
   *     left; 400 {@code model_unpriced} when the key has a budget and no candidate has prices
   */
  public static RoutePlan restrict(ApiKey key, RoutePlan plan) {
    KeyAccess access = key.access();
    boolean budgeted = key.limits().creditLimit() != null;
    List<RoutePlan.Candidate> allowed =
        plan.candidates().stream()
            .filter(
                c ->
                    access.allowsModel(c.model().id())
                        && access.allowsProvider(c.model().provider())
                        && (!budgeted || c.model().priced()))
            .toList();
    if (allowed.isEmpty()) {
      check(key, plan.primary());
      throw unpriced(plan.primary());
    }
    if (allowed.size() == plan.candidates().size()) {
      return plan;
    }
    return new RoutePlan(plan.request(), allowed, plan.total(), plan.retries());
  }

  /**
   * The refusal of an unpriced model to a key with a budget: a 400, since no budget makes it
   * affordable.
   */
  public static GatewayException unpriced(Model model) {
    return new GatewayException(
        ErrorKind.INVALID_REQUEST,
        "model_unpriced",
        "The model '"
            + model.id()
            + "' has no price, and this key has a budget: a hard budget cannot admit what it"
            + " cannot price. Give the model a price (docs/PROVIDERS.md, unlisted models and the"
            + " catalogue) or use a key without a credit limit.",
        "model",
        null);
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
