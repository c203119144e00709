package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared seeded corpus of hostile requests ({@link DoorCorpus}) against the MCP door ({@code
 * POST /mcp/files} and the aggregate {@code /mcp}) of a started dev server in front of the fake MCP
 * server: a wrong type in each JSON-RPC member, in {@code params} of {@code tools/call}, {@code
 * tools/list} and {@code initialize}, besides the corpus's malformed, huge, deep and invalid bodies
 * and odd methods. Every answer must be below 500, and every body a JSON-RPC message: an error
 * object for every refusal.
 */
class McpHostileInputIT {

  private static final long SEED = Long.getLong("switchboard.fuzz.seed", 20261207L);
  private static final int INPUTS = Integer.getInteger("switchboard.fuzz.inputs", 300);

  private static final String TOKEN = "mcp-hostile-upstream-token";

  private static final String HEAD = "{\"jsonrpc\":\"2.0\",\"id\":1,";

  private static final DoorCorpus.Door DOOR =
      new DoorCorpus.Door(
          HEAD
              + "\"method\":\"tools/call\",\"params\":{\"name\":\"read_file\","
              + "\"arguments\":{\"path\":\"hi\"}}}",
          List.of("jsonrpc", "id", "method", "params", "result", "error"),
          List.of(
              HEAD + "\"method\":\"tools/call\",\"params\":%s}",
              HEAD + "\"method\":\"tools/list\",\"params\":%s}",
              HEAD + "\"method\":\"initialize\",\"params\":%s}",
              "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"ping\"}",
              "{\"jsonrpc\":\"2.0\",\"method\":%s}"),
          List.of(
              "%s",
              "{\"name\":%s,\"arguments\":{}}",
              "{\"name\":\"read_file\",\"arguments\":%s}",
              "{\"name\":\"read_file\",\"arguments\":{\"path\":%s}}",
              "{\"name\":\"files.read_file\",\"arguments\":{\"path\":%s}}",
              "{\"name\":\"read_file\",\"_meta\":{\"progressToken\":%s}}",
              "{\"cursor\":%s}",
              "{\"protocolVersion\":%s,\"capabilities\":{}}"),
          HostileRequests.ODD_VALUES,
          (method, random) -> random.nextInt(4) == 0 ? "/mcp" : "/mcp/files");

  private static NodeServer upstream;
  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws Exception {
    upstream = NodeServer.start("local/src/test/mcp/fake-server.mjs", TOKEN);
    dev =
        new DevServerHarness(
            Map.of(
                "MCP_SERVERS",
                "{\"files\": {\"url\": \""
                    + upstream.baseUrl()
                    + "/mcp\", \"headers\": {\"Authorization\": \"Bearer "
                    + TOKEN
                    + "\"}}}"));
  }

  @AfterAll
  static void stop() throws Exception {
    dev.close();
    upstream.close();
  }

  @Test
  void everyHostileInputGetsAnAnswerBelow500AsAJsonRpcMessage() {
    DoorCorpus.Run run =
        new DoorCorpus(DOOR, new Random(SEED)).run(INPUTS, McpHostileInputIT::check);
    System.out.printf(
        "FIGURE mcp-hostile-input: seed=%d inputs=%d failures=%d 5xx=%d categories=%s"
            + " statuses=%s ms=%s%n",
        SEED,
        INPUTS,
        run.failures().size(),
        run.fiveHundreds(),
        run.perCategory(),
        run.perStatus(),
        run.millis());
    assertThat(run.failures()).as("inputs answered wrongly").isEmpty();
    // the corpus reaches the validation it is meant to exercise, and some inputs pass it
    assertThat(run.perStatus()).containsKey(400).containsKey(200);
  }

  private static String check(DoorCorpus.Input input, Map<Integer, Integer> perStatus) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(dev.server.baseUrl() + input.path()))
            .timeout(DoorCorpus.ANSWER_WITHIN)
            .header("Authorization", "Bearer " + dev.key)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .method(input.method(), HttpRequest.BodyPublishers.ofByteArray(input.body()))
            .build();
    HostileRequests.Answer answer =
        HostileRequests.send(dev.http, request, DoorCorpus.ANSWER_WITHIN);
    if (answer.response() == null) {
      return answer.failure();
    }
    HttpResponse<String> response = answer.response();
    int status = response.statusCode();
    perStatus.merge(status, 1, Integer::sum);
    if (status >= 500) {
      return "status " + status + " " + HostileRequests.abbreviate(response.body());
    }
    if (status == 202) {
      return response.body().isEmpty() ? null : "202 with a body";
    }
    try {
      JsonNode body = DevServerHarness.json(response.body());
      boolean message =
          "2.0".equals(body.path("jsonrpc").asText())
              && body.has("id")
              && (body.has("result")
                  || body.path("error").path("code").isInt()
                      && body.path("error").path("message").isTextual());
      if (!message || status >= 400 && !body.has("error")) {
        return "status " + status + " not a JSON-RPC answer: " + abbreviated(response);
      }
    } catch (IOException e) {
      return "status " + status + " not JSON: " + abbreviated(response);
    }
    return null;
  }

  private static String abbreviated(HttpResponse<String> response) {
    return HostileRequests.abbreviate(response.body());
  }
}
