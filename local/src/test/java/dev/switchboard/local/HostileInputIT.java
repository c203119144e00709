package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.WireSchemas;
import dev.switchboard.testkit.WireShape;
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
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated corpus of hostile requests over every route of a started dev server, seeded so that a
 * failure can be replayed: malformed JSON, wrong types per field (the embeddings door's broken
 * {@code input} rules among them), huge strings, deep nesting, invalid UTF-8, NUL bytes, duplicate
 * keys, out-of-range numbers, odd methods and paths, long and many headers. Every one must get an
 * answer below 500, and every refusal must be JSON in the OpenAI error shape; a closed connection
 * or no answer within the timeout is a failure too.
 */
class HostileInputIT {

  /**
   * Fixed, so that a failing input is the same on every run; {@code -Dswitchboard.fuzz.seed} and
   * {@code -Dswitchboard.fuzz.inputs} explore further.
   */
  private static final long SEED = Long.getLong("switchboard.fuzz.seed", 20261207L);

  private static final int INPUTS = Integer.getInteger("switchboard.fuzz.inputs", 1_200);

  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

  private static DevServerHarness dev;
  private static String keyId;

  @BeforeAll
  static void start() throws Exception {
    dev = new DevServerHarness(Map.of());
    HttpResponse<String> created =
        dev.send(dev.post("/admin/keys", "{\"name\":\"fuzz-target\",\"limit\":5}").build());
    assertThat(created.statusCode()).as(created.body()).isLessThan(300);
    keyId = DevServerHarness.json(created.body()).at("/data/id").asText();
    assertThat(keyId).isNotBlank();
  }

  @AfterAll
  static void stop() {
    dev.close();
  }

  /** One generated request. */
  private record Input(String category, String method, String path, byte[] body, Headers headers) {

    String describe() {
      String shown = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
      return category
          + " "
          + method
          + " "
          + abbreviate(path)
          + " body["
          + body.length
          + "]="
          + shown;
    }

    private static String abbreviate(String text) {
      return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
  }

  private record Headers(Map<String, String> extra) {}

  @Test
  void everyHostileInputGetsAnAnswerBelow500InTheOpenAiErrorShape() throws Exception {
    Random random = new Random(SEED);
    Corpus corpus = new Corpus(random);
    List<String> failures = new ArrayList<>();
    Map<String, Integer> perCategory = new LinkedHashMap<>();
    Map<Integer, Integer> perStatus = new java.util.TreeMap<>();
    for (int i = 0; i < INPUTS; i++) {
      Input input = corpus.next();
      perCategory.merge(input.category(), 1, Integer::sum);
      String failure = check(input, perStatus);
      if (failure != null) {
        failures.add("#" + i + " " + failure + " <- " + input.describe());
      }
    }
    System.out.printf(
        "FIGURE hostile-input: seed=%d inputs=%d failures=%d categories=%s statuses=%s%n",
        SEED, INPUTS, failures.size(), perCategory, perStatus);
    assertThat(failures).as("inputs answered wrongly").isEmpty();
  }

