package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
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
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

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

  private record Input(String category, String method, String path, byte[] body) {

    String describe() {
      String shown = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
      return category + " " + method + " " + path + " body[" + body.length + "]=" + shown;
    }
  }

  @Test
  void everyHostileInputGetsAnAnswerBelow500InAnthropicsErrorShape() {
    Corpus corpus = new Corpus(new Random(SEED));
    List<String> failures = new ArrayList<>();
    Map<String, Integer> perCategory = new LinkedHashMap<>();
    Map<Integer, Integer> perStatus = new TreeMap<>();
    Map<String, Long> millis = new TreeMap<>();
    for (int i = 0; i < INPUTS; i++) {
      Input input = corpus.next();
      perCategory.merge(input.category(), 1, Integer::sum);
      long start = System.nanoTime();
      String failure = check(input, perStatus);
      millis.merge(input.category(), (System.nanoTime() - start) / 1_000_000, Long::sum);
      if (failure != null) {
        failures.add("#" + i + " " + failure + " <- " + input.describe());
      }
    }
    long fiveHundreds =
        perStatus.entrySet().stream()
            .filter(e -> e.getKey() >= 500)
            .mapToLong(Map.Entry::getValue)
            .sum();
    System.out.printf(
        "FIGURE messages-hostile-input: seed=%d inputs=%d failures=%d 5xx=%d categories=%s"
            + " statuses=%s ms=%s%n",
        SEED, INPUTS, failures.size(), fiveHundreds, perCategory, perStatus, millis);
    assertThat(failures).as("inputs answered wrongly").isEmpty();
    // the corpus reaches the validation it is meant to exercise, and some inputs pass it
    assertThat(perStatus).containsKey(400).containsKey(200);
  }

  private static String check(Input input, Map<Integer, Integer> perStatus) {
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

  /** Generates the inputs; each category is drawn with equal weight. */
  private static final class Corpus {

    private static final String VALID =
        "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static final List<String> FIELDS =
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
            "thinking");

    /** Fragments placed where a content block, a tool or a tool choice goes. */
    private static final List<String> NESTED =
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
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    private static final List<String> BLOCKS =
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
            "%s");

    /** The general odd values, and block and tool types only Anthropic serves. */
    private static final List<String> ODD_VALUES =
        Stream.concat(
                HostileRequests.ODD_VALUES.stream(),
                Stream.of("\"document\"", "\"web_search_20250305\""))
            .toList();

    private final Random random;
    private final List<Supplier<Input>> categories;

    Corpus(Random random) {
      this.random = random;
      this.categories =
          List.of(
              this::malformedJson,
              this::wrongTopLevelType,
              this::wrongNestedType,
              this::hugeString,
              this::deepNesting,
              this::invalidUtf8,
              this::oddMethod);
    }

    Input next() {
      return categories.get(random.nextInt(categories.size())).get();
    }

    private <T> T pick(List<T> values) {
      return values.get(random.nextInt(values.size()));
    }

    private String path() {
      return random.nextInt(4) == 0 ? "/v1/messages/count_tokens" : "/v1/messages";
    }

    private Input post(String category, String body) {
      return new Input(category, "POST", path(), body.getBytes(StandardCharsets.UTF_8));
    }

    private Input malformedJson() {
      String body =
          switch (random.nextInt(4)) {
            case 0 -> VALID.substring(0, random.nextInt(VALID.length()));
            case 1 -> VALID.replace(":", random.nextBoolean() ? "" : "::");
            case 2 -> VALID + pick(List.of("}", ",", "x", "{}", "]"));
            default -> "{'model': 'openai/gpt-4o-mini'}";
          };
      return post("malformed-json", body);
    }

    private Input wrongTopLevelType() {
      String field = pick(FIELDS);
      String body =
          "{"
              + VALID.substring(1, VALID.length() - 1)
              + ",\""
              + field
              + "\":"
              + pick(ODD_VALUES)
              + "}";
      return post("wrong-type", body);
    }

    private Input wrongNestedType() {
      String block = pick(BLOCKS).formatted(pick(ODD_VALUES));
      return post("wrong-nested-type", pick(NESTED).formatted(block));
    }

    private Input hugeString() {
      String huge = "a".repeat(pick(List.of(100_000, 500_000, 2_000_000)));
      String body =
          random.nextBoolean()
              ? VALID.replace("\"hi\"", "\"" + huge + "\"")
              : VALID.replace("openai/gpt-4o-mini", huge);
      return post("huge-string", body);
    }

    private Input deepNesting() {
      int depth = pick(List.of(100, 1_000, 10_000));
      String nested = "[".repeat(depth) + "1" + "]".repeat(depth);
      return post(
          "deep-nesting",
          "{" + VALID.substring(1, VALID.length() - 1) + ",\"metadata\":" + nested + "}");
    }

    private Input invalidUtf8() {
      byte[] prefix = VALID.substring(0, VALID.indexOf("hi")).getBytes(StandardCharsets.UTF_8);
      byte[] bad = pick(List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}));
      byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
      return new Input("invalid-utf8", "POST", path(), HostileRequests.concat(prefix, bad, suffix));
    }

    private Input oddMethod() {
      String method = pick(List.of("GET", "PUT", "PATCH", "DELETE", "FOO"));
      return new Input("odd-method", method, path(), VALID.getBytes(StandardCharsets.UTF_8));
    }
  }
}
