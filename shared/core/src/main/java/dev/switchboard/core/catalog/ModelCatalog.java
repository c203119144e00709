package dev.switchboard.core.catalog;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models the gateway knows, with their prices and limits. Ships as the resource {@value
 * #RESOURCE}; an operator can replace it with a file of the same shape. Validated on load: a
 * catalogue naming an unknown provider, a negative price, a missing limit, an unknown capability or
 * an alias used twice is refused with every problem listed, so a bad file stops the gateway at
 * start rather than misbilling later.
 */
public final class ModelCatalog {

  public static final String RESOURCE = "/dev/switchboard/core/catalog/models.json";

  private final Map<String, Model> byId;
  private final Map<String, Model> byAlias;
  private final List<Model> ordered;
  private final UnlistedModels unlisted;

  public ModelCatalog(Collection<Model> models) {
    this(models, UnlistedModels.NONE);
  }

  /** The catalogue's models, and the providers whose unlisted models {@link #find} answers for. */
  public ModelCatalog(Collection<Model> models, UnlistedModels unlisted) {
    Map<String, Model> ids = new LinkedHashMap<>();
    Map<String, Model> aliases = new HashMap<>();
    for (Model model : models) {
      if (ids.put(model.id(), model) != null) {
        throw new IllegalArgumentException("model listed twice in the catalogue: " + model.id());
      }
      for (String alias : model.aliases()) {
        if (aliases.put(alias, model) != null) {
          throw new IllegalArgumentException("alias used twice in the catalogue: " + alias);
        }
      }
    }
    this.byId = Map.copyOf(ids);
    this.byAlias = Map.copyOf(aliases);
    this.ordered = List.copyOf(ids.values());
    this.unlisted = unlisted;
  }

  /** This catalogue, answering also for the unlisted models of {@code unlisted}'s providers. */
  public ModelCatalog withUnlisted(UnlistedModels unlisted) {
    return new ModelCatalog(ordered, unlisted);
  }

  /** The providers whose unlisted models are routable. */
  public UnlistedModels unlisted() {
    return unlisted;
  }

  /**
   * The built-in catalogue with the entries of the file at {@code overrideFile} merged on top, by
   * id: an entry whose id the built-in catalogue has replaces that entry, any other is added, and
   * an alias the file gives an entry is taken from whichever built-in entry had it. A file whose
   * top-level {@code "replace"} is {@code true} is the whole catalogue instead. Validated either
   * way.
   *
   * @param knownProviders the provider ids the gateway has adapters for
   * @throws IllegalArgumentException listing every problem, naming the source
   */
  public static ModelCatalog load(
      ObjectMapper mapper, Optional<Path> overrideFile, Set<String> knownProviders) {
    JsonNode builtIn = builtIn(mapper);
    if (overrideFile.isEmpty()) {
      return validated(builtIn, knownProviders, "the built-in model catalogue");
    }
    Path file = overrideFile.get();
    String source = "the model catalogue " + file;
    JsonNode override;
    try (InputStream in = Files.newInputStream(file)) {
      override = mapper.readTree(in);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          source + " is not valid JSON (line " + e.getLocation().getLineNr() + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source, e);
    }
    if (override != null && override.path("replace").asBoolean(false)) {
      return validated(override, knownProviders, source);
    }
    return validated(
        merged(mapper, builtIn, override, source),
        knownProviders,
        "the built-in model catalogue with " + file);
  }

  private static JsonNode builtIn(ObjectMapper mapper) {
    try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the model catalogue resource is missing: " + RESOURCE);
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the built-in model catalogue", e);
    }
  }

  /** The built-in entries, replaced and added to by id from {@code override}'s. */
  static JsonNode merged(ObjectMapper mapper, JsonNode builtIn, JsonNode override, String source) {
    JsonNode added = override == null ? null : override.get("models");
    if (added == null || !added.isArray()) {
      throw new IllegalArgumentException(source + " is invalid: it has no 'models' array");
    }
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    for (JsonNode entry : builtIn.path("models")) {
      byId.put(entry.path("id").asText(), entry.deepCopy());
    }
    Set<String> takenAliases = new HashSet<>();
    for (JsonNode entry : added) {
      entry.path("aliases").forEach(alias -> takenAliases.add(alias.asText()));
    }
    for (JsonNode entry : byId.values()) {
      if (entry.get("aliases") instanceof ArrayNode aliases) {
        aliases.removeIf(alias -> takenAliases.contains(alias.asText()));
      }
    }
    for (JsonNode entry : added) {
      // an entry without an id is reported by the validation, under its position
      String id = entry.path("id").asText(null);
      byId.put(id == null ? "#" + byId.size() : id, entry);
    }
    ObjectNode out = mapper.createObjectNode();
    out.putArray("models").addAll(byId.values());
    return out;
  }

  private static ModelCatalog validated(JsonNode root, Set<String> knownProviders, String source) {
    try {
      return parse(root, knownProviders);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + " is invalid: " + e.getMessage());
    }
  }

  /**
   * Parses and validates a catalogue document.
   *
   * @throws IllegalArgumentException listing every problem found
   */
  static ModelCatalog parse(JsonNode root, Set<String> knownProviders) {
    List<String> problems = new ArrayList<>();
    List<Model> models = new ArrayList<>();
    JsonNode entries = root == null ? null : root.get("models");
    if (entries == null || !entries.isArray()) {
      throw new IllegalArgumentException("it has no 'models' array");
    }
    for (JsonNode m : entries) {
      try {
        models.add(entry(m));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    problems.addAll(CatalogRules.check(models, knownProviders));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new ModelCatalog(models);
  }

  private static Model entry(JsonNode m) {
    String id = text(m, "id");
    // an entry without prices is unpriced: served to keys without a budget, at an unknown cost
    JsonNode price = m.get("pricing");
    if (price != null && !price.isObject()) {
      throw new IllegalArgumentException(id + ": 'pricing' is not an object");
    }
    return new Model(
        id,
        m.path("name").asText(id),
        text(m, "provider"),
        text(m, "upstream_id"),
        strings(m.path("aliases")),
        m.path("context_length").asInt(),
        m.path("max_output_tokens").asInt(),
        price == null
            ? null
            : new Pricing(
                required(id, price, "input"),
                required(id, price, "output"),
                decimal(id, price, "cached_input"),
                decimal(id, price, "cache_write"),
                decimal(id, price, "reasoning")),
        Set.copyOf(strings(m.path("capabilities"))),
        m.has("input_modalities") ? strings(m.path("input_modalities")) : List.of("text"),
        m.path("created").asLong(0),
        m.hasNonNull("canonical") ? text(m, "canonical") : null,
        m.hasNonNull("mode") ? text(m, "mode") : Model.CHAT,
        m.path("dimensions").asInt(0));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw new IllegalArgumentException("catalogue entry without '" + field + "': " + node);
    }
    return value.textValue();
  }

  private static BigDecimal required(String id, JsonNode node, String field) {
    BigDecimal value = decimal(id, node, field);
    if (value == null) {
      throw new IllegalArgumentException(id + ": no price '" + field + "'");
    }
    return value;
  }

  private static BigDecimal decimal(String id, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new IllegalArgumentException(id + ": price '" + field + "' is not a number");
    }
    return value.decimalValue();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /**
   * The model with this id or alias, or the unlisted model {@code provider/<model>} stands for when
   * its provider serves unlisted models.
   */
  public Optional<Model> find(String idOrAlias) {
    Model model = byId.get(idOrAlias);
    if (model == null) {
      model = byAlias.get(idOrAlias);
    }
    return model != null ? Optional.of(model) : unlisted.model(idOrAlias);
  }

  /**
   * The entries that serve the model {@code idOrAlias} names, that is every entry sharing its
   * canonical id; {@code idOrAlias} may also be a canonical id no entry has as its own id.
   */
  public List<Model> endpointsOf(String idOrAlias) {
    String canonical = find(idOrAlias).map(Model::canonicalId).orElse(idOrAlias);
    return ordered.stream().filter(m -> m.canonicalId().equals(canonical)).toList();
  }

  /** Every model, in catalogue order. */
  public List<Model> models() {
    return ordered;
  }
}
