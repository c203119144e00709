package dev.switchboard.core.routing;

import dev.switchboard.core.catalog.UnlistedModels;
import dev.switchboard.core.routing.AttemptTimeouts.PartialTimeouts;
import java.net.URI;

/**
 * What the routing configuration says about one provider: its own deadlines and retries, its data
 * policy (which {@code provider.data_collection: "deny"} and {@code provider.zdr} filter on), and,
 * for an OpenAI-compatible endpoint the gateway has no built-in adapter for, where it lives.
 *
 * @param maxRetries retries per candidate on this provider, or null for the global value
 * @param dataCollection whether the provider may retain or train on prompts ({@code allow}, the
 *     default when unknown) or has committed not to ({@code deny})
 * @param zdr whether the provider retains nothing (zero data retention)
 * @param contentPolicyFallback whether a content-policy refusal moves on to the next candidate
 * @param baseUrl for a custom OpenAI-compatible provider, its API root; null otherwise
 * @param apiKeyEnv the environment variable holding that provider's key, or null for none
 * @param unlistedModels whether {@code provider/<anything>} the catalogue does not list is
 *     routable; null for the default (yes for local servers and custom providers, no for hosted
 *     vendors)
 * @param unlistedTerms the price and limits of such a model; null for unpriced with the default
 *     limits
 */
public record ProviderPolicy(
    PartialTimeouts timeouts,
    Integer maxRetries,
    boolean denyDataCollection,
    boolean zdr,
    boolean contentPolicyFallback,
    URI baseUrl,
    String apiKeyEnv,
    Boolean unlistedModels,
    UnlistedModels.Terms unlistedTerms) {

  public static final ProviderPolicy DEFAULT =
      new ProviderPolicy(PartialTimeouts.NONE, null, false, false, false, null, null, null, null);
}
