package dev.switchboard.gateway;

import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@code GET /v1/models} asks for: one provider's models ({@code provider}), every catalogue
 * model, routable or not ({@code all=true}), and a page: OpenRouter's {@code offset} and {@code
 * limit}, or, in Anthropic's shape, {@code after_id}, {@code before_id} and {@code limit}. Without
 * {@code limit}, the whole list is one page.
 */
record ModelQuery(
    Optional<String> provider,
    boolean all,
    int offset,
    OptionalInt limit,
    Optional<String> afterId,
    Optional<String> beforeId) {

  /** No parameters: every routable model, on one page. */
  static final ModelQuery NONE =
      new ModelQuery(
          Optional.empty(), false, 0, OptionalInt.empty(), Optional.empty(), Optional.empty());

  /** The most models one page may ask for. */
  static final int MAX_LIMIT = 1000;

  /** A request without parameters: the list built once at start answers it. */
  boolean plain() {
    return provider.isEmpty() && !all && offset == 0 && limit.isEmpty();
  }

  /** The query of {@code request}; a 400 naming the parameter when one is not what it says. */
  static ModelQuery of(HttpRequest request) {
    Optional<String> all = request.queryParameter("all");
    if (all.isPresent() && !all.get().equals("true") && !all.get().equals("false")) {
      throw GatewayException.invalidParam("all", "'all' must be true or false.");
    }
    return new ModelQuery(
        request.queryParameter("provider"),
        all.map(Boolean::parseBoolean).orElse(false),
        number(request, "offset", 0, Integer.MAX_VALUE).orElse(0),
        number(request, "limit", 1, MAX_LIMIT),
        request.queryParameter("after_id"),
        request.queryParameter("before_id"));
  }

  private static OptionalInt number(HttpRequest request, String name, int min, int max) {
    Optional<String> value = request.queryParameter(name);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      int n = Integer.parseInt(value.get());
      if (n >= min && n <= max) {
        return OptionalInt.of(n);
      }
    } catch (NumberFormatException notANumber) {
      // refused below
    }
    throw GatewayException.invalidParam(
        name, "'" + name + "' must be a whole number from " + min + " to " + max + ".");
  }
}
