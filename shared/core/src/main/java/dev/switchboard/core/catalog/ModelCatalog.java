package dev.switchboard.core.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models the gateway knows, with their prices and limits. Ships as the resource {@value
 * #RESOURCE}; an operator can replace it with a file of the same shape.
 */
public final class ModelCatalog {

  public static final String RESOURCE = "/dev/switchboard/core/catalog/models.json";

  private final Map<String, Model> byId;
  private final Map<String, Model> byAlias;
  private final List<Model> ordered;

  public ModelCatalog(Collection<Model> models) {
    Map<String, Model> ids = new LinkedHashMap<>();
    Map<String, Model> aliases = new HashMap<>();
    for (Model model : models) {
      if (ids.put(model.id(), model) != null) {
        throw new IllegalArgumentException("model listed twice in the catalogue: " + model.id());
      }
      model.aliases().forEach(alias -> aliases.put(alias, model));
    }
    this.byId = Map.copyOf(ids);
    this.byAlias = Map.copyOf(aliases);
    this.ordered = List.copyOf(ids.values());
  }

  /** The built-in catalogue, or the file at {@code overrideFile} when one is given. */
  public static ModelCatalog load(ObjectMapper mapper, Optional<Path> overrideFile) {
    try {
      if (overrideFile.isPresent()) {
        try (InputStream in = Files.newInputStream(overrideFile.get())) {
          return parse(mapper.readTree(in));
        }
      }
      try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the model catalogue resource is missing: " + RESOURCE);
        }
        return parse(mapper.readTree(in));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model catalogue", e);
    }
  }

  static ModelCatalog parse(JsonNode root) {
    List<Model> models = new ArrayList<>();
    for (JsonNode m : root.path("models")) {
      JsonNode price = m.path("pricing");
      models.add(
          new Model(
              text(m, "id"),
              m.path("name").asText(text(m, "id")),
              text(m, "provider"),
              text(m, "upstream_id"),
              strings(m.path("aliases")),
              m.path("context_length").asInt(),
              m.path("max_output_tokens").asInt(),
              new Pricing(
                  decimal(price, "input"),
                  decimal(price, "output"),
                  decimal(price, "cached_input"),
                  decimal(price, "cache_write"),
                  decimal(price, "reasoning")),
              Set.copyOf(strings(m.path("capabilities"))),
              m.has("input_modalities") ? strings(m.path("input_modalities")) : List.of("text"),
              m.path("created").asLong(0)));
    }
    return new ModelCatalog(models);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw new IllegalArgumentException("catalogue entry without '" + field + "': " + node);
    }
    return value.textValue();
  }

  private static BigDecimal decimal(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.decimalValue();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** The model with this id or alias. */
  public Optional<Model> find(String idOrAlias) {
    Model model = byId.get(idOrAlias);
    return Optional.ofNullable(model != null ? model : byAlias.get(idOrAlias));
  }

  /** Every model, in catalogue order. */
  public List<Model> models() {
    return ordered;
  }
}
