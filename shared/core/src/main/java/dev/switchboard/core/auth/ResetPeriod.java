package dev.switchboard.core.auth;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;

/**
 * When a key's credit limit starts again from zero. Periods start on UTC boundaries: midnight,
 * Monday midnight, the first of the month; {@link #NONE} is one period forever.
 */
public enum ResetPeriod {
  DAILY,
  WEEKLY,
  MONTHLY,
  NONE;

  /** The name on the wire and in the store: {@code daily}, {@code weekly}, ... */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The period for a wire name, if it is one. */
  public static Optional<ResetPeriod> parse(String wire) {
    for (ResetPeriod p : values()) {
      if (p.wire().equals(wire)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The first day of the period {@code now} falls in (null for {@link #NONE}). */
  public LocalDate start(Instant now) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return switch (this) {
      case DAILY -> day;
      case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTHLY -> day.withDayOfMonth(1);
      case NONE -> null;
    };
  }

  /** When the period {@code now} falls in ends (null for {@link #NONE}). */
  public Instant end(Instant now) {
    LocalDate start = start(now);
    LocalDate next =
        switch (this) {
          case DAILY -> start.plusDays(1);
          case WEEKLY -> start.plusWeeks(1);
          case MONTHLY -> start.plusMonths(1);
          case NONE -> null;
        };
    return next == null ? null : next.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /**
   * A stable name for the period {@code now} falls in, e.g. {@code monthly#2026-05-01}; a key's
   * budget for that period is one store item named by it.
   */
  public String periodId(Instant now) {
    return this == NONE ? "none" : wire() + "#" + start(now);
  }
}
