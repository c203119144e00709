package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared seeded corpus of hostile requests ({@link DoorCorpus}) against the OpenAI Responses
 * door ({@code POST /v1/responses}, and {@code GET}/{@code DELETE /v1/responses/{id}} for odd
 * methods) of a started dev server: a wrong type in each top-level field, inside input items and
 * their content parts, tools, tool choice, text format and reasoning, besides the corpus's
 * malformed, huge, deep and invalid bodies. Every answer must be below 500, and every refusal JSON
 * in the OpenAI error shape; no answer within the timeout is a failure.
 */
class ResponsesHostileInputIT {

  private static final long SEED = Long.getLong("switchboard.fuzz.seed", 20261216L);
  private static final int INPUTS = Integer.getInteger("switchboard.fuzz.inputs", 400);

  private static final String HEAD = "{\"model\":\"openai/gpt-4o-mini\",\"max_output_tokens\":16,";

  private static final DoorCorpus.Door DOOR =
      new DoorCorpus.Door(
          HEAD + "\"input\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
          List.of(
              "model",
              "input",
              "instructions",
              "max_output_tokens",
              "stream",
              "store",
              "previous_response_id",
              "temperature",
              "top_p",
              "tools",
              "tool_choice",
              "text",
              "reasoning",
              "metadata",
              "parallel_tool_calls",
              "include",
              "truncation",
              "user",
              "background"),
          // where an input item, a content part, a tool, a tool choice or a format goes
          List.of(
              HEAD + "\"input\":[%s]}",
              HEAD + "\"input\":[{\"role\":\"user\",\"content\":[%s]}]}",
              HEAD + "\"input\":[{\"role\":\"assistant\",\"content\":[%s]}]}",
              HEAD + "\"input\":\"hi\",\"tools\":[%s]}",
              HEAD + "\"input\":\"hi\",\"tool_choice\":%s}",
              HEAD + "\"input\":\"hi\",\"text\":{\"format\":%s}}",
              HEAD + "\"input\":\"hi\",\"reasoning\":%s}"),
          List.of(
              "{\"type\":\"message\",\"role\":%s,\"content\":\"x\"}",
              "{\"role\":\"user\",\"content\":%s}",
              "{\"type\":%s,\"role\":\"user\",\"content\":\"x\"}",
              "{\"type\":\"function_call\",\"call_id\":%s,\"name\":\"f\",\"arguments\":\"{}\"}",
              "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":%s,\"arguments\":\"{}\"}",
              "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":%s}",
              "{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":%s}",
              "{\"type\":\"input_text\",\"text\":%s}",
              "{\"type\":\"input_image\",\"image_url\":%s}",
              "{\"type\":\"input_image\",\"image_url\":\"https://x/i.png\",\"detail\":%s}",
              "{\"type\":\"output_text\",\"text\":%s}",
              "{\"type\":\"function\",\"name\":%s,\"parameters\":{}}",
              "{\"type\":\"function\",\"name\":\"f\",\"parameters\":%s}",
              "{\"type\":\"function\",\"name\":\"f\",\"strict\":%s}",
              "{\"type\":\"json_schema\",\"name\":\"n\",\"schema\":%s}",
              "{\"type\":%s,\"name\":\"f\"}",
              "{\"effort\":%s}",
              "%s"),
          // the general odd values, and the item and tool types this door refuses
          Stream.concat(
                  HostileRequests.ODD_VALUES.stream(),
                  Stream.of("\"item_reference\"", "\"web_search\"", "\"input_file\"", "\"tool\""))
              .toList(),
          // bodies go to POST /v1/responses; odd methods to it or to a response's own route
          (method, random) ->
              !method.equals("POST") && random.nextBoolean()
                  ? "/v1/responses/resp_" + Long.toHexString(random.nextLong())
                  : "/v1/responses");

  private static DevServerHarness dev;

  @BeforeAll
  static void start() throws IOException {
    dev = new DevServerHarness(Map.of());
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  @Test
  void everyHostileInputGetsAnAnswerBelow500InTheOpenAiErrorShape() {
    DoorCorpus.Run run =
        new DoorCorpus(DOOR, new Random(SEED)).run(INPUTS, ResponsesHostileInputIT::check);
    System.out.printf(
        "FIGURE responses-hostile-input: seed=%d inputs=%d failures=%d 5xx=%d categories=%s"
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
    if (status >= 400) {
      try {
        JsonNode body = DevServerHarness.json(response.body());
        WireSchemas.assertValid(WireShape.ERROR, body);
      } catch (IOException | AssertionError e) {
        return "status "
            + status
            + " not in the OpenAI error shape: "
            + HostileRequests.abbreviate(response.body());
      }
    }
    return null;
  }
}
