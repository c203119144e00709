package dev.switchboard.reporting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReportRequestTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final ApiKey ADMIN =
      new ApiKey("hash", "key_1", "ops", null, ApiKey.Role.ADMIN, false, NOW, null);

  private static ReportRequest parse(Map<String, String> query) {
    Map<String, List<String>> q = new java.util.HashMap<>();
    query.forEach((k, v) -> q.put(k, List.of(v)));
    return ReportRequest.parse(
        new HttpRequest("GET", "/v1/usage", Map.of(), q, null, "r"), ADMIN, NOW, 366);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "to, +1000000000-12-31T23:59:59Z",
    "to, -999999999-01-01T00:00:00Z",
    "from, -1000000000-01-01T00:00:00Z",
    "from, +999999999-12-31",
    "to, +999999999-12-31",
    "to, -999999999-01-01",
    "to, 99999-01-01T00:00:00Z",
  })
  void anInstantOutsideTheYearsAReportCanCoverIsA400NamingIt(String param, String value) {
    assertThatThrownBy(() -> parse(Map.of(param, value)))
        .isInstanceOfSatisfying(
            GatewayException.class,
            e -> {
              assertThat(e.kind().status()).isEqualTo(400);
              assertThat(e.param()).hasValue(param);
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"2026-02-01, 2026-02-01T00:00:00Z", "2026-02-01T10:00:00Z, 2026-02-01T10:00:00Z"})
  void readsADateOrAnInstant(String from, Instant expected) {
    assertThat(parse(Map.of("from", from)).from()).isEqualTo(expected);
  }
}
