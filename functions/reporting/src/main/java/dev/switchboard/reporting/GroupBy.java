package dev.switchboard.reporting;

import dev.switchboard.core.usage.UsageRecord;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a usage report groups by. A record with several tags counts once under each tag. */
enum GroupBy {
  DAY,
  MODEL,
  PROVIDER,
  KEY,
  USER,
  TAG,
  API_TYPE,
  /** The MCP server of a tool call; every other record is {@value #NONE}. */
  SERVER,
  /** The MCP tool of a tool call, as {@code server/tool}; every other record is {@value #NONE}. */
  TOOL,
  /**
   * The guardrail rules that acted, as {@code check:action:on}; a record counts once under each.
   */
  GUARDRAIL,
  /**
   * The semantic router's route that chose the model, as {@code router/<name>/<route>}; a request
   * that named its model is {@value #NONE}.
   */
  ROUTE;

  static final String NONE = "(none)";

  static Optional<GroupBy> parse(String value) {
    for (GroupBy g : values()) {
      if (g.name().equalsIgnoreCase(value.strip())) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The groups a record falls in. */
  List<String> groupsOf(UsageRecord r) {
    return switch (this) {
      case DAY -> List.of(r.startedAt().atZone(ZoneOffset.UTC).toLocalDate().toString());
      case MODEL -> List.of(orNone(r.model()));
      case PROVIDER -> List.of(orNone(r.provider()));
      case KEY -> List.of(r.keyId());
      case USER -> List.of(orNone(r.user()));
      case TAG -> r.tags().isEmpty() ? List.of(NONE) : r.tags();
      case API_TYPE -> List.of(r.apiType());
      case SERVER -> List.of(r.tool() == null ? NONE : orNone(r.tool().server()));
      case TOOL ->
          List.of(
              r.tool() == null ? NONE : orNone(r.tool().server()) + "/" + orNone(r.tool().name()));
      case GUARDRAIL ->
          r.guardrails().isEmpty()
              ? List.of(NONE)
              : r.guardrails().stream()
                  .map(g -> g.check() + ":" + g.action() + ":" + g.on())
                  .distinct()
                  .toList();
      case ROUTE -> List.of(orNone(r.route()));
    };
  }

  private static String orNone(String s) {
    return s == null || s.isEmpty() ? NONE : s;
  }
}