  /** Null when the answer is right; else what was wrong with it. */
  private static String check(Input input, Map<Integer, Integer> perStatus) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(dev.server.baseUrl() + input.path()))
            .timeout(ANSWER_WITHIN)
            .method(input.method(), HttpRequest.BodyPublishers.ofByteArray(input.body()));
    request.header("Authorization", "Bearer " + dev.key);
    request.header("Content-Type", "application/json");
    input.headers().extra().forEach(request::header);
    HostileRequests.Answer answer = HostileRequests.send(dev.http, request.build(), ANSWER_WITHIN);
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
      String type = response.headers().firstValue("content-type").orElse("");
      if (!type.startsWith("application/json")) {
        return "status " + status + " with content-type '" + type + "'";
      }
      try {
        JsonNode body = DevServerHarness.json(response.body());
        WireSchemas.assertValid(WireShape.ERROR, body);
      } catch (IOException | AssertionError e) {
        return "status "
            + status
            + " body not in the OpenAI error shape: "
            + HostileRequests.abbreviate(response.body());
      }
    }
    return null;
  }

  /** Generates the inputs; each category is drawn with equal weight. */
  private static final class Corpus {

    private static final String VALID_CHAT =
        "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static final List<String> CHAT_FIELDS =
        List.of(
            "model",
            "messages",
            "stream",
            "max_tokens",
            "max_completion_tokens",
            "temperature",
            "top_p",
            "n",
            "stop",
            "tools",
            "tool_choice",
            "response_format",
            "stream_options",
            "user",
            "metadata",
            "models",
            "provider",
            "timeouts",
            "cache",
            "seed",
            "logit_bias",
            "presence_penalty",
            "frequency_penalty");

    private static final String VALID_EMBEDDINGS =
        "{\"model\":\"openai/text-embedding-3-small\",\"input\":[\"hi\",\"there\"]}";

    private static final List<String> EMBEDDING_FIELDS =
        List.of(
            "model",
            "input",
            "encoding_format",
            "dimensions",
            "user",
            "models",
            "provider",
            "input_type",
            "normalize");

    /** Inputs each of which breaks one of OpenAI's rules for {@code input}. */
    private static final List<String> EMBEDDING_INPUTS =
        List.of(
            "[]",
            "\"\"",
            "[\"a\",\"\"]",
            "[[]]",
            "[1,-1]",
            "[[1],[2.5]]",
            "[[1],\"a\"]",
            "[\"a\",[1]]",
            "[[[1]]]",
            "[" + "\"x\",".repeat(2_048) + "\"x\"]",
            "[" + "1,".repeat(8_192) + "1]",
            "\"" + "secret ".repeat(8_200) + "\"");

    private static final List<String> KEY_FIELDS =
        List.of(
            "name",
            "limit",
            "limit_reset",
            "expires_at",
            "disabled",
            "allowed_models",
            "allowed_providers",
            "rate_limit",
            "clamp_max_tokens",
            "role",
            "owner");

    private static final List<String> ODD_VALUES = HostileRequests.ODD_VALUES;

    private static final List<String> METHODS =
        List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", "PROPFIND");

    private final Random random;
    private final List<Supplier<Input>> categories;

    Corpus(Random random) {
      this.random = random;
      this.categories =
          List.of(
              this::malformedJson,
              this::wrongTypeInChat,
              this::wrongTypeInKey,
              this::wrongTypeInEmbeddings,
              this::hugeString,
              this::deepNesting,
              this::invalidUtf8,
              this::nulBytes,
              this::duplicateKeys,
              this::outOfRangeQuery,
              this::oddMethodAndPath,
              this::manyHeaders);
    }

    Input next() {
      return categories.get(random.nextInt(categories.size())).get();
    }

    private <T> T pick(List<T> values) {
      return values.get(random.nextInt(values.size()));
    }

    private String bodyRoute() {
      return pick(
          List.of(
              "POST /v1/chat/completions",
              "POST /admin/keys",
              "PATCH /admin/keys/" + keyId,
              "POST /v1/chat/completions",
              "POST /v1/embeddings"));
    }

    private Input json(String category, String route, String body) {
      String[] parts = route.split(" ", 2);
      return new Input(category, parts[0], parts[1], body.getBytes(StandardCharsets.UTF_8), none());
    }

    private static Headers none() {
      return new Headers(Map.of());
    }

    private Input malformedJson() {
      String valid = VALID_CHAT;
      String body =
          switch (random.nextInt(5)) {
            case 0 -> valid.substring(0, random.nextInt(valid.length()));
            case 1 -> valid.replace(":", random.nextBoolean() ? "" : "::");
            case 2 -> valid + pick(List.of("}", ",", "x", "{}", "]"));
            case 3 -> "{'model': 'openai/gpt-4o-mini'}";
            default -> randomAscii(1 + random.nextInt(200));
          };
      return json("malformed-json", bodyRoute(), body);
    }

    private Input wrongTypeInChat() {
      String field = pick(CHAT_FIELDS);
      String value = pick(ODD_VALUES);
      if (field.equals("provider") || field.equals("timeouts")) {
        // the nested preferences a client chooses, each field given an odd value
        String inner =
            pick(
                List.of(
                    "{\"max_price\":{\"prompt\":%s}}",
                    "{\"max_price\":{\"completion\":%s}}",
                    "{\"only\":[%s]}",
                    "{\"order\":%s}",
                    "{\"sort\":%s}",
                    "{\"first_byte_ms\":%s}",
                    "{\"total_ms\":%s}"));
        value = inner.formatted(value);
      }
      String body;
      if (field.equals("messages") && random.nextBoolean()) {
        // wrong types one level down, inside a message
        String inner = pick(List.of("role", "content", "name", "tool_calls", "tool_call_id"));
        body =
            "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\",\""
                + inner
                + "\":"
                + value
                + "}]}";
      } else {
        body =
            "{"
                + VALID_CHAT.substring(1, VALID_CHAT.length() - 1)
                + ",\""
                + field
                + "\":"
                + value
                + "}";
      }
      return json("wrong-type", "POST /v1/chat/completions", body);
    }

    private Input wrongTypeInEmbeddings() {
      String field = pick(EMBEDDING_FIELDS);
      String value =
          field.equals("input") && random.nextBoolean() ? pick(EMBEDDING_INPUTS) : pick(ODD_VALUES);
      String body =
          "{"
              + VALID_EMBEDDINGS.substring(1, VALID_EMBEDDINGS.length() - 1)
              + ",\""
              + field
              + "\":"
              + value
              + "}";
      return json("wrong-type-embeddings", "POST /v1/embeddings", body);
    }

    private Input wrongTypeInKey() {
      String field = pick(KEY_FIELDS);
      String value = pick(ODD_VALUES);
      String route = random.nextBoolean() ? "POST /admin/keys" : "PATCH /admin/keys/" + keyId;
      return json("wrong-type", route, "{\"name\":\"fuzz\",\"" + field + "\":" + value + "}");
    }

    private Input hugeString() {
      int size = pick(List.of(100_000, 1_000_000, 2_000_000));
      String huge = "a".repeat(size);
      String body =
          switch (random.nextInt(3)) {
            case 0 -> VALID_CHAT.replace("\"hi\"", "\"" + huge + "\"");
            case 1 -> VALID_CHAT.replace("openai/gpt-4o-mini", huge);
            default -> "{\"name\":\"" + huge + "\"}";
          };
      return json("huge-string", bodyRoute(), body);
    }

    private Input deepNesting() {
      int depth = pick(List.of(1_000, 10_000, 100_000));
      String open = random.nextBoolean() ? "[" : "{\"a\":";
      String close = open.equals("[") ? "]" : "}";
      String nested = open.repeat(depth) + "1" + close.repeat(depth);
      String body =
          random.nextBoolean()
              ? nested
              : "{"
                  + VALID_CHAT.substring(1, VALID_CHAT.length() - 1)
                  + ",\"metadata\":"
                  + nested
                  + "}";
      return json("deep-nesting", bodyRoute(), body);
    }

    private Input invalidUtf8() {
      byte[] prefix =
          "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
              .getBytes(StandardCharsets.UTF_8);
      byte[] bad =
          pick(
              List.of(
                  new byte[] {(byte) 0xC3, 0x28},
                  new byte[] {(byte) 0xFF},
                  new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                  new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}));
      byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
      byte[] body = HostileRequests.concat(prefix, bad, suffix);
      String[] route = bodyRoute().split(" ", 2);
      return new Input("invalid-utf8", route[0], route[1], body, none());
    }

    private Input nulBytes() {
      String body =
          switch (random.nextInt(3)) {
            case 0 -> VALID_CHAT.replace("\"hi\"", "\"h\u0000i\"");
            case 1 -> VALID_CHAT.replace("\"hi\"", "\"h\\u0000i\"");
            default -> VALID_CHAT.replace("openai/gpt-4o-mini", "openai/gpt\\u0000-4o-mini");
          };
      return json("nul-bytes", bodyRoute(), body);
    }

    private Input duplicateKeys() {
      String field = pick(List.of("model", "messages", "max_tokens", "stream", "name", "limit"));
      String body =
          "{"
              + VALID_CHAT.substring(1, VALID_CHAT.length() - 1)
              + ",\""
              + field
              + "\":"
              + pick(ODD_VALUES)
              + ",\"name\":\"a\",\"name\":\"b\"}";
      return json("duplicate-keys", bodyRoute(), body);
    }

    private Input outOfRangeQuery() {
      String value =
          pick(
              List.of(
                  "+1000000000-12-31T23:59:59Z",
                  "-999999999-01-01T00:00:00Z",
                  "2026-13-45",
                  "9999999999999999999",
                  "1e400",
                  "NaN",
                  "%00",
                  "%C3%28",
                  ""));
      String path =
          switch (random.nextInt(5)) {
            case 0 -> "/v1/usage?from=" + encode(value);
            case 1 -> "/v1/usage?to=" + encode(value) + "&group_by=" + encode(pick(ODD_VALUES));
            case 2 -> "/v1/generation?id=" + encode(value);
            case 3 -> "/admin/keys?limit=" + encode(value) + "&cursor=" + encode(value);
            default -> "/v1/usage?limit=" + encode(value) + "&cursor=" + encode(value);
          };
      return new Input("out-of-range", "GET", path, new byte[0], none());
    }

    private Input oddMethodAndPath() {
      String path =
          pick(
              List.of(
                  "/v1/chat/completions",
                  "/v1/embeddings",
                  "/v1/models",
                  "/v1/models/" + "x".repeat(5_000),
                  "/v1/models/openai%2F..%2F..%2Fadmin",
                  "/v1/key",
                  "/v1/usage",
                  "/v1/generation",
                  "/admin/keys",
                  "/admin/keys/" + keyId,
                  "/admin/keys/" + keyId + "/nothing",
                  "/admin/keys/..%2F..%2Fv1%2Fkey",
                  "/dashboard/../admin/keys",
                  "//v1//chat//completions",
                  "/v1/chat/completions/",
                  "/v1/%2e%2e/admin/keys",
                  "/nothing",
                  "/" + "a/".repeat(2_000),
                  "/v1/chat/completions?stream=true&" + "x=1&".repeat(1_000)));
      String method = pick(METHODS);
      byte[] body =
          random.nextBoolean() ? VALID_CHAT.getBytes(StandardCharsets.UTF_8) : new byte[0];
      return new Input("odd-method-or-path", method, path, body, none());
    }

    private Input manyHeaders() {
      Map<String, String> headers = new LinkedHashMap<>();
      int count = pick(List.of(10, 100, 400));
      int size = pick(List.of(10, 1_000, 8_000));
      for (int i = 0; i < count && (long) count * size < 60_000; i++) {
        headers.put("X-Fuzz-" + i, "v".repeat(size));
      }
      if (random.nextBoolean()) {
        headers.put("X-Switchboard-Tags", "t".repeat(10_000));
      }
      if (random.nextBoolean()) {
        headers.put("Anthropic-Version", pick(List.of("", "x".repeat(2_000), "2023-06-01")));
      }
      String[] route = bodyRoute().split(" ", 2);
      return new Input(
          "headers",
          route[0],
          route[1],
          VALID_CHAT.getBytes(StandardCharsets.UTF_8),
          new Headers(headers));
    }

    private String randomAscii(int length) {
      StringBuilder text = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        text.append((char) (32 + random.nextInt(95)));
      }
      return text.toString();
    }

    private static String encode(String value) {
      // already percent-encoded values are sent as they are: they are the input
      if (value.contains("%")) {
        return value;
      }
      return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
  }
}
