package dev.switchboard.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "openai/gpt-4o-mini";
  private static final String SCOPE = "owner:acme";

  private static ObjectNode body(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  private static String key(String json) throws Exception {
    return CacheKey.of(SCOPE, MODEL, body(json));
  }

  private static String canonical(String json) throws Exception {
    return new String(CacheKey.canonical(MODEL, body(json)), StandardCharsets.UTF_8);
  }

  @Test
  void sortsKeysRecursivelyAndDropsWhitespace() throws Exception {
    assertThat(
            canonical(
                "{ \"temperature\": 0.5, \"model\": \"gpt-4o-mini\",\n"
                    + " \"messages\": [ {\"role\": \"user\", \"content\": \"hi\"} ],"
                    + " \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"b\": 1,"
                    + " \"a\": [ {\"z\": true, \"y\": null} ]}} }"))
        .isEqualTo(
            "{\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\""
                + MODEL
                + "\",\"response_format\":{\"json_schema\":{\"a\":[{\"y\":null,\"z\":true}],\"b\":1},"
                + "\"type\":\"json_schema\"},\"temperature\":0.5}");
  }

  @Test
  void jsonKeyOrderAndLayoutDoNotChangeTheKey() throws Exception {
    assertThat(
            key(
                "{\"model\":\"gpt-4o-mini\",\"temperature\":0.2,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .isEqualTo(
            key(
                "{\"messages\" : [ { \"content\" : \"hi\", \"role\" : \"user\" } ],\n"
                    + "  \"temperature\" : 0.2, \"model\" : \"gpt-4o-mini\" }"));
  }

  @Test
  void deliveryCallerAndRoutingFieldsDoNotCount() throws Exception {
    String plain = key("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(
            key(
                "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                    + "\"user\":\"alice\",\"metadata\":{\"trace\":\"1\"},\"models\":[\"a\",\"b\"],"
                    + "\"provider\":{\"order\":[\"openai\"]},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .isEqualTo(plain);
  }

  @Test
  void anythingThatChangesTheAnswerChangesTheKey() throws Exception {
    String plain = key("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(key("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi!\"}]}"))
        .isNotEqualTo(plain);
    assertThat(
            key(
                "{\"model\":\"m\",\"temperature\":1,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .isNotEqualTo(plain);
    assertThat(key("{\"model\":\"m\",\"messages\":[{\"content\":\"hi\",\"role\":\"system\"}]}"))
        .isNotEqualTo(plain);
  }

  @Test
  void theResolvedModelCountsNotTheSpellingTheClientUsed() throws Exception {
    ObjectNode alias = body("{\"model\":\"gpt-4o-mini\",\"messages\":[]}");
    ObjectNode full = body("{\"model\":\"openai/gpt-4o-mini\",\"messages\":[]}");
    assertThat(CacheKey.of(SCOPE, MODEL, alias)).isEqualTo(CacheKey.of(SCOPE, MODEL, full));
    assertThat(CacheKey.of(SCOPE, "openai/gpt-4o", full))
        .isNotEqualTo(CacheKey.of(SCOPE, MODEL, full));
  }

  @Test
  void numbersHaveOneSpelling() throws Exception {
    assertThat(canonical("{\"temperature\":1.0,\"n\":1,\"top_p\":0.50}"))
        .isEqualTo(canonical("{\"temperature\":1,\"n\":1.0,\"top_p\":5e-1}"));
    assertThat(canonical("{\"temperature\":1.0}")).contains("\"temperature\":1}");
  }

  @Test
  void twoTenantsNeverShareAKey() throws Exception {
    ObjectNode request = body("{\"model\":\"m\",\"messages\":[]}");
    ApiKey acme = key("key_aaaa", "acme");
    ApiKey globex = key("key_bbbb", "globex");
    assertThat(CacheKey.of(CacheKey.scopeOf(acme), MODEL, request))
        .isNotEqualTo(CacheKey.of(CacheKey.scopeOf(globex), MODEL, request));
  }

  @Test
  void theScopeIsTheOwnerElseTheKeyAndTheTwoCannotCollide() {
    assertThat(CacheKey.scopeOf(key("key_aaaa", "acme")))
        .isEqualTo(CacheKey.scopeOf(key("key_cccc", "acme")));
    assertThat(CacheKey.scopeOf(key("key_aaaa", null))).isEqualTo("key:key_aaaa");
    // an owner spelled like another key's id is still another tenant
    assertThat(CacheKey.scopeOf(key("key_cccc", "key_aaaa")))
        .isNotEqualTo(CacheKey.scopeOf(key("key_aaaa", null)));
  }

  @Test
  void aScopeCannotBeSpelledToRunIntoTheRequest() throws Exception {
    ObjectNode request = body("{\"model\":\"m\",\"messages\":[]}");
    assertThat(CacheKey.of("owner:a", MODEL, request))
        .isNotEqualTo(CacheKey.of("owner:a\n", MODEL, request))
        .hasSize(64)
        .matches("[0-9a-f]{64}");
  }

  private static ApiKey key(String id, String owner) {
    return new ApiKey("hash-" + id, id, "n", owner, ApiKey.Role.USER, false, Instant.EPOCH, null);
  }

  @Test
  void aBodyOfAnotherApiNeverSharesAnEntryWithTheSameJsonInOpenAis() throws Exception {
    ObjectNode request =
        body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":9}");

    String openAi = CacheKey.of(SCOPE, MODEL, request);
    String messages = CacheKey.of(SCOPE, "anthropic.messages", MODEL, request);

    assertThat(messages).isNotEqualTo(openAi);
    assertThat(CacheKey.of(SCOPE, null, MODEL, request)).isEqualTo(openAi);
    assertThat(CacheKey.of(SCOPE, "anthropic.messages", MODEL, request)).isEqualTo(messages);
  }
}
