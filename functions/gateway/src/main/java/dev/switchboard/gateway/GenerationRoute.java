package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageStore;
import java.math.BigDecimal;

/**
 * {@code GET /v1/generation?id=}: one request's usage record in OpenRouter's shape, for the key
 * that made it only. Any other key gets the same 404 as for an id that does not exist, so a
 * generation id reveals nothing to anyone else.
 */
final class GenerationRoute {

  private final UsageStore store;

  GenerationRoute(UsageStore store) {
    this.store = store;
  }

  ObjectNode find(String id, ApiKey caller) {
    if (id == null || id.isBlank()) {
      throw new GatewayException(
          ErrorKind.INVALID_REQUEST,
          "missing_parameter",
          "Pass the generation id as ?id=gen-...",
          "id",
          null);
    }
    UsageRecord r;
    try {
      r =
          store
              .findByGeneration(id.strip())
              .filter(found -> found.keyId().equals(caller.id()))
              .orElseThrow(
                  () ->
                      new GatewayException(
                          ErrorKind.NOT_FOUND,
                          "generation_not_found",
                          "No generation with this id for this key. Records are written when the"
                              + " response completes and can take a few seconds to appear."));
    } catch (StoreUnavailableException e) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE, "store_unavailable", "The usage store is unavailable. Retry.");
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode d = body.putObject("data");
    d.put("id", r.generationId());
    d.put("created_at", r.startedAt().toString());
    d.put("model", r.model());
    d.put("model_requested", r.modelRequested());
    d.put("provider_name", r.provider());
    d.put("api_type", r.apiType());
    d.put("route", r.route());
    if (r.tool() != null) {
      // an MCP tool call: which tool of which server, and the bytes each way
      d.put("mcp_server", r.tool().server());
      d.put("mcp_tool", r.tool().name());
      d.put("mcp_request_bytes", r.tool().requestBytes());
      d.put("mcp_response_bytes", r.tool().responseBytes());
    }
    var guardrails = d.putArray("guardrails");
    r.guardrails()
        .forEach(
            g ->
                guardrails
                    .addObject()
                    .put("check", g.check())
                    .put("action", g.action())
                    .put("on", g.on()));
    if (r.cost() == null) {
      // an unpriced model: the cost is unknown
      d.putNull("total_cost");
      d.putNull("usage");
    } else {
      d.putRawValue("total_cost", money(r.cost().total()));
      d.putRawValue("usage", money(r.cost().total()));
    }
    d.put("streamed", r.streamed());
    d.put("cancelled", r.cancelled());
    d.put("finish_reason", r.finishReason());
    d.put("native_finish_reason", r.finishReason());
    d.put("latency", r.latency().toMillis());
    d.put("generation_time", r.generationTime().toMillis());
    if (r.timeToFirstToken() != null) {
      d.put("time_to_first_token", r.timeToFirstToken().toMillis());
    } else {
      d.putNull("time_to_first_token");
    }
    d.put("tokens_prompt", r.usage().promptTokens());
    d.put("tokens_completion", r.usage().completionTokens());
    d.put("native_tokens_prompt", r.usage().promptTokens());
    d.put("native_tokens_completion", r.usage().completionTokens());
    d.put("native_tokens_reasoning", r.usage().reasoningTokens());
    d.put("native_tokens_cached", r.usage().cachedTokens());
    d.put("native_tokens_cache_write", r.usage().cacheWriteTokens());
    d.put("usage_estimated", r.usageEstimated());
    d.put("cache_hit", r.cacheHit());
    d.put("attempts", r.attempts());
    d.put("status", r.status());
    d.put("error_type", r.errorType());
    d.put("user", r.user());
    d.put("is_byok", false);
    if (r.ensemble() != null) {
      ObjectNode place = d.putObject("ensemble");
      place.put(
          "parent_id",
          r.ensemble().parentRequestId() == null
              ? null
              : UsageRecord.generationIdOf(r.ensemble().parentRequestId()));
      place.put("role", r.ensemble().role());
      place.put("index", r.ensemble().index());
      place.put("status", r.ensemble().status());
    }
    return body;
  }

  /** Dollars in plain notation, exact: {@code 0.00000015}, never {@code 1.5E-7}. */
  private static RawValue money(BigDecimal amount) {
    return new RawValue(amount.stripTrailingZeros().toPlainString());
  }
}
