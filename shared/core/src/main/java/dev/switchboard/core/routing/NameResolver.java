package dev.switchboard.core.routing;

import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.ModelCatalog;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * What a name in a request stands for: an alias (followed to its end), a weighted pool, a model's
 * canonical id (every provider's entry of it) or one provider's entry. The operator's aliases and
 * pools are resolved once, at start, against a configuration {@link RoutingConfigCheck} has passed;
 * only the catalogue is asked per request.
 *
 * <p>A name nothing knows is tried once more as clients of the Anthropic API spell catalogue names:
 * without a release date ({@code claude-sonnet-4-5-20250929}, {@code claude-sonnet-4-5@20250929})
 * and with dashes for dots between version digits ({@code claude-sonnet-4.5}). Claude Code sends
 * these; a name that exists as written is always taken as written ({@code gpt-4.1}).
 */
final class NameResolver {

  /** One pool member, its catalogue entry found at start. */
  private record Member(Model model, int weight) {}

  private final ModelCatalog catalog;

  /** Each alias's path: the names it passes through, its final target last. */
  private final Map<String, List<String>> aliasPaths = new HashMap<>();

  private static final Pattern RELEASE_DATE = Pattern.compile("[-@]\\d{8}$");
  private static final Pattern DOTTED_VERSION = Pattern.compile("(\\d)\\.(\\d)");

  private final Map<String, List<Member>> pools = new HashMap<>();
  private final Set<String> extraNames;

  NameResolver(ModelCatalog catalog, RoutingConfig config) {
    this.catalog = catalog;
    for (String alias : config.aliases().keySet()) {
      List<String> path = new ArrayList<>();
      String name = alias;
      while (config.aliases().containsKey(name)
          && path.size() < RoutingConfigCheck.MAX_ALIAS_DEPTH) {
        name = config.aliases().get(name);
        path.add(name);
      }
      aliasPaths.put(alias, List.copyOf(path));
    }
    config
        .pools()
        .forEach(
            (name, members) ->
                pools.put(
                    name,
                    members.stream()
                        .map(m -> new Member(catalog.find(m.model()).orElseThrow(), m.weight()))
                        .toList()));
    Set<String> names = new TreeSet<>(config.aliases().keySet());
    names.addAll(config.pools().keySet());
    this.extraNames = Set.copyOf(names);
  }

  /** The names clients may use besides catalogue ids and aliases: configured aliases and pools. */
  Set<String> extraNames() {
    return new TreeSet<>(extraNames);
  }

  /**
   * The catalogue entries a name stands for, best first; a pool's in a fresh weighted order.
   *
   * @param param the request field that holds the name, for the error
   * @throws GatewayException 404 for an unknown {@code model}, 400 for another field
   */
  List<Model> resolve(String name, String param, RandomGenerator random) {
    String target = target(name);
    List<Member> pool = pools.get(target);
    if (pool != null) {
      return weightedOrder(pool, random);
    }
    List<Model> endpoints = endpoints(target);
    if (!endpoints.isEmpty()) {
      return endpoints;
    }
    if (param.equals("model")) {
      throw modelNotFound(target);
    }
    throw GatewayException.invalidParam(
        param, "'" + param + "' names a model that does not exist: '" + shorten(target) + "'.");
  }

  /** The model a name stands for, when it stands for exactly one catalogue entry. */
  Optional<Model> findModel(String name) {
    String target = target(name);
    List<Member> pool = pools.get(target);
    if (pool != null) {
      return Optional.of(pool.getFirst().model());
    }
    return catalog.find(target);
  }

  /** The keys a fallback chain of this name may be under: the name, its alias path, its id. */
  List<String> chainKeys(String name) {
    List<String> keys = new ArrayList<>();
    keys.add(name);
    String spelled = spelled(name);
    if (!spelled.equals(name)) {
      keys.add(spelled);
    }
    keys.addAll(aliasPaths.getOrDefault(spelled, List.of()));
    catalog.find(keys.getLast()).ifPresent(m -> keys.add(m.id()));
    return keys;
  }

  private String target(String asked) {
    String name = spelled(asked);
    List<String> path = aliasPaths.get(name);
    return path == null || path.isEmpty() ? name : path.getLast();
  }

  /** The name as written when anything knows it, else its undated or dashed spelling that is. */
  private String spelled(String name) {
    if (known(name)) {
      return name;
    }
    String undated = RELEASE_DATE.matcher(name).replaceFirst("");
    String dashed = DOTTED_VERSION.matcher(undated).replaceAll("$1-$2");
    for (String spelling : List.of(undated, dashed)) {
      if (!spelling.equals(name) && known(spelling)) {
        return spelling;
      }
    }
    return name;
  }

  private boolean known(String name) {
    return aliasPaths.containsKey(name)
        || pools.containsKey(name)
        || catalog.find(name).isPresent()
        || !catalog.endpointsOf(name).isEmpty();
  }

  /**
   * The catalogue entries a name stands for: a model's canonical id (or an alias of it) stands for
   * every provider's entry of that model, its own first; a provider-specific entry for itself.
   */
  private List<Model> endpoints(String name) {
    Optional<Model> named = catalog.find(name);
    if (named.isPresent() && !named.get().canonicalId().equals(named.get().id())) {
      return List.of(named.get());
    }
    List<Model> out = new ArrayList<>();
    named.ifPresent(out::add);
    for (Model m : catalog.endpointsOf(name)) {
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * The pool's members in a random order where a member of weight w comes first w/W of the time.
   */
  private static List<Model> weightedOrder(List<Member> pool, RandomGenerator random) {
    List<Member> left = new ArrayList<>(pool);
    List<Model> out = new ArrayList<>();
    while (!left.isEmpty()) {
      int total = left.stream().mapToInt(Member::weight).sum();
      int pick = random.nextInt(total);
      for (int i = 0; i < left.size(); i++) {
        pick -= left.get(i).weight();
        if (pick < 0) {
          out.add(left.remove(i).model());
          break;
        }
      }
    }
    return out;
  }

  static GatewayException modelNotFound(String name) {
    return new GatewayException(
        ErrorKind.NOT_FOUND,
        "model_not_found",
        "The model '"
            + shorten(name)
            + "' does not exist or is not available on this gateway. "
            + "GET /v1/models lists the models you can use.",
        "model",
        null);
  }

  /** A client's name as quoted back in an error: at most 100 characters of it. */
  static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
