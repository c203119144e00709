package dev.switchboard.core.routing;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.routing.RouteOptions.Sort;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which one model's endpoints are tried: the request's sort (price, latency,
 * throughput), then its provider order, then the circuit state, each a stable sort, so the last
 * word is that an endpoint whose circuit is open goes after every other.
 */
final class EndpointOrder {
  private final ProviderHealth health;

  EndpointOrder(ProviderHealth health) {
    this.health = health;
  }

  List<Model> order(List<Model> endpoints, RouteOptions options) {
    List<Model> out = new ArrayList<>(endpoints);
    if (options.sort() != null) {
      out.sort(comparator(options.sort()));
    }
    if (!options.order().isEmpty()) {
      out.sort(
          Comparator.comparingInt(
              m -> {
                int i = options.order().indexOf(m.provider());
                return i < 0 ? Integer.MAX_VALUE : i;
              }));
    }
    // providers whose circuit is open go last; the attempt loop skips them unless a probe is due
    out.sort(Comparator.comparing(health::isOpen));
    return out;
  }

  private Comparator<Model> comparator(Sort sort) {
    return switch (sort) {
      case PRICE ->
          // a model without prices after every priced one
          Comparator.comparing(
              m ->
                  m.pricing() == null
                      ? BigDecimal.valueOf(Long.MAX_VALUE)
                      : price(m.pricing().input()).add(price(m.pricing().output())));
      case LATENCY ->
          // unmeasured providers after measured ones, in their configured order
          Comparator.comparingDouble(m -> health.snapshot(m).ttftMs().orElse(Double.MAX_VALUE));
      case THROUGHPUT ->
          Comparator.comparingDouble(
              m -> -health.snapshot(m).tokensPerSecond().orElse(-Double.MAX_VALUE));
    };
  }

  private static BigDecimal price(BigDecimal p) {
    return p == null ? BigDecimal.ZERO : p;
  }
}
