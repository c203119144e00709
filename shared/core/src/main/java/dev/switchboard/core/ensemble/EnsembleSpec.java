package dev.switchboard.core.ensemble;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code ensemble} object of a request, or a named ensemble of the routing configuration: a
 * panel of models, a judge, a strategy, each member's output limit and the quorum (the fewest
 * answers the judge needs). See docs/ENSEMBLES.md.
 *
 * @param panelMaxTokens each member's {@code max_tokens}, or null for the request's own
 * @param quorum how many members must answer; 1 to the panel's size
 */
public record EnsembleSpec(
    List<String> panel, String judge, Strategy strategy, Integer panelMaxTokens, int quorum) {

  /** The most panel members one request may ask for. */
  public static final int MAX_PANEL = 8;

  /** How the judge turns the panel's answers into one answer. */
  public enum Strategy {
    SYNTHESIZE,
    PICK_BEST
  }

  /** The model name that asks for the ensemble in the request's {@code ensemble} object. */
  public static final String FUSION = "switchboard/fusion";

  /** The request field. */
  public static final String FIELD = "ensemble";

  public EnsembleSpec {
    panel = List.copyOf(panel);
  }

  /** An ensemble whose quorum is one answer. */
  public EnsembleSpec(List<String> panel, String judge, Strategy strategy, Integer panelMaxTokens) {
    this(panel, judge, strategy, panelMaxTokens, 1);
  }

  private static final Set<String> KNOWN =
      new TreeSet<>(Set.of("panel", "judge", "strategy", "panel_max_tokens", "quorum"));

  /** Reads and checks an {@code ensemble} object; a bad one is a 400 naming the parameter. */
  public static EnsembleSpec parse(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw GatewayException.invalidParam("ensemble", "ensemble must be an object");
    }
    JsonNode panelNode = node.get("panel");
    if (panelNode == null || !panelNode.isArray() || panelNode.isEmpty()) {
      throw GatewayException.invalidParam(
          "ensemble.panel", "ensemble.panel must be a non-empty array of models");
    }
    if (panelNode.size() > MAX_PANEL) {
      throw GatewayException.invalidParam(
          "ensemble.panel", "ensemble.panel has at most " + MAX_PANEL + " members");
    }
    List<String> panel = new ArrayList<>();
    for (JsonNode m : panelNode) {
      if (!m.isTextual() || m.asText().isBlank()) {
        throw GatewayException.invalidParam(
            "ensemble.panel", "each ensemble.panel member must be a model name");
      }
      panel.add(m.asText());
    }
    JsonNode judgeNode = node.get("judge");
    if (judgeNode == null || !judgeNode.isTextual() || judgeNode.asText().isBlank()) {
      throw GatewayException.invalidParam("ensemble.judge", "ensemble.judge must be a model name");
    }
    Strategy strategy = Strategy.SYNTHESIZE;
    JsonNode s = node.get("strategy");
    if (s != null && !s.isNull()) {
      strategy =
          switch (s.isTextual() ? s.asText() : "") {
            case "synthesize" -> Strategy.SYNTHESIZE;
            case "pick_best" -> Strategy.PICK_BEST;
            default ->
                throw GatewayException.invalidParam(
                    "ensemble.strategy",
                    "ensemble.strategy must be \"synthesize\" or \"pick_best\"");
          };
    }
    Integer max = null;
    JsonNode t = node.get("panel_max_tokens");
    if (t != null && !t.isNull()) {
      if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1) {
        throw GatewayException.invalidParam(
            "ensemble.panel_max_tokens", "ensemble.panel_max_tokens must be a positive integer");
      }
      max = t.asInt();
    }
    int quorum = 1;
    JsonNode q = node.get("quorum");
    if (q != null && !q.isNull()) {
      if (!q.isIntegralNumber()
          || !q.canConvertToInt()
          || q.asInt() < 1
          || q.asInt() > panel.size()) {
        throw GatewayException.invalidParam(
            "ensemble.quorum",
            "ensemble.quorum must be a whole number from 1 to the panel's size ("
                + panel.size()
                + ")");
      }
      quorum = q.asInt();
    }
    node.fieldNames()
        .forEachRemaining(
            field -> {
              if (!KNOWN.contains(field)) {
                throw GatewayException.invalidParam(
                    "ensemble." + field,
                    "ensemble." + field + " is not a known field (known: " + KNOWN + ")");
              }
            });
    return new EnsembleSpec(panel, judgeNode.asText(), strategy, max, quorum);
  }
}
