package dev.switchboard.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResetPeriodTest {

  // a Wednesday, one second before midnight UTC
  private static final Instant LATE = Instant.parse("2026-12-30T23:59:59Z");

  @Test
  void periodsStartOnUtcBoundaries() {
    assertThat(ResetPeriod.DAILY.periodId(LATE)).isEqualTo("daily#2026-12-30");
    assertThat(ResetPeriod.WEEKLY.periodId(LATE)).isEqualTo("weekly#2026-12-28");
    assertThat(ResetPeriod.MONTHLY.periodId(LATE)).isEqualTo("monthly#2026-12-01");
    assertThat(ResetPeriod.NONE.periodId(LATE)).isEqualTo("none");
  }

  @Test
  void aPeriodEndsWhereTheNextBegins() {
    assertThat(ResetPeriod.DAILY.end(LATE)).isEqualTo(Instant.parse("2026-12-31T00:00:00Z"));
    assertThat(ResetPeriod.WEEKLY.end(LATE)).isEqualTo(Instant.parse("2027-01-04T00:00:00Z"));
    assertThat(ResetPeriod.MONTHLY.end(LATE)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(ResetPeriod.NONE.end(LATE)).isNull();
    assertThat(ResetPeriod.DAILY.periodId(LATE.plusSeconds(1))).isEqualTo("daily#2026-12-31");
  }

  @Test
  void wireNamesRoundTrip() {
    for (ResetPeriod p : ResetPeriod.values()) {
      assertThat(ResetPeriod.parse(p.wire())).contains(p);
    }
    assertThat(ResetPeriod.parse("hourly")).isEmpty();
  }
}
