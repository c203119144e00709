package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import java.util.Optional;
import java.util.Set;

/**
 * The read-only routes, each a JSON object for the authenticated key: {@code /v1/key}, {@code
 * /v1/models} (optionally {@code ?provider=}), {@code /v1/models/{id}}, {@code
 * /v1/models/{id}/endpoints} and {@code /v1/generation?id=}. With {@code anthropic-version} the
 * model list and a model are in Anthropic's shape.
 */
record LookupRoutes(ModelsRoute models, KeyRoute key, GenerationRoute generation) {

  static final String MODELS = "/v1/models";
  static final String KEY = "/v1/key";
  static final String GENERATION = "/v1/generation";
  private static final Set<String> EXACT = Set.of(KEY, MODELS, GENERATION);

  /** Whether {@code path} (normalised, no trailing slash) is one of these routes. */
  static boolean serves(String path) {
    return EXACT.contains(path) || path.startsWith(MODELS + "/");
  }

  /** The answer for {@code path}, one of those {@link #serves} accepts. */
  ObjectNode answer(String path, HttpRequest request, ApiKey apiKey) {
    // the Anthropic SDKs send it on every call: model discovery then gets Anthropic's shapes
    boolean anthropic = request.header("anthropic-version").isPresent();
    return switch (path) {
      case KEY -> key.describe(apiKey);
      case MODELS ->
          anthropic
              ? models.anthropicList(ModelQuery.of(request))
              : models.list(ModelQuery.of(request));
      case GENERATION -> generation.find(request.queryParameter("id").orElse(null), apiKey);
      default -> {
        String id = path.substring(MODELS.length() + 1);
        // Model ids contain slashes, so ".../endpoints" is told apart by its suffix.
        boolean endpoints = id.endsWith(ModelsRoute.ENDPOINTS_SUFFIX);
        Optional<ObjectNode> found =
            endpoints
                ? models.endpoints(
                    id.substring(0, id.length() - ModelsRoute.ENDPOINTS_SUFFIX.length()))
                : anthropic ? models.anthropicOne(id) : models.one(id);
        yield found.orElseThrow(
            () ->
                new GatewayException(
                    ErrorKind.NOT_FOUND,
                    "model_not_found",
                    "The model does not exist or is not available on this gateway."));
      }
    };
  }
}
