package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class McpRelayIdsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "relay-secret-of-at-least-32-characters";
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private static McpRelayIds ids(String secret, Instant now) {
    return new McpRelayIds(secret, JSON, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aSealedIdOpensToWhatItStandsForAndShowsNoneOfIt() {
    String id =
        ids(SECRET, NOW)
            .seal(
                "key_1",
                "files",
                "session-9f3c",
                "2025-11-25",
                IntNode.valueOf(4),
                Duration.ofSeconds(30));

    McpRelayIds.Relayed relayed = ids(SECRET, NOW.plusSeconds(29)).open(id).orElseThrow();

    assertThat(id)
        .startsWith(McpRelayIds.PREFIX)
        .doesNotContain("session-9f3c")
        .doesNotContain("key_1");
    assertThat(relayed.keyId()).isEqualTo("key_1");
    assertThat(relayed.server()).isEqualTo("files");
    assertThat(relayed.sessionId()).isEqualTo("session-9f3c");
    assertThat(relayed.version()).isEqualTo("2025-11-25");
    assertThat(relayed.id()).isEqualTo(IntNode.valueOf(4));
  }

  @Test
  void anExpiredTamperedForeignOrMalformedIdOpensToNothing() {
    McpRelayIds ids = ids(SECRET, NOW);
    String id =
        ids.seal(
            "key_1", "files", "s", "2025-11-25", TextNode.valueOf("a"), Duration.ofSeconds(30));
    int at = McpRelayIds.PREFIX.length() + 20;
    String tampered =
        id.substring(0, at) + (id.charAt(at) == 'A' ? 'B' : 'A') + id.substring(at + 1);

    assertThat(ids(SECRET, NOW.plusSeconds(31)).open(id)).isEmpty();
    assertThat(ids.open(tampered)).isEmpty();
    assertThat(ids("another-relay-secret-of-32-characters!", NOW).open(id)).isEmpty();
    assertThat(ids.open(McpRelayIds.PREFIX + "not base64 %%")).isEmpty();
    assertThat(ids.open(McpRelayIds.PREFIX)).isEmpty();
    assertThat(ids.open("7")).isEmpty();
    assertThat(ids.open(null)).isEmpty();
  }

  @Test
  void aShortSecretIsRefusedAtStart() {
    assertThatThrownBy(() -> ids("short", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32")
        .message()
        .doesNotContain("short");
  }
}
