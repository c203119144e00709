package dev.switchboard.core.catalog;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks a catalogue must pass before the gateway serves from it. */
final class CatalogRules {

  private static final Set<String> MODALITIES = Set.of("text", "image", "audio", "file", "video");

  private CatalogRules() {}

  /** Every problem with {@code models}, each naming the entry; empty when there is none. */
  static List<String> check(List<Model> models, Set<String> knownProviders) {
    List<String> problems = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Map<String, String> nameOwners = new HashMap<>();
    for (Model m : models) {
      String id = m.id();
      if (!ids.add(id)) {
        problems.add(id + ": listed twice");
      }
      if (!knownProviders.contains(m.provider())) {
        problems.add(
            id
                + ": unknown provider '"
                + m.provider()
                + "' (known: "
                + sorted(knownProviders)
                + ")");
      }
      if (!id.startsWith(m.provider() + "/") || id.length() == m.provider().length() + 1) {
        problems.add(id + ": the id must be '" + m.provider() + "/<model>'");
      }
      if (!m.canonicalId().contains("/")) {
        problems.add(id + ": canonical '" + m.canonicalId() + "' must be 'provider/model'");
      }
      if (m.contextLength() <= 0) {
        problems.add(id + ": context_length must be positive");
      }
      if (!m.mode().equals(Model.CHAT) && !m.mode().equals(Model.EMBEDDING)) {
        problems.add(id + ": mode must be 'chat' or 'embedding'");
      }
      if (m.embeds()) {
        // an embedding model writes no tokens: its context_length is the most one input may have
        if (m.dimensions() <= 0) {
          problems.add(id + ": an embedding model needs positive 'dimensions'");
        }
        if (m.maxOutputTokens() != 0) {
          problems.add(id + ": an embedding model has no max_output_tokens");
        }
      } else if (m.maxOutputTokens() <= 0 || m.maxOutputTokens() > m.contextLength()) {
        problems.add(id + ": max_output_tokens must be positive and at most context_length");
      } else if (m.dimensions() != 0) {
        problems.add(id + ": only an embedding model has 'dimensions'");
      }
      Pricing p = m.pricing();
      if (p != null) {
        negative(problems, id, "input", p.input());
        negative(problems, id, "output", p.output());
        negative(problems, id, "cached_input", p.cachedInput());
        negative(problems, id, "cache_write", p.cacheWrite());
        negative(problems, id, "reasoning", p.reasoning());
      }
      for (String capability : m.capabilities()) {
        if (!Model.CAPABILITIES.contains(capability)) {
          problems.add(
              id
                  + ": unknown capability '"
                  + capability
                  + "' (known: "
                  + sorted(Model.CAPABILITIES)
                  + ")");
        }
      }
      for (String modality : m.inputModalities()) {
        if (!MODALITIES.contains(modality)) {
          problems.add(id + ": unknown input modality '" + modality + "'");
        }
      }
    }
    // An alias must name one model only, and never shadow another entry's id.
    for (Model m : models) {
      for (String alias : m.aliases()) {
        String owner = nameOwners.putIfAbsent(alias, m.id());
        if (owner != null) {
          problems.add("alias '" + alias + "' is used by both " + owner + " and " + m.id());
        } else if (ids.contains(alias) && !alias.equals(m.id())) {
          problems.add("alias '" + alias + "' of " + m.id() + " is another model's id");
        }
      }
    }
    return problems;
  }

  private static void negative(List<String> problems, String id, String field, BigDecimal price) {
    if (price.signum() < 0) {
      problems.add(id + ": price '" + field + "' is negative");
    }
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }
}
