package dev.switchboard.lambda.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HttpRequestTest {

  private static HttpRequest withId(String requestId) {
    return new HttpRequest("GET", "/v1/models", Map.of(), Map.of(), null, requestId);
  }

  @Test
  void keepsThePlatformsRequestId() {
    assertThat(withId("abc-123").requestId()).isEqualTo("abc-123");
  }

  @Test
  void aRequestWithoutAnIdGetsAFreshUuid() {
    String none = withId(null).requestId();
    String blank = withId("  ").requestId();
    assertThat(UUID.fromString(none).toString()).isEqualTo(none);
    assertThat(UUID.fromString(blank).toString()).isEqualTo(blank);
    assertThat(none).isNotEqualTo(blank);
  }

  @Test
  void headerNamesMatchWhateverTheirCase() {
    HttpRequest request =
        new HttpRequest("GET", "/", Map.of("Authorization", "Bearer x"), null, null, "id");
    assertThat(request.header("authorization")).contains("Bearer x");
  }
}
