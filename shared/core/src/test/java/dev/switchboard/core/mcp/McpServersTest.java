package dev.switchboard.core.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class McpServersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> VARIABLES = Map.of("FILES_TOKEN", "secret-7f1e");

  private static McpServers parse(String json) {
    return McpServers.parse(JSON, json, name -> Optional.ofNullable(VARIABLES.get(name)));
  }

  @Test
  void readsServersWithTheirCredentialFromAVariable() {
    McpServers servers =
        parse(
            "{\"files\": {\"url\": \"https://files.example.com/mcp\","
                + " \"headers\": {\"Authorization\": \"Bearer ${FILES_TOKEN}\"},"
                + " \"timeout_ms\": 5000, \"session\": \"always\"},"
                + " \"docs\": {\"url\": \"http://127.0.0.1:9000/mcp\", \"transport\":"
                + " \"streamable_http\"}}");

    McpServer files = servers.get("files").orElseThrow();
    assertThat(files.url()).isEqualTo(URI.create("https://files.example.com/mcp"));
    assertThat(files.headers()).containsEntry("Authorization", "Bearer secret-7f1e");
    assertThat(files.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(servers.get("docs").orElseThrow().timeout()).isEqualTo(McpServers.DEFAULT_TIMEOUT);
    assertThat(files.session()).isEqualTo(McpServer.Session.ALWAYS);
    assertThat(servers.get("docs").orElseThrow().session()).isEqualTo(McpServer.Session.AUTO);
    assertThat(servers.get("nowhere")).isEmpty();
    assertThat(files.toString()).doesNotContain("secret-7f1e");
  }

  @Test
  void noConfigurationIsNoServers() {
    assertThat(parse(null).all()).isEmpty();
    assertThat(parse("  ").all()).isEmpty();
  }

  @Test
  void aVariableThatIsNotSetIsNamedAtStart() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"files\": {\"url\": \"https://x.example/mcp\","
                        + " \"headers\": {\"Authorization\": \"Bearer ${MISSING_TOKEN}\"}}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'files'")
        .hasMessageContaining("MISSING_TOKEN");
  }

  @Test
  void everyMistakeIsNamedWithoutAHeaderValue() {
    String[][] cases = {
      {"[]", "JSON object"},
      {"{\"files\": ", "not valid JSON"},
      {"{\"Files\": {\"url\": \"https://x.example\"}}", "server name 'Files'"},
      {"{\"files\": 3}", "must be a JSON object"},
      {"{\"files\": {}}", "needs a url"},
      {"{\"files\": {\"url\": \"ftp://x.example\"}}", "http or https"},
      {"{\"files\": {\"url\": \"https://user:pw@x.example\"}}", "credentials go in headers"},
      {"{\"files\": {\"url\": \"https://x.example\", \"urls\": 1}}", "unknown field 'urls'"},
      {"{\"files\": {\"url\": \"https://x.example\", \"transport\": \"sse\"}}", "streamable_http"},
      {"{\"files\": {\"url\": \"https://x.example\", \"timeout_ms\": 5}}", "timeout_ms"},
      {"{\"files\": {\"url\": \"https://x.example\", \"timeout_ms\": 1.5}}", "timeout_ms"},
      {"{\"files\": {\"url\": \"https://x.example\", \"headers\": []}}", "headers must be"},
      {"{\"files\": {\"url\": \"https://x.example\", \"session\": \"yes\"}}", "session must be"},
      {"{\"files\": {\"url\": \"https://x.example\", \"session\": true}}", "session must be"},
      {
        "{\"files\": {\"url\": \"https://x.example\", \"headers\": {\"Host\": \"h-secret\"}}}",
        "'Host' cannot be set"
      },
      {
        "{\"files\": {\"url\": \"https://x.example\", \"headers\": {\"X-A\": \"a\\nb-secret\"}}}",
        "control character"
      },
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0]))
          .as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1])
          .message()
          .doesNotContain("secret");
    }
  }
}
