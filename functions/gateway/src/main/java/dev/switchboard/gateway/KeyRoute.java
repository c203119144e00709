package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.auth.ResetPeriod;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.budget.BudgetStore;
import dev.switchboard.core.budget.PicoUsd;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * {@code GET /v1/key}: the calling key's limits and spend, in OpenRouter's shape. A key sees only
 * itself; the figures are US dollars.
 */
final class KeyRoute {

  private final BudgetStore budgets;
  private final Clock clock;

  KeyRoute(BudgetStore budgets, Clock clock) {
    this.budgets = budgets;
    this.clock = clock;
  }

  ObjectNode describe(ApiKey key) {
    Instant now = clock.instant();
    KeyLimits limits = key.limits();
    LocalDate today = LocalDate.ofInstant(now, java.time.ZoneOffset.UTC);
    LocalDate weekStart = ResetPeriod.WEEKLY.start(now);
    LocalDate monthStart = ResetPeriod.MONTHLY.start(now);
    LocalDate from = weekStart.isBefore(monthStart) ? weekStart : monthStart;
    BudgetStore.SpendHistory history;
    Long available = null;
    try {
      history = budgets.spend(key.id(), from, today);
      if (limits.creditLimit() != null) {
        available =
            budgets
                .period(key.id(), limits.reset().periodId(now))
                .map(BudgetStore.PeriodState::remaining)
                .orElse(PicoUsd.floor(limits.creditLimit()));
      }
    } catch (StoreUnavailableException e) {
      throw new GatewayException(
          ErrorKind.UNAVAILABLE, "store_unavailable", "The budget store is unavailable.");
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode data = root.putObject("data");
    data.put("label", key.name());
    data.put("limit", usd(limits.creditLimit()));
    if (available == null) {
      data.putNull("limit_remaining");
    } else {
      data.put("limit_remaining", usd(Math.max(0, available)));
    }
    if (limits.creditLimit() == null || limits.reset() == ResetPeriod.NONE) {
      data.putNull("limit_reset");
    } else {
      data.put("limit_reset", limits.reset().wire());
    }
    data.put("usage", usd(history.total()));
    data.put("usage_daily", usd(sum(history.byDay(), today)));
    data.put("usage_weekly", usd(sum(history.byDay(), weekStart)));
    data.put("usage_monthly", usd(sum(history.byDay(), monthStart)));
    ObjectNode rate = data.putObject("rate_limit");
    rate.put("requests_per_minute", limits.requestsPerMinute());
    rate.put("tokens_per_minute", limits.tokensPerMinute());
    rate.put("interval", "1m");
    data.put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString());
    data.put("is_free_tier", false);
    return root;
  }

  private static long sum(Map<LocalDate, Long> byDay, LocalDate from) {
    return byDay.entrySet().stream()
        .filter(e -> !e.getKey().isBefore(from))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static double usd(long picos) {
    return PicoUsd.usd(picos).doubleValue();
  }

  private static Double usd(BigDecimal usd) {
    return usd == null ? null : usd.doubleValue();
  }
}
