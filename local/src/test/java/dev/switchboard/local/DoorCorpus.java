package dev.switchboard.local;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A seeded corpus of hostile requests to one door of the chat flow (the Messages door, the
 * Responses door): malformed JSON, a wrong type in each top-level field and inside the door's
 * nested shapes, huge strings, deep nesting, invalid UTF-8 and odd methods. Each category is drawn
 * with equal weight; what the door is (its valid body, fields, nested templates, paths) is a {@link
 * Door}.
 */
final class DoorCorpus {

  /**
   * One door's shapes.
   *
   * @param valid a valid body ending in a user message whose text is {@code "hi"}, for model {@code
   *     openai/gpt-4o-mini}
   * @param fields the top-level fields given odd values
   * @param nested bodies with one {@code %s} where a nested value goes
   * @param inner templates of a nested value, with one {@code %s} for an odd value
   * @param oddValues the odd values
   * @param path the path of the next request for its method, drawn from the corpus's random
   */
  record Door(
      String valid,
      List<String> fields,
      List<String> nested,
      List<String> inner,
      List<String> oddValues,
      BiFunction<String, Random, String> path) {}

  /** One request of the corpus. */
  record Input(String category, String method, String path, byte[] body) {

    String describe() {
      String shown = new String(body, 0, Math.min(body.length, 160), StandardCharsets.UTF_8);
      return category + " " + method + " " + path + " body[" + body.length + "]=" + shown;
    }
  }

  /** What a run found: the failures, and the counts its figure line reports. */
  record Run(
      List<String> failures,
      Map<String, Integer> perCategory,
      Map<Integer, Integer> perStatus,
      Map<String, Long> millis) {

    long fiveHundreds() {
      return perStatus.entrySet().stream()
          .filter(e -> e.getKey() >= 500)
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  private final Door door;
  private final Random random;
  private final List<Supplier<Input>> categories;

  DoorCorpus(Door door, Random random) {
    this.door = door;
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

  /**
   * Sends {@code inputs} requests through {@code check}, which answers null for a right answer and
   * otherwise what was wrong (and counts the status it saw).
   */
  Run run(int inputs, BiFunction<Input, Map<Integer, Integer>, String> check) {
    List<String> failures = new ArrayList<>();
    Map<String, Integer> perCategory = new LinkedHashMap<>();
    Map<Integer, Integer> perStatus = new TreeMap<>();
    Map<String, Long> millis = new TreeMap<>();
    for (int i = 0; i < inputs; i++) {
      Input input = next();
      perCategory.merge(input.category(), 1, Integer::sum);
      long start = System.nanoTime();
      String failure = check.apply(input, perStatus);
      millis.merge(input.category(), (System.nanoTime() - start) / 1_000_000, Long::sum);
      if (failure != null) {
        failures.add("#" + i + " " + failure + " <- " + input.describe());
      }
    }
    return new Run(failures, perCategory, perStatus, millis);
  }

  /** How long one answer may take. */
  static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

  Input next() {
    return categories.get(random.nextInt(categories.size())).get();
  }

  private <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private Input post(String category, String body) {
    return new Input(
        category, "POST", door.path().apply("POST", random), body.getBytes(StandardCharsets.UTF_8));
  }

  private String valid() {
    return door.valid();
  }

  private Input malformedJson() {
    String valid = valid();
    String body =
        switch (random.nextInt(4)) {
          case 0 -> valid.substring(0, random.nextInt(valid.length()));
          case 1 -> valid.replace(":", random.nextBoolean() ? "" : "::");
          case 2 -> valid + pick(List.of("}", ",", "x", "{}", "]"));
          default -> "{'model': 'openai/gpt-4o-mini'}";
        };
    return post("malformed-json", body);
  }

  private Input wrongTopLevelType() {
    String field = pick(door.fields());
    String valid = valid();
    String body =
        "{"
            + valid.substring(1, valid.length() - 1)
            + ",\""
            + field
            + "\":"
            + pick(door.oddValues())
            + "}";
    return post("wrong-type", body);
  }

  private Input wrongNestedType() {
    String inner = pick(door.inner()).formatted(pick(door.oddValues()));
    return post("wrong-nested-type", pick(door.nested()).formatted(inner));
  }

  private Input hugeString() {
    String huge = "a".repeat(pick(List.of(100_000, 500_000, 2_000_000)));
    String body =
        random.nextBoolean()
            ? valid().replace("\"hi\"", "\"" + huge + "\"")
            : valid().replace("openai/gpt-4o-mini", huge);
    return post("huge-string", body);
  }

  private Input deepNesting() {
    int depth = pick(List.of(100, 1_000, 10_000));
    String nested = "[".repeat(depth) + "1" + "]".repeat(depth);
    String valid = valid();
    return post(
        "deep-nesting",
        "{" + valid.substring(1, valid.length() - 1) + ",\"metadata\":" + nested + "}");
  }

  private Input invalidUtf8() {
    String valid = valid();
    byte[] prefix = valid.substring(0, valid.indexOf("hi")).getBytes(StandardCharsets.UTF_8);
    byte[] bad = pick(List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF}));
    byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
    return new Input(
        "invalid-utf8",
        "POST",
        door.path().apply("POST", random),
        HostileRequests.concat(prefix, bad, suffix));
  }

  private Input oddMethod() {
    String method = pick(List.of("GET", "PUT", "PATCH", "DELETE", "FOO"));
    return new Input(
        "odd-method",
        method,
        door.path().apply(method, random),
        valid().getBytes(StandardCharsets.UTF_8));
  }
}
