package dev.switchboard.core.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.api.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StickyRoutesTest {

  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

  private static List<Message> conversation(String first, String last) {
    return List.of(
        new Message("user", first, null, null, null, null),
        new Message("assistant", "ok", null, null, null, null),
        new Message("user", last, null, null, null, null));
  }

  @Test
  void keysASessionByHeaderThenUserThenFirstHumanTurnWithinItsTenant() {
    List<Message> m = conversation("Fix my SQL", "thanks");
    assertThat(StickyRoutes.sessionKey("t1", "router/a", "abc", "u1", m))
        .hasValueSatisfying(k -> assertThat(k).endsWith("session:abc"));
    assertThat(StickyRoutes.sessionKey("t1", "router/a", null, "u1", m))
        .hasValueSatisfying(k -> assertThat(k).endsWith("user:u1"));
    assertThat(StickyRoutes.sessionKey("t1", "router/a", null, null, m))
        .isEqualTo(
            StickyRoutes.sessionKey("t1", "router/a", null, null, conversation("Fix my SQL", "x")))
        .isNotEqualTo(StickyRoutes.sessionKey("t2", "router/a", null, null, m));
    assertThat(StickyRoutes.sessionKey("t1", "router/a", null, null, List.of())).isEmpty();
  }

  @Test
  void remembersARouteUntilItHasNotBeenUsedForTheTtl() {
    StickyRoutes sticky = new StickyRoutes(Duration.ofMinutes(30), 100);
    sticky.put("k", "code", T0);
    assertThat(sticky.get("k", T0.plus(Duration.ofMinutes(29)))).contains("code");
    // the read above renewed it
    assertThat(sticky.get("k", T0.plus(Duration.ofMinutes(58)))).contains("code");
    assertThat(sticky.get("k", T0.plus(Duration.ofMinutes(89)))).isEmpty();
  }

  @Test
  void forgetsTheLeastRecentlyUsedSessionBeyondItsCapacity() {
    StickyRoutes sticky = new StickyRoutes(Duration.ofMinutes(30), 2);
    sticky.put("a", "r1", T0);
    sticky.put("b", "r2", T0);
    sticky.get("a", T0);
    sticky.put("c", "r3", T0);
    assertThat(sticky.get("a", T0)).contains("r1");
    assertThat(sticky.get("b", T0)).isEmpty();
    assertThat(sticky.get("c", T0)).contains("r3");
  }
}
