package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiErrorMapperTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  private static ProviderException map(int status, String body, Map<String, List<String>> h) {
    return OpenAiErrorMapper.map(
        MAPPER,
        status,
        HttpHeaders.of(h, (a, b) -> true),
        body.getBytes(StandardCharsets.UTF_8),
        NOW);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          400 | {"error":{"message":"This model's maximum context length is 8192 tokens","code":"context_length_exceeded"}} | ContextLengthExceeded
          400 | {"error":{"message":"Your request was rejected","code":"content_policy_violation"}}          | ContentFiltered
          400 | {"error":{"message":"Invalid value for 'temperature'","type":"invalid_request_error"}}     | BadRequest
          401 | {"error":{"message":"Incorrect API key provided"}}                                           | AuthenticationFailed
          403 | {"error":{"message":"Not allowed"}}                                                          | PermissionDenied
          404 | {"error":{"message":"The model does not exist"}}                                             | ModelNotFound
          408 | {}                                                                                           | Timeout
          409 | {}                                                                                           | ServerError
          422 | {"error":{"message":"unprocessable"}}                                                        | BadRequest
          429 | {"error":{"message":"Rate limit reached"}}                                                   | RateLimited
          500 | not json at all                                                                              | ServerError
          502 | {}                                                                                           | ServerError
          503 | {"error":{"message":"overloaded"}}                                                           | Overloaded
          529 | {}                                                                                           | Overloaded
          """)
  void mapsStatusAndCodeToOneFamilyMember(int status, String body, String expected) {
    assertThat(map(status, body, Map.of()).getClass().getSimpleName()).isEqualTo(expected);
  }

  @Test
  void readsRetryAfterInSecondsOrMilliseconds() {
    var seconds =
        (ProviderException.RateLimited) map(429, "{}", Map.of("retry-after", List.of("7")));
    var millis =
        (ProviderException.RateLimited) map(429, "{}", Map.of("retry-after-ms", List.of("1500")));
    assertThat(seconds.retryAfter()).hasValue(Duration.ofSeconds(7));
    assertThat(millis.retryAfter()).hasValue(Duration.ofMillis(1500));
  }

  @Test
  void neverRepeatsACredentialFromTheUpstreamMessage() {
    ProviderException e =
        map(
            401,
            "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-abcdefghijklmnop\"}}",
            Map.of());
    assertThat(e.getMessage()).doesNotContain("sk-proj-abcdefghijklmnop").contains("[redacted]");
  }
}
