package dev.switchboard.core.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The cache key of a request: the SHA-256 of the tenant scope and the canonical request. Two
 * requests share a key exactly when they come from the same tenant, resolve to the same model and
 * ask the same thing, however their JSON is laid out.
 *
 * <p>The canonical request is the body with its object keys sorted (recursively), no whitespace,
 * numbers in one spelling ({@code 1}, {@code 1.0} and {@code 1e0} are the same), {@code model}
 * replaced by the resolved model id, and without the fields that do not change the answer: {@link
 * #IGNORED}.
 */
public final class CacheKey {

  /**
   * Top-level fields left out of the key: how the answer is delivered ({@code stream}, {@code
   * stream_options}), who asks ({@code user}, {@code metadata}), and the gateway's own routing
   * fields, which choose among providers rather than change the question.
   */
  public static final Set<String> IGNORED =
      Set.of(
          "stream",
          "stream_options",
          "user",
          "metadata",
          "models",
          "provider",
          "route",
          "transforms",
          "usage");

  /** Changes whenever the canonical form or the stored shape changes, so old entries miss. */
  private static final String VERSION = "switchboard-cache-v1";

  private static final JsonFactory JSON = new JsonFactory();

  private CacheKey() {}

  /**
   * The tenant a key's cache entries belong to: its owner when it has one (the keys of one owner
   * share answers), otherwise the key itself. The prefixes keep an owner named like a key id apart
   * from that key.
   */
  public static String scopeOf(ApiKey key) {
    String owner = key.owner();
    return owner == null || owner.isBlank() ? "key:" + key.id() : "owner:" + owner;
  }

  /** The hex SHA-256 naming the cache entry of {@code body} for {@code scope}. */
  public static String of(String scope, String modelId, ObjectNode body) {
    return of(scope, null, modelId, body);
  }

  /**
   * The hex SHA-256 naming the cache entry of {@code body}, written in another API than OpenAI's
   * chat ({@code api}, e.g. {@code anthropic.messages}; null for OpenAI's), for {@code scope}: the
   * API is hashed apart, so that no body of one API shares an entry with the same JSON in another.
   */
  public static String of(String scope, String api, String modelId, ObjectNode body) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every JDK has SHA-256", impossible);
    }
    sha256.update(VERSION.getBytes(StandardCharsets.UTF_8));
    byte[] scopeBytes = scope.getBytes(StandardCharsets.UTF_8);
    // length-prefixed, so no scope can be spelled to run into the request that follows
    sha256.update(("\n" + scopeBytes.length + ":").getBytes(StandardCharsets.UTF_8));
    sha256.update(scopeBytes);
    if (api != null) {
      // a canonical body starts with '{', so this cannot be spelled by an OpenAI request either
      byte[] apiBytes = api.getBytes(StandardCharsets.UTF_8);
      sha256.update(("\napi " + apiBytes.length + ":").getBytes(StandardCharsets.UTF_8));
      sha256.update(apiBytes);
    }
    sha256.update(canonical(modelId, body));
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** The canonical request as UTF-8 JSON. */
  public static byte[] canonical(String modelId, ObjectNode body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      List<String> names = new ArrayList<>();
      body.fieldNames().forEachRemaining(names::add);
      if (!names.contains("model")) {
        names.add("model");
      }
      names.sort(null);
      for (String name : names) {
        if (IGNORED.contains(name)) {
          continue;
        }
        json.writeFieldName(name);
        if (name.equals("model")) {
          json.writeString(modelId);
        } else {
          write(json, body.get(name));
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator json, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        json.writeStartObject();
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        for (String name : names) {
          json.writeFieldName(name);
          write(json, node.get(name));
        }
        json.writeEndObject();
      }
      case ARRAY -> {
        json.writeStartArray();
        for (JsonNode element : node) {
          write(json, element);
        }
        json.writeEndArray();
      }
      case NUMBER -> json.writeNumber(canonicalNumber(node));
      case STRING -> json.writeString(node.textValue());
      case BOOLEAN -> json.writeBoolean(node.booleanValue());
      case NULL, MISSING -> json.writeNull();
      default -> json.writeString(node.asText());
    }
  }

  /** One spelling per value: plain digits when the value is whole, else the shortest decimal. */
  private static String canonicalNumber(JsonNode number) {
    if (number.isIntegralNumber()) {
      return number.bigIntegerValue().toString();
    }
    if (number.isDouble() || number.isFloat()) {
      double d = number.doubleValue();
      if (!Double.isFinite(d)) {
        return number.asText();
      }
      BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
      return exact.scale() <= 0 && exact.precision() - exact.scale() <= 30
          ? exact.toBigInteger().toString()
          : exact.toString();
    }
    BigDecimal exact = number.decimalValue().stripTrailingZeros();
    return exact.scale() <= 0 && exact.precision() - exact.scale() <= 30
        ? exact.toBigInteger().toString()
        : exact.toString();
  }
}
