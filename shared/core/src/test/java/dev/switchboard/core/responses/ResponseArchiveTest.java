package dev.switchboard.core.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResponseArchiveTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final InMemoryResponseStore store = new InMemoryResponseStore();
  private final ResponseArchive archive =
      new ResponseArchive(store, JSON, clock, Duration.ofDays(30));

  private static ApiKey key(String id, String owner) {
    return new ApiKey("h-" + id, id, "n", owner, ApiKey.Role.USER, false, Instant.EPOCH, null);
  }

  private static ObjectNode response(String id) throws Exception {
    return (ObjectNode)
        JSON.readTree(
            "{\"id\":\""
                + id
                + "\",\"object\":\"response\",\"output\":[{\"type\":\"message\",\"role\":"
                + "\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"A\"}]}]}");
  }

  private static ArrayNode conversation() throws Exception {
    return (ArrayNode)
        JSON.readTree(
            "[{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\","
                + "\"text\":\"Q\"}]}]");
  }

  @Test
  void theKeysOfOneOwnerShareTheirResponsesAndNoOtherKeySeesThem() throws Exception {
    archive.save(key("k1", "acme"), response("resp_1"), conversation());

    assertThat(archive.find(key("k2", "acme"), "resp_1")).isPresent();
    assertThat(archive.find(key("k3", "other"), "resp_1")).isEmpty();
    assertThat(archive.find(key("acme", null), "resp_1"))
        .as("a key named like the owner")
        .isEmpty();
    assertThat(archive.delete(key("k3", "other"), "resp_1")).isFalse();
    assertThat(archive.delete(key("k2", "acme"), "resp_1")).isTrue();
    assertThat(archive.find(key("k1", "acme"), "resp_1")).isEmpty();
  }

  @Test
  void aKeyWithoutAnOwnerIsItsOwnTenant() throws Exception {
    archive.save(key("k1", null), response("resp_1"), conversation());

    assertThat(archive.find(key("k1", null), "resp_1")).isPresent();
    assertThat(archive.find(key("k2", null), "resp_1")).isEmpty();
  }

  @Test
  void continuesWithTheConversationThenTheOutput() throws Exception {
    archive.save(key("k1", null), response("resp_1"), conversation());

    ArrayNode items = archive.historyFor(key("k1", null)).conversationOf("resp_1");

    assertThat(items).hasSize(2);
    assertThat(items.get(0).path("role").asText()).isEqualTo("user");
    assertThat(items.get(1).path("role").asText()).isEqualTo("assistant");
  }

  @Test
  void aResponsePastItsRetentionIsNotFoundEvenBeforeTheStoreDeletesIt() throws Exception {
    archive.save(key("k1", null), response("resp_1"), conversation());
    clock.advance(Duration.ofDays(30));

    assertThat(store.size()).isEqualTo(1);
    assertThat(archive.find(key("k1", null), "resp_1")).isEmpty();
    assertThatThrownBy(() -> archive.historyFor(key("k1", null)).conversationOf("resp_1"))
        .isInstanceOf(GatewayException.class)
        .satisfies(
            e -> {
              GatewayException error = (GatewayException) e;
              assertThat(error.kind().status()).isEqualTo(404);
              assertThat(error.param()).hasValue("previous_response_id");
            });
  }

  @Test
  void anUnreachableStoreIsA503ForReadsAndDeletes() {
    ResponseArchive down =
        new ResponseArchive(
            new ResponseStore() {
              @Override
              public void put(StoredResponse response) {
                throw new StoreUnavailableException("down", null);
              }

              @Override
              public Optional<StoredResponse> find(String tenant, String id) {
                throw new StoreUnavailableException("down", null);
              }

              @Override
              public boolean delete(String tenant, String id) {
                throw new StoreUnavailableException("down", null);
              }
            },
            JSON,
            clock,
            Duration.ofDays(1));

    assertThatThrownBy(() -> down.find(key("k", null), "resp_1"))
        .isInstanceOf(GatewayException.class)
        .satisfies(e -> assertThat(((GatewayException) e).kind().status()).isEqualTo(503));
    assertThatThrownBy(() -> down.delete(key("k", null), "resp_1"))
        .isInstanceOf(GatewayException.class)
        .satisfies(e -> assertThat(((GatewayException) e).kind().status()).isEqualTo(503));
  }
}
