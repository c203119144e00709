package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.auth.InMemoryKeyStore;
import dev.switchboard.core.auth.KeyLimits;
import dev.switchboard.core.cache.CacheStore;
import dev.switchboard.core.cache.CachedResponse;
import dev.switchboard.core.usage.InMemoryUsageStore;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.RecordingSink;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The OpenAI Responses door, through the whole handler onto the offline echo model. */
class ResponsesRouteTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "PROMPT-CANARY-16 say something";

  private final InMemoryKeyStore keys = new InMemoryKeyStore();
  private final InMemoryUsageStore usage = new InMemoryUsageStore();
  private final String secret = TestGateway.userKey(keys, KeyLimits.NONE);
  private final TestGateway test = new TestGateway(Map.of(), keys, usage);
  private final GatewayHandler handler = new GatewayHandler(test.gateway);
  private int requests;

  /** A key of another owner: another tenant. */
  private String otherTenantsKey() {
    String other = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(other);
    keys.put(
        new ApiKey(
            hash,
            ApiKeys.idOf(hash),
            "other",
            "another-owner",
            ApiKey.Role.USER,
            false,
            Instant.EPOCH,
            null));
    return other;
  }

  private RecordingSink call(String method, String path, String key, String body) {
    RecordingSink sink = new RecordingSink();
    handler.handle(
        new HttpRequest(
            method,
            path,
            Map.of("Authorization", "Bearer " + key),
            Map.of(),
            body.getBytes(StandardCharsets.UTF_8),
            "req-r" + ++requests),
        sink);
    assertThat(sink.ended || sink.abortedWith != null).as("response completed").isTrue();
    return sink;
  }

  private RecordingSink create(String body) {
    return call("POST", "/v1/responses", secret, body);
  }

  private static String request(boolean stream, String extra) {
    return "{\"model\":\"echo\",\"stream\":"
        + stream
        + ",\"instructions\":\"Be brief.\",\"input\":\""
        + PROMPT
        + "\""
        + extra
        + "}";
  }

  private static JsonNode json(RecordingSink sink) throws Exception {
    return JSON.readTree(sink.body());
  }

  /** The stream's events as (name, data) pairs, checking each write is one whole event. */
  private static List<Map.Entry<String, JsonNode>> events(RecordingSink sink) throws Exception {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    for (byte[] write : sink.writes) {
      String event = new String(write, StandardCharsets.UTF_8);
      if (event.startsWith(":")) {
        continue; // a keep-alive comment
      }
      assertThat(event).startsWith("event: ").endsWith("\n\n");
      String[] lines = event.strip().split("\n");
      assertThat(lines).hasSize(2);
      assertThat(lines[1]).startsWith("data: ");
      JsonNode data = JSON.readTree(lines[1].substring(6));
      assertThat(data.path("type").asText()).isEqualTo(lines[0].substring(7));
      WireSchemas.assertValid(WireShape.RESPONSE_STREAM_EVENT, data);
      out.add(Map.entry(lines[0].substring(7), data));
    }
    return out;
  }

  @Test
  void answersAResponseObjectWithOutputTextUsageAndCost() throws Exception {
    RecordingSink sink = create(request(false, ",\"metadata\":{\"team\":\"a\"}"));

    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers).containsEntry("x-switchboard-model", "switchboard/echo");
    JsonNode body = json(sink);
    WireSchemas.assertValid(WireShape.RESPONSE, body);
    assertThat(body.path("id").asText()).isEqualTo("resp_reqr1");
    assertThat(body.path("status").asText()).isEqualTo("completed");
    assertThat(body.path("instructions").asText()).isEqualTo("Be brief.");
    assertThat(body.path("metadata").path("team").asText()).isEqualTo("a");
    assertThat(body.path("store").asBoolean()).isTrue();
    assertThat(body.at("/output/0/type").asText()).isEqualTo("message");
    assertThat(body.at("/output/0/content/0/type").asText()).isEqualTo("output_text");
    assertThat(body.at("/output/0/content/0/text").asText()).contains("PROMPT-CANARY-16");
    assertThat(body.at("/usage/input_tokens").asLong()).isPositive();
    assertThat(body.at("/usage/output_tokens").asLong()).isPositive();
    assertThat(body.at("/usage/total_tokens").asLong())
        .isEqualTo(
            body.at("/usage/input_tokens").asLong() + body.at("/usage/output_tokens").asLong());
    UsageRecord record = usage.records.get("req-r1");
    assertThat(record.model()).isEqualTo("switchboard/echo");
    assertThat(record.apiType()).isEqualTo(UsageRecord.RESPONSES);
    assertThat(body.at("/usage/cost").decimalValue())
        .isEqualByComparingTo(record.cost().total())
        .isPositive();
  }

  @Test
  void streamsTheResponseEventsInOrderNumberedFromZero() throws Exception {
    RecordingSink sink = create(request(true, ""));

    assertThat(sink.status).isEqualTo(200);
    assertThat(sink.headers.get("content-type")).startsWith("text/event-stream");
    List<Map.Entry<String, JsonNode>> events = events(sink);
    List<String> names = events.stream().map(Map.Entry::getKey).toList();
    assertThat(names.subList(0, 4))
        .containsExactly(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added");
    assertThat(names.subList(names.size() - 4, names.size()))
        .containsExactly(
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed");
    assertThat(names.subList(4, names.size() - 4)).containsOnly("response.output_text.delta");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.get(i).getValue().path("sequence_number").asInt()).isEqualTo(i);
    }
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e.getKey().equals("response.output_text.delta"))
        .forEach(e -> text.append(e.getValue().path("delta").asText()));
    JsonNode completed = events.getLast().getValue().path("response");
    assertThat(completed.at("/output/0/content/0/text").asText())
        .isEqualTo(text.toString())
        .contains("PROMPT-CANARY-16");
    assertThat(completed.at("/usage/cost").decimalValue())
        .isEqualByComparingTo(usage.records.get("req-r1").cost().total());
    // the stored object is the one the stream completed with
    JsonNode stored = json(call("GET", "/v1/responses/resp_reqr1", secret, ""));
    assertThat(stored).isEqualTo(completed);
  }

  @Test
  void aStreamedAndAnUnstreamedResponseAreRecordedWithTheSameUsageAndCost() {
    create(request(false, ""));
    create(request(true, ""));

    UsageRecord plain = usage.records.get("req-r1");
    UsageRecord streamed = usage.records.get("req-r2");
    assertThat(streamed.streamed()).isTrue();
    assertThat(plain.streamed()).isFalse();
    assertThat(streamed.usage()).isEqualTo(plain.usage());
    assertThat(streamed.cost().total()).isEqualByComparingTo(plain.cost().total());
  }

  @Test
  void continuesAStoredResponseWithTheWholeConversation() throws Exception {
    JsonNode first = json(create(request(false, "")));
    String next =
        "{\"model\":\"echo\",\"previous_response_id\":\""
            + first.path("id").asText()
            + "\",\"input\":[{\"role\":\"user\",\"content\":\"and now?\"}]}";

    JsonNode second = json(create(next));

    assertThat(second.path("previous_response_id").asText()).isEqualTo("resp_reqr1");
    assertThat(second.at("/output/0/content/0/text").asText()).contains("and now?");
    // the first turn's prompt and answer went up again with the new one; its instructions did not
    UsageRecord alone = usage.records.get("req-r1");
    UsageRecord continued = usage.records.get("req-r2");
    assertThat(continued.usage().promptTokens())
        .isGreaterThan(alone.usage().promptTokens() + alone.usage().completionTokens() - 8);
  }

  @Test
  void getReturnsTheStoredResponseAndDeleteRemovesIt() throws Exception {
    JsonNode created = json(create(request(false, "")));

    RecordingSink read = call("GET", "/v1/responses/resp_reqr1", secret, "");
    assertThat(read.status).isEqualTo(200);
    assertThat(json(read)).isEqualTo(created);

    RecordingSink deleted = call("DELETE", "/v1/responses/resp_reqr1", secret, "");
    assertThat(deleted.status).isEqualTo(200);
    WireSchemas.assertValid(WireShape.RESPONSE_DELETED, json(deleted));
    assertThat(json(deleted).toString())
        .isEqualTo("{\"id\":\"resp_reqr1\",\"object\":\"response\",\"deleted\":true}");

    RecordingSink gone = call("GET", "/v1/responses/resp_reqr1", secret, "");
    assertThat(gone.status).isEqualTo(404);
    WireSchemas.assertValid(WireShape.ERROR, json(gone));
    assertThat(call("DELETE", "/v1/responses/resp_reqr1", secret, "").status).isEqualTo(404);
  }

  @Test
  void anotherTenantCannotReadContinueOrDeleteAResponse() throws Exception {
    create(request(false, ""));
    String other = otherTenantsKey();

    RecordingSink read = call("GET", "/v1/responses/resp_reqr1", other, "");
    assertThat(read.status).isEqualTo(404);
    assertThat(json(read).at("/error/code").asText()).isEqualTo("response_not_found");
    assertThat(read.body()).doesNotContain("PROMPT-CANARY-16");

    RecordingSink continued =
        call(
            "POST",
            "/v1/responses",
            other,
            "{\"model\":\"echo\",\"previous_response_id\":\"resp_reqr1\",\"input\":\"hi\"}");
    assertThat(continued.status).isEqualTo(404);
    assertThat(json(continued).at("/error/param").asText()).isEqualTo("previous_response_id");

    assertThat(call("DELETE", "/v1/responses/resp_reqr1", other, "").status).isEqualTo(404);
    assertThat(call("GET", "/v1/responses/resp_reqr1", secret, "").status).isEqualTo(200);
  }

  @Test
  void storeFalseKeepsNothing() throws Exception {
    JsonNode body = json(create(request(false, ",\"store\":false")));

    assertThat(body.path("store").asBoolean()).isFalse();
    assertThat(test.storedResponses.size()).isZero();
    assertThat(call("GET", "/v1/responses/" + body.path("id").asText(), secret, "").status)
        .isEqualTo(404);
  }

  @Test
  void refusesWhatTheDoorCannotTranslateWithA400NamingTheField() throws Exception {
    Map<String, String> refused =
        Map.of(
            "{\"model\":\"echo\"}",
            "input",
            "{\"model\":\"echo\",\"input\":7}",
            "input",
            "{\"model\":\"echo\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}",
            "tools[0].type",
            "{\"model\":\"echo\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}",
            "input[0].type",
            "{\"model\":\"echo\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\"}]}]}",
            "input[0].content[0].type",
            "{\"model\":\"echo\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\"}}}",
            "text.format.name",
            "{\"model\":\"echo\",\"input\":\"x\",\"reasoning\":{\"effort\":\"max\"}}",
            "reasoning.effort",
            "{\"model\":\"echo\",\"input\":\"x\",\"max_output_tokens\":0}",
            "max_output_tokens",
            "{\"model\":\"echo\",\"input\":\"x\",\"background\":true}",
            "background");
    for (Map.Entry<String, String> input : refused.entrySet()) {
      RecordingSink sink = create(input.getKey());
      assertThat(sink.status).as(input.getKey()).isEqualTo(400);
      JsonNode error = json(sink);
      WireSchemas.assertValid(WireShape.ERROR, error);
      assertThat(error.at("/error/param").asText()).as(input.getKey()).isEqualTo(input.getValue());
    }
  }

  @Test
  void answersAnUnknownIdA404AndAWrongMethodA405() throws Exception {
    assertThat(call("GET", "/v1/responses/resp_nothing", secret, "").status).isEqualTo(404);
    assertThat(call("GET", "/v1/responses/not-an-id", secret, "").status).isEqualTo(404);
    assertThat(call("PUT", "/v1/responses/resp_x", secret, "").status).isEqualTo(405);
    assertThat(call("GET", "/v1/responses", secret, "").status).isEqualTo(405);
  }

  @Test
  void billsAClientThatLeftMidStreamForWhatWasGeneratedAndStoresNothing() {
    RecordingSink leaves = new RecordingSink();
    // response.created, response.in_progress, the item and its part, then gone on the first delta
    leaves.goneOnWrite = 5;
    handler.handle(
        new HttpRequest(
            "POST",
            "/v1/responses",
            Map.of("Authorization", "Bearer " + secret),
            Map.of(),
            request(true, "").getBytes(StandardCharsets.UTF_8),
            "req-gone"),
        leaves);

    UsageRecord record = usage.records.get("req-gone");
    assertThat(record).as("record present").isNotNull();
    assertThat(record.cancelled()).isTrue();
    assertThat(record.usage().completionTokens()).isPositive();
    assertThat(test.storedResponses.size()).isZero();
  }

  @Test
  void aRepeatedRequestIsACacheHitAnsweredAsANewStoredResponseAtNoCost() throws Exception {
    Map<String, CachedResponse> items = new ConcurrentHashMap<>();
    CacheStore cache =
        new CacheStore() {
          @Override
          public Optional<CachedResponse> find(String key) {
            return Optional.ofNullable(items.get(key));
          }

          @Override
          public void put(CachedResponse entry) {
            items.put(entry.key(), entry);
          }
        };
    TestGateway cached = new TestGateway(Map.of("CACHE_TABLE", "cache"), keys, cache, usage);
    GatewayHandler withCache = new GatewayHandler(cached.gateway);
    List<JsonNode> answers = new ArrayList<>();
    for (String id : List.of("req-c1", "req-c2")) {
      RecordingSink sink = new RecordingSink();
      withCache.handle(
          new HttpRequest(
              "POST",
              "/v1/responses",
              Map.of("Authorization", "Bearer " + secret, "x-switchboard-cache", "60"),
              Map.of(),
              request(false, "").getBytes(StandardCharsets.UTF_8),
              id),
          sink);
      assertThat(sink.headers)
          .containsEntry("x-switchboard-cache", id.equals("req-c1") ? "MISS" : "HIT");
      answers.add(json(sink));
    }

    JsonNode hit = answers.get(1);
    WireSchemas.assertValid(WireShape.RESPONSE, hit);
    assertThat(hit.path("id").asText()).isEqualTo("resp_reqc2");
    assertThat(hit.path("output").get(0).path("content"))
        .isEqualTo(answers.get(0).path("output").get(0).path("content"));
    assertThat(usage.records.get("req-c2").cacheHit()).isTrue();
    assertThat(hit.at("/usage/cost").decimalValue()).isZero();
    assertThat(cached.storedResponses.size()).isEqualTo(2);
  }
}
