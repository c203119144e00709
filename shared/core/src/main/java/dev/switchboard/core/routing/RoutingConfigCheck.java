package dev.switchboard.core.routing;

import dev.switchboard.core.catalog.ModelCatalog;

/**
 * The half of the routing configuration's validation that needs the model catalogue, next to the
 * loader ({@link RoutingConfig#parse}) that does the rest: every name the rules use must stand for
 * a model, alias or pool, and aliases must end somewhere. Run once at start, so that resolving a
 * name per request can never meet a broken rule.
 */
final class RoutingConfigCheck {

  /** Deepest alias-to-alias indirection followed; deeper is a configuration mistake. */
  static final int MAX_ALIAS_DEPTH = 8;

  private RoutingConfigCheck() {}

  /**
   * @throws IllegalArgumentException naming the JSON path of the first rule that names nothing, or
   *     the alias that loops
   */
  static void against(RoutingConfig config, ModelCatalog catalog) {
    config
        .aliases()
        .forEach(
            (alias, target) -> {
              if (!config.isRouter(target)) {
                requireName(config, catalog, target, "aliases." + alias);
              }
            });
    config
        .routers()
        .forEach(
            (name, router) -> {
              for (int i = 0; i < router.routes().size(); i++) {
                String target = router.routes().get(i).target();
                String path = "routers." + name + ".routes[" + i + "].target";
                if (config.isRouter(resolved(config, target))) {
                  throw new IllegalArgumentException(
                      "routing configuration: " + path + " names a router; routers do not nest");
                }
                requireName(config, catalog, target, path);
              }
            });
    config
        .fallbacks()
        .forEach(
            (name, chain) -> {
              requireName(config, catalog, name, "fallbacks." + name + " (the key)");
              for (int i = 0; i < chain.size(); i++) {
                requireName(config, catalog, chain.get(i), "fallbacks." + name + "[" + i + "]");
              }
            });
    config
        .pools()
        .forEach(
            (name, members) -> {
              for (int i = 0; i < members.size(); i++) {
                if (catalog.find(members.get(i).model()).isEmpty()) {
                  throw new IllegalArgumentException(
                      "routing configuration: pools."
                          + name
                          + "["
                          + i
                          + "].model names a model that is"
                          + " not in the catalogue: "
                          + members.get(i).model());
                }
              }
            });
    config
        .ensembles()
        .forEach(
            (name, spec) -> {
              if (catalog.find(name).isPresent()) {
                throw new IllegalArgumentException(
                    "routing configuration: ensembles." + name + " is also a catalogue model");
              }
              for (int i = 0; i < spec.panel().size(); i++) {
                requireName(
                    config,
                    catalog,
                    spec.panel().get(i),
                    "ensembles." + name + ".panel[" + i + "]");
              }
              requireName(config, catalog, spec.judge(), "ensembles." + name + ".judge");
            });
    for (String alias : config.aliases().keySet()) {
      String name = alias;
      for (int hops = 1; config.aliases().containsKey(name); hops++) {
        name = config.aliases().get(name);
        if (hops > MAX_ALIAS_DEPTH) {
          throw new IllegalArgumentException(
              "routing configuration: aliases loop or nest deeper than "
                  + MAX_ALIAS_DEPTH
                  + ": "
                  + name);
        }
      }
    }
  }

  /** Where {@code name} ends after its aliases (at most {@link #MAX_ALIAS_DEPTH} of them). */
  private static String resolved(RoutingConfig config, String name) {
    for (int hops = 0; hops < MAX_ALIAS_DEPTH && config.aliases().containsKey(name); hops++) {
      name = config.aliases().get(name);
    }
    return name;
  }

  private static void requireName(
      RoutingConfig config, ModelCatalog catalog, String name, String path) {
    if (!config.pools().containsKey(name)
        && !config.aliases().containsKey(name)
        && catalog.find(name).isEmpty()
        && catalog.endpointsOf(name).isEmpty()) {
      throw new IllegalArgumentException(
          "routing configuration: " + path + " names no model, alias or pool: " + name);
    }
  }
}
