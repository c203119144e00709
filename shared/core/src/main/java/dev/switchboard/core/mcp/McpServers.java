package dev.switchboard.core.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MCP servers the gateway fronts, read once from the operator's JSON ({@code MCP_SERVERS}):
 *
 * <pre>{@code
 * {"files": {"url": "https://files.example.com/mcp",
 *            "headers": {"Authorization": "Bearer ${FILES_MCP_TOKEN}"},
 *            "timeout_ms": 30000, "session": "auto"}}
 * }</pre>
 *
 * A {@code ${NAME}} in a header value is the variable {@code NAME} (from the environment, or the
 * provider secret merged under it), so a credential is never written in the configuration itself.
 * Every mistake is reported at start, naming the server and the field, never a header's value.
 */
public final class McpServers {

  /** No MCP servers: every {@code /mcp/...} request is a 404. */
  public static final McpServers NONE = new McpServers(Map.of());

  /** How long one call may take when the server's entry does not say. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]{0,127})}");
  private static final Set<String> FIELDS =
      Set.of("url", "transport", "headers", "timeout_ms", "session");

  /** Headers the gateway sets itself on every upstream call. */
  private static final Set<String> OWN_HEADERS =
      Set.of(
          "accept",
          "content-type",
          "content-length",
          "host",
          "connection",
          "mcp-protocol-version",
          "mcp-session-id");

  private final Map<String, McpServer> servers;

  private McpServers(Map<String, McpServer> servers) {
    this.servers = Map.copyOf(servers);
  }

  /** The server clients call {@code name}. */
  public Optional<McpServer> get(String name) {
    return Optional.ofNullable(servers.get(name));
  }

  /** Every configured server by name. */
  public Map<String, McpServer> all() {
    return servers;
  }

  /**
   * Reads the configuration.
   *
   * @param json the operator's JSON, or null or blank for none
   * @param variables resolves a {@code ${NAME}} placeholder; empty when the variable is not set
   * @throws IllegalArgumentException naming what is wrong
   */
  public static McpServers parse(
      ObjectMapper mapper, String json, Function<String, Optional<String>> variables) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
    }
    if (!(tree instanceof ObjectNode entries)) {
      throw new IllegalArgumentException("must be a JSON object of servers by name");
    }
    Map<String, McpServer> servers = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String name = entry.getKey();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "server name '"
                + shorten(name)
                + "' must be lower-case letters, digits, '-' or '_' (at most 64)");
      }
      servers.put(name, server(name, entry.getValue(), variables));
    }
    return new McpServers(servers);
  }

  /** {@link #parse} with placeholders read from {@code env}. */
  public static McpServers parse(ObjectMapper mapper, String json, Env env) {
    return parse(mapper, json, env::optional);
  }

  private static McpServer server(
      String name, JsonNode node, Function<String, Optional<String>> variables) {
    if (!(node instanceof ObjectNode fields)) {
      throw new IllegalArgumentException("server '" + name + "' must be a JSON object");
    }
    for (Iterator<String> it = fields.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "server '" + name + "' has an unknown field '" + shorten(field) + "'");
      }
    }
    JsonNode transport = fields.get("transport");
    if (transport != null && !"streamable_http".equals(transport.asText(null))) {
      throw new IllegalArgumentException(
          "server '" + name + "': transport must be 'streamable_http' (the only one supported)");
    }
    URI url = url(name, fields.get("url"));
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode given = fields.get("headers");
    if (given != null) {
      if (!(given instanceof ObjectNode headerFields)) {
        throw new IllegalArgumentException("server '" + name + "': headers must be an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = headerFields.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> header = it.next();
        String headerName = header.getKey();
        if (!HEADER.matcher(headerName).matches()
            || OWN_HEADERS.contains(headerName.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException(
              "server '" + name + "': header '" + shorten(headerName) + "' cannot be set");
        }
        if (!header.getValue().isTextual()) {
          throw new IllegalArgumentException(
              "server '" + name + "': header '" + headerName + "' must be a string");
        }
        headers.put(headerName, resolve(name, headerName, header.getValue().asText(), variables));
      }
    }
    Duration timeout = DEFAULT_TIMEOUT;
    JsonNode ms = fields.get("timeout_ms");
    if (ms != null) {
      if (!ms.canConvertToLong()
          || !ms.isIntegralNumber()
          || ms.longValue() < 100
          || ms.longValue() > 900_000) {
        throw new IllegalArgumentException(
            "server '" + name + "': timeout_ms must be a whole number from 100 to 900000");
      }
      timeout = Duration.ofMillis(ms.longValue());
    }
    McpServer.Session session = McpServer.Session.AUTO;
    JsonNode mode = fields.get("session");
    if (mode != null) {
      session =
          switch (mode.isTextual() ? mode.asText() : "") {
            case "auto" -> McpServer.Session.AUTO;
            case "always" -> McpServer.Session.ALWAYS;
            case "never" -> McpServer.Session.NEVER;
            default ->
                throw new IllegalArgumentException(
                    "server '" + name + "': session must be 'auto', 'always' or 'never'");
          };
    }
    return new McpServer(name, url, headers, timeout, session);
  }

  private static URI url(String name, JsonNode node) {
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException("server '" + name + "' needs a url");
    }
    try {
      URI url = new URI(node.asText());
      if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme()))
          || url.getHost() == null
          || url.getUserInfo() != null) {
        throw new URISyntaxException(node.asText(), "not an http(s) URL without credentials");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "server '" + name + "': url must be an http or https URL (credentials go in headers)");
    }
  }

  private static String resolve(
      String server, String header, String value, Function<String, Optional<String>> variables) {
    Matcher m = PLACEHOLDER.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String variable = m.group(1);
      String resolved =
          variables
              .apply(variable)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "server '"
                              + server
                              + "': header '"
                              + header
                              + "' names "
                              + variable
                              + ", which is not set"));
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    String resolved = out.toString();
    if (resolved.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "server '" + server + "': header '" + header + "' has a control character");
    }
    return resolved;
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
