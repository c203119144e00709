package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded corpus of hostile requests to the Anthropic Messages door ({@code /v1/messages} and
 * {@code /v1/messages/count_tokens}) of a started dev server: malformed JSON, a wrong type in each
 * top-level field and inside messages, content blocks, tools and tool choice, huge strings, deep
 * nesting, invalid UTF-8 and odd methods. Every answer must be below 500, and every refusal JSON in
 * Anthropic's error shape with one of its error types; no answer within the timeout is a failure.
 */
class MessagesHostileInputIT {

  private static final long SEED = Long.getLong("switchboard.fuzz.seed", 20261215L);
  private static final int INPUTS = Integer.getInteger("switchboard.fuzz.inputs", 400);
  private static final Duration ANSWER_WITHIN = DoorCorpus.ANSWER_WITHIN;

  /** The error types the Anthropic SDKs know (and the two HTTP-level ones it names too). */
  private static final Set<String> ANTHROPIC_TYPES =
      Set.of(
          "invalid_request_error",
          "authentication_error",
          "billing_error",
          "permission_error",
          "not_found_error",
          "request_too_large",
          "rate_limit_error",
          "api_error",
          "timeout_error",
          "overloaded_error");

  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws IOException {
    dev = new DevServerHarness(Map.of());
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  /** The Messages door's shapes for the shared corpus. */
  private static final DoorCorpus.Door DOOR =
      new DoorCorpus.Door(
          "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
              + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          List.of(
              "model",
              "messages",
              "max_tokens",
              "system",
              "stream",
              "temperature",
              "top_p",
              "top_k",
              "stop_sequences",
              "tools",
              "tool_choice",
              "metadata",
              "thinking"),
          // where a content block, a tool or a tool choice goes
          List.of(
              "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                  + "\"content\":[%s]}]}",
              "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                  + "\"content\":\"q\"},{\"role\":\"assistant\",\"content\":[%s]}]}",
              "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                  + "\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[%s]}]}]}",
              "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"tools\":[%s],"
                  + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
              "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"tool_choice\":%s,"
                  + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
              "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"system\":[%s],"
                  + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
          List.of(
              "{\"type\":\"text\",\"text\":%s}",
              "{\"type\":%s,\"text\":\"x\"}",
              "{\"type\":\"image\",\"source\":%s}",
              "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":%s,\"data\":\"AA\"}}",
              "{\"type\":\"tool_use\",\"id\":%s,\"name\":\"f\",\"input\":{}}",
              "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":%s,\"input\":{}}",
              "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":%s}",
              "{\"type\":\"tool_result\",\"tool_use_id\":%s}",
              "{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"is_error\":%s}",
              "{\"name\":%s,\"input_schema\":{}}",
              "{\"name\":\"f\",\"input_schema\":%s}",
              "{\"type\":%s,\"name\":\"f\"}",
              "{\"type\":\"tool\",\"name\":%s}",
              "{\"type\":\"any\",\"disable_parallel_tool_use\":%s}",
              "%s"),
          // the general odd values, and block and tool types only Claude serves
          Stream.concat(
                  HostileRequests.ODD_VALUES.stream(),
                  Stream.of("\"document\"", "\"web_search_20250305\""))
              .toList(),
          (method, random) ->
              random.nextInt(4) == 0 ? "/v1/messages/count_tokens" : "/v1/messages");

  @Test
  void everyHostileInputGetsAnAnswerBelow500InAnthropicsErrorShape() {
    DoorCorpus.Run run =
        new DoorCorpus(DOOR, new Random(SEED)).run(INPUTS, MessagesHostileInputIT::check);
    System.out.printf(
        "FIGURE messages-hostile-input: seed=%d inputs=%d failures=%d 5xx=%d categories=%s"
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
            .timeout(ANSWER_WITHIN)
            .header("x-api-key", dev.key)
            .header("anthropic-version", "2023-06-01")
            .header("content-type", "application/json")
            .method(input.method(), HttpRequest.BodyPublishers.ofByteArray(input.body()))
            .build();
    HostileRequests.Answer answer = HostileRequests.send(dev.http, request, ANSWER_WITHIN);
    if (answer.response() == null) {
      return answer.failure();
    }
    HttpResponse<String> response = answer.response();
    int status = response.statusCode();
    perStatus.merge(status, 1, Integer::sum);
    if (status >= 500) {
      return "status " + status + " " + HostileRequests.abbreviate(response.body());
    }
    if (status >= 400) {
      try {
        JsonNode body = DevServerHarness.json(response.body());
        boolean shaped =
            body.path("type").asText().equals("error")
                && ANTHROPIC_TYPES.contains(body.at("/error/type").asText())
                && body.at("/error/message").isTextual();
        if (!shaped) {
          return "status "
              + status
              + " not in Anthropic's error shape: "
              + HostileRequests.abbreviate(response.body());
        }
      } catch (IOException e) {
        return "status "
            + status
            + " body is not JSON: "
            + HostileRequests.abbreviate(response.body());
      }
    }
    return null;
  }
}
