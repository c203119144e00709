package dev.switchboard.core.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.budget.Admission;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.guardrails.JsonGuard;
import dev.switchboard.core.guardrails.Rule;
import dev.switchboard.core.guardrails.Triggered;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.core.usage.UsageRecorder;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The MCP door's use case: one JSON-RPC message of MCP's Streamable HTTP transport, served
 * statelessly, so that any instance can serve any request of a client's session. The gateway
 * answers {@code initialize}, {@code ping} and notifications itself, forwards {@code tools/list}
 * (answering only the tools the key may call) and {@code tools/call} (refusing a tool the key may
 * not call with a JSON-RPC error) to the configured upstream server, and answers every other method
 * with {@code -32601}. Each {@code tools/call} goes through the key's guardrails (its arguments as
 * input, its result as output), is admitted against the key's rate limits and recorded as usage
 * ({@code api_type} {@value UsageRecord#MCP}), without its arguments or result.
 */
public final class McpProxy {

  /** The protocol revisions served, newest first: those that define Streamable HTTP. */
  public static final List<String> PROTOCOL_VERSIONS =
      List.of("2025-11-25", "2025-06-18", "2025-03-26");

  /** The most pages of one server's tools the aggregate reads for one {@code tools/list}. */
  static final int MAX_AGGREGATE_PAGES = 20;

  /** The revision a request without {@code MCP-Protocol-Version} is taken to speak. */
  static final String UNNAMED_VERSION = "2025-03-26";

  /**
   * One HTTP request to {@code /mcp/{server}}, authenticated.
   *
   * @param server the server's name, or null for the aggregate endpoint {@code /mcp}, which serves
   *     the tools of every server the key may reach under the names {@code server.tool}
   * @param protocolVersion the {@code MCP-Protocol-Version} header, or null
   * @param startNanos when the request arrived ({@code nanoTime} units)
   * @param notifications receives the upstream's notifications during a {@code tools/call}, to
   *     relay to a client that reads an event stream; they are dropped for one that does not
   * @param readsEvents whether the client reads an event stream: only then may the upstream's
   *     requests to its client (elicitation, sampling) be relayed through {@code notifications}
   */
  public record Call(
      String requestId,
      ApiKey key,
      String server,
      byte[] body,
      String protocolVersion,
      long startNanos,
      Consumer<ObjectNode> notifications,
      boolean readsEvents) {

    /** A call whose client reads the upstream's notifications but not its requests. */
    public Call(
        String requestId,
        ApiKey key,
        String server,
        byte[] body,
        String protocolVersion,
        long startNanos,
        Consumer<ObjectNode> notifications) {
      this(requestId, key, server, body, protocolVersion, startNanos, notifications, false);
    }

    /** A call whose client reads JSON only: the upstream's notifications are dropped. */
    public Call(
        String requestId,
        ApiKey key,
        String server,
        byte[] body,
        String protocolVersion,
        long startNanos) {
      this(requestId, key, server, body, protocolVersion, startNanos, notification -> {}, false);
    }
  }

  private final McpServers servers;
  private final McpUpstream upstream;
  private final Admission admission;
  private final UsageRecorder recorder;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final Supplier<Guardrails> guardrails;

  /** A proxy that applies no guardrails. */
  public McpProxy(
      McpServers servers,
      McpUpstream upstream,
      Admission admission,
      UsageRecorder recorder,
      ObjectMapper mapper,
      Clock clock,
      LongSupplier nanoTime) {
    this(servers, upstream, admission, recorder, mapper, clock, nanoTime, Guardrails.NONE);
  }

  /**
   * @param guardrails the configured policies: a key's defaults and attached ones apply to its tool
   *     calls' arguments (input rules) and results (output rules)
   */
  public McpProxy(
      McpServers servers,
      McpUpstream upstream,
      Admission admission,
      UsageRecorder recorder,
      ObjectMapper mapper,
      Clock clock,
      LongSupplier nanoTime,
      Guardrails guardrails) {
    this(servers, upstream, admission, recorder, mapper, clock, nanoTime, () -> guardrails);
  }

  /** The same, with the policies read from {@code guardrails} for each request. */
  public McpProxy(
      McpServers servers,
      McpUpstream upstream,
      Admission admission,
      UsageRecorder recorder,
      ObjectMapper mapper,
      Clock clock,
      LongSupplier nanoTime,
      Supplier<Guardrails> guardrails) {
    this.guardrails = guardrails;
    this.servers = servers;
    this.upstream = upstream;
    this.admission = admission;
    this.recorder = recorder;
    this.mapper = mapper;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** The configured servers. */
  public McpServers servers() {
    return servers;
  }

  /** Serves {@code call}; a failure of the request or the upstream is in the outcome. */
  public McpOutcome handle(Call call) {
    boolean aggregate = call.server() == null;
    McpServer server = aggregate ? null : servers.get(call.server()).orElse(null);
    if (server == null && !aggregate) {
      return refused(
          404, null, JsonRpc.UNKNOWN_SERVER, "unknown_mcp_server", "No MCP server of that name.");
    }
    String version = call.protocolVersion();
    if (version != null && !PROTOCOL_VERSIONS.contains(version)) {
      return refused(
          400,
          null,
          JsonRpc.INVALID_REQUEST,
          "unsupported_protocol_version",
          "Unsupported MCP-Protocol-Version; this gateway speaks " + PROTOCOL_VERSIONS + ".");
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(call.body());
    } catch (IOException e) {
      return refused(400, null, JsonRpc.PARSE_ERROR, "invalid_json", "Parse error: not JSON.");
    }
    if (tree instanceof ArrayNode) {
      return refused(
          400,
          null,
          JsonRpc.INVALID_REQUEST,
          "batch_not_supported",
          "JSON-RPC batches are not accepted: send one message per request.");
    }
    if (!(tree instanceof ObjectNode message)) {
      return refused(
          400, null, JsonRpc.INVALID_REQUEST, "invalid_request", "Not a JSON-RPC message.");
    }
    JsonNode id = message.get("id");
    JsonNode replyId = JsonRpc.validId(id) ? id : null;
    JsonNode method = message.get("method");
    if (!"2.0".equals(message.path("jsonrpc").asText(null))
        || (method != null && !method.isTextual())) {
      return refused(
          400,
          replyId,
          JsonRpc.INVALID_REQUEST,
          "invalid_request",
          "Not a JSON-RPC 2.0 message: 'jsonrpc' must be \"2.0\" and 'method' a string.");
    }
    if (method == null) {
      if (replyId != null && (message.has("result") || message.has("error"))) {
        // the answer to a request of the upstream's relayed to this client: to the session it
        // came from, if the id is one the gateway issued to this key; else there is nothing to
        // match
        ApiKey key = call.key();
        upstream.answer(
            key.id(),
            message,
            name -> servers.get(name).filter(s -> key.access().allowsServer(s.name())));
        return new McpOutcome(202, null, null, null, null, null);
      }
      return refused(
          400, replyId, JsonRpc.INVALID_REQUEST, "invalid_request", "A request needs a 'method'.");
    }
    if (id == null) {
      // a notification (initialized, cancelled, ...): nothing to answer and nothing kept
      return new McpOutcome(202, null, null, null, null, null);
    }
    if (replyId == null) {
      return refused(
          400,
          null,
          JsonRpc.INVALID_REQUEST,
          "invalid_request",
          "A request's 'id' must be a string or an integer.");
    }
    JsonNode params = message.get("params");
    // a tools/call with bad params is still a call, recorded as one (see toolsCall)
    if (params != null && !params.isObject() && !"tools/call".equals(method.asText())) {
      return answer(
          JsonRpc.error(
              id, JsonRpc.INVALID_PARAMS, "'params' must be an object.", "invalid_params"),
          "invalid_params");
    }
    if (!aggregate && !call.key().access().allowsServer(server.name())) {
      return refused(
          403,
          id,
          JsonRpc.NOT_ALLOWED,
          "mcp_server_not_allowed",
          "This key may not use the MCP server '" + server.name() + "'.");
    }
    String forwardVersion = version == null ? UNNAMED_VERSION : version;
    return switch (method.asText()) {
      case "initialize" ->
          answer(
              JsonRpc.result(
                  id,
                  initialized(aggregate ? "switchboard" : "switchboard/" + server.name(), params)),
              null);
      case "ping" -> answer(JsonRpc.result(id, mapper.createObjectNode()), null);
      case "tools/list" ->
          aggregate
              ? aggregateList(call, message, forwardVersion)
              : toolsList(call, server, message, forwardVersion);
      case "tools/call" ->
          aggregate
              ? aggregateCall(call, message, forwardVersion)
              : toolsCall(call, server, message, forwardVersion);
      default ->
          answer(
              JsonRpc.error(
                  id,
                  JsonRpc.METHOD_NOT_FOUND,
                  "Method not found: this gateway serves an MCP server's tools only.",
                  "method_not_found"),
              "method_not_found");
    };
  }

  private ObjectNode initialized(String serverName, JsonNode params) {
    String asked = params == null ? null : params.path("protocolVersion").asText(null);
    ObjectNode result = mapper.createObjectNode();
    // the client's revision when it is one served here, else the newest (the client then decides)
    result.put(
        "protocolVersion",
        asked != null && PROTOCOL_VERSIONS.contains(asked) ? asked : PROTOCOL_VERSIONS.get(0));
    result.putObject("capabilities").putObject("tools").put("listChanged", false);
    ObjectNode info = result.putObject("serverInfo");
    info.put("name", serverName);
    info.put("version", "1");
    return result;
  }

  private McpOutcome toolsList(Call call, McpServer server, ObjectNode message, String version) {
    JsonNode id = message.get("id");
    McpUpstream.Reply reply;
    try {
      reply = upstream.send(server, message, version, notification -> {});
    } catch (McpUpstreamException e) {
      return answer(upstreamError(id, e), upstreamCode(e));
    }
    ObjectNode answer = reply.message();
    if (answer.get("result") instanceof ObjectNode result
        && result.get("tools") instanceof ArrayNode tools) {
      ArrayNode allowed = mapper.createArrayNode();
      for (JsonNode tool : tools) {
        if (call.key().access().allowsTool(server.name(), tool.path("name").asText(""))) {
          allowed.add(tool);
        }
      }
      result.set("tools", allowed);
      return answer(JsonRpc.result(id, result), null);
    }
    return answer(passedOn(id, answer), null);
  }

  /**
   * The aggregate's {@code tools/list}: every tool the key may call, of every server it may reach,
   * named {@code server.tool} (a server's name has no dot, so the first dot splits it), in one
   * page. The servers are asked at once; one that fails is left out of the answer, and only when
   * every one fails is the answer an error.
   */
  private McpOutcome aggregateList(Call call, ObjectNode message, String version) {
    JsonNode id = message.get("id");
    if (message.path("params").has("cursor")) {
      return answer(
          JsonRpc.error(
              id,
              JsonRpc.INVALID_PARAMS,
              "Invalid cursor: the aggregate lists every tool in one page.",
              "invalid_params"),
          "invalid_params");
    }
    List<McpServer> reachable =
        servers.all().values().stream()
            .filter(server -> call.key().access().allowsServer(server.name()))
            .toList();
    ArrayNode tools = mapper.createArrayNode();
    int failed = 0;
    try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<JsonNode>>> lists = new ArrayList<>();
      for (McpServer server : reachable) {
        lists.add(each.submit(() -> allowedTools(call, server, message, version)));
      }
      for (Future<List<JsonNode>> list : lists) {
        try {
          tools.addAll(list.get());
        } catch (ExecutionException e) {
          failed++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed++;
        }
      }
    }
    if (failed > 0 && failed == reachable.size()) {
      return answer(
          JsonRpc.error(
              id, JsonRpc.UPSTREAM_FAILED, "None of the MCP servers answered.", "upstream_error"),
          "upstream_error");
    }
    ObjectNode result = mapper.createObjectNode();
    result.set("tools", tools);
    return answer(JsonRpc.result(id, result), null);
  }

  /** The tools of {@code server} that the key may call, renamed {@code server.tool}, every page. */
  private List<JsonNode> allowedTools(
      Call call, McpServer server, ObjectNode message, String version) throws McpUpstreamException {
    List<JsonNode> allowed = new ArrayList<>();
    ObjectNode page = message.deepCopy();
    for (int pages = 0; pages < MAX_AGGREGATE_PAGES; pages++) {
      ObjectNode answer = upstream.send(server, page, version, notification -> {}).message();
      if (!(answer.get("result") instanceof ObjectNode result
          && result.get("tools") instanceof ArrayNode tools)) {
        throw new McpUpstreamException(
            McpUpstreamException.Kind.FAILED,
            "The MCP server '" + server.name() + "' did not list its tools.");
      }
      for (JsonNode tool : tools) {
        String name = tool.path("name").asText("");
        if (tool instanceof ObjectNode named
            && call.key().access().allowsTool(server.name(), name)) {
          allowed.add(named.deepCopy().put("name", server.name() + "." + name));
        }
      }
      JsonNode next = result.get("nextCursor");
      if (next == null || !next.isTextual()) {
        break;
      }
      page.withObject("params").put("cursor", next.asText());
    }
    return allowed;
  }

  /** The aggregate's {@code tools/call} of {@code server.tool}: that server's tool call. */
  private McpOutcome aggregateCall(Call call, ObjectNode message, String version) {
    JsonNode id = message.get("id");
    JsonNode name = message.path("params").get("name");
    String full = name != null && name.isTextual() ? name.asText() : null;
    int dot = full == null ? -1 : full.indexOf('.');
    McpServer server = dot > 0 ? servers.get(full.substring(0, dot)).orElse(null) : null;
    if (server == null || !call.key().access().allowsServer(server.name())) {
      String problem =
          full == null
              ? "tools/call needs 'params.name', the tool's name."
              : "Unknown tool '"
                  + shorten(full)
                  + "': the aggregate's tools are named server.tool, as tools/list names them.";
      return new Usage(call, null, full)
          .settled(
              answer(
                  JsonRpc.error(id, JsonRpc.INVALID_PARAMS, problem, "invalid_params"),
                  "invalid_params"),
              message,
              400,
              null);
    }
    ObjectNode forwarded = message.deepCopy();
    forwarded.withObject("params").put("name", full.substring(dot + 1));
    return toolsCall(call, server, forwarded, version);
  }

  private McpOutcome toolsCall(Call call, McpServer server, ObjectNode message, String version) {
    JsonNode id = message.get("id");
    JsonNode name = message.path("params").get("name");
    String tool = name != null && name.isTextual() ? name.asText() : null;
    Usage usage = new Usage(call, server.name(), tool);
    if (tool == null) {
      return usage.settled(
          answer(
              JsonRpc.error(
                  id,
                  JsonRpc.INVALID_PARAMS,
                  "tools/call needs 'params.name', the tool's name.",
                  "invalid_params"),
              "invalid_params"),
          message,
          400,
          null);
    }
    if (!call.key().access().allowsTool(server.name(), tool)) {
      return usage.settled(
          answer(
              JsonRpc.error(
                  id,
                  JsonRpc.NOT_ALLOWED,
                  "This key may not call the tool '" + shorten(tool) + "'.",
                  "tool_not_allowed"),
              "tool_not_allowed"),
          message,
          403,
          null);
    }
    Guardrails.Applied rules =
        guardrails
            .get()
            .applying(call.key().guardrails().attached(), call.key().guardrails().allowed(), null);
    List<Rule> input = rules.input();
    List<Rule> output = rules.output();
    ObjectNode forwarded = message;
    if (!input.isEmpty() && message.path("params").get("arguments") instanceof JsonNode arguments) {
      JsonNode checked;
      try {
        checked = JsonGuard.guard(input, arguments, false, usage.guardrails);
      } catch (GatewayException refused) {
        return usage.settled(guardrailRefusal(id, refused), message, refusalStatus(refused), null);
      }
      if (checked != arguments) {
        forwarded = message.deepCopy();
        forwarded.withObject("params").set("arguments", checked);
      }
    }
    Admission.Ticket ticket;
    try {
      ticket = admission.admitFree(call.key(), call.requestId());
    } catch (GatewayException refused) {
      boolean rate = refused.kind() == ErrorKind.RATE_LIMITED;
      McpOutcome outcome =
          new McpOutcome(
              refused.kind().status(),
              JsonRpc.error(
                  id,
                  rate ? JsonRpc.RATE_LIMITED : JsonRpc.UNAVAILABLE,
                  refused.getMessage(),
                  refused.code()),
              refused.retryAfter().orElse(null),
              refused.code(),
              null,
              null);
      return usage.settled(outcome, forwarded, refused.kind().status(), null);
    }
    Consumer<ObjectNode> notifications =
        output.isEmpty() ? call.notifications() : guarded(output, usage, call.notifications());
    usage.upstreamStart = nanoTime.getAsLong();
    McpUpstream.Reply reply;
    try {
      reply =
          call.readsEvents()
              ? upstream.send(server, forwarded, version, notifications, call.key().id())
              : upstream.send(server, forwarded, version, notifications);
    } catch (McpUpstreamException e) {
      usage.upstreamEnd = nanoTime.getAsLong();
      int status = e.kind() == McpUpstreamException.Kind.TIMEOUT ? 504 : 502;
      return usage.settled(
          answer(upstreamError(id, e), upstreamCode(e)), forwarded, status, ticket);
    }
    usage.upstreamEnd = nanoTime.getAsLong();
    usage.streamed = reply.streamed();
    ObjectNode answer = passedOn(id, reply.message());
    if (!output.isEmpty() && answer.get("result") instanceof ObjectNode result) {
      try {
        answer.set("result", checkedResult(output, result, usage.guardrails));
      } catch (GatewayException refused) {
        return usage.settled(
            guardrailRefusal(id, refused), forwarded, refusalStatus(refused), ticket);
      }
    }
    String failure = null;
    if (answer.has("error")) {
      failure = "tool_call_error";
    } else if (answer.path("result").path("isError").asBoolean(false)) {
      failure = "tool_error";
    }
    McpOutcome outcome = new McpOutcome(200, answer, null, failure, null, null);
    return usage.settled(outcome, forwarded, 200, ticket);
  }

  /**
   * A tool's result after the output rules: each {@code content[]} item's {@code text} (an embedded
   * resource's too) and the {@code structuredContent}, value by value; the rest (images, links,
   * {@code _meta}) passes as it came.
   */
  private static ObjectNode checkedResult(
      List<Rule> output, ObjectNode result, Triggered triggered) {
    ObjectNode checked = result;
    if (result.get("content") instanceof ArrayNode content) {
      for (int i = 0; i < content.size(); i++) {
        if (!(content.get(i) instanceof ObjectNode item)) {
          continue;
        }
        for (ObjectNode holder : textHolders(item)) {
          JsonNode text = holder.get("text");
          if (text != null && text.isTextual()) {
            JsonNode out = JsonGuard.guard(output, text, true, triggered);
            if (out != text) {
              holder.set("text", out);
            }
          }
        }
      }
    }
    JsonNode structured = result.get("structuredContent");
    if (structured != null) {
      JsonNode out = JsonGuard.guard(output, structured, true, triggered);
      if (out != structured) {
        checked.set("structuredContent", out);
      }
    }
    return checked;
  }

  /** The objects of a content item that carry a {@code text}: the item, its embedded resource. */
  private static List<ObjectNode> textHolders(ObjectNode item) {
    return item.get("resource") instanceof ObjectNode resource
        ? List.of(item, resource)
        : List.of(item);
  }

  /**
   * {@code relay} behind the output rules: a notification's {@code params} (a log message's data, a
   * progress message) is checked like a result; one a rule blocks is not relayed.
   */
  private static Consumer<ObjectNode> guarded(
      List<Rule> output, Usage usage, Consumer<ObjectNode> relay) {
    return notification -> {
      JsonNode params = notification.get("params");
      JsonNode checked;
      try {
        checked = JsonGuard.guard(output, params, true, usage.guardrails);
      } catch (GatewayException blocked) {
        return; // the rule is on the record; the result is checked on its own
      }
      if (checked == params) {
        relay.accept(notification);
      } else {
        ObjectNode copy = notification.deepCopy();
        copy.set("params", checked);
        relay.accept(copy);
      }
    };
  }

  /**
   * A guardrail's refusal as a JSON-RPC error: {@value JsonRpc#GUARDRAIL_BLOCKED} naming the rule
   * for a block; {@value JsonRpc#UNAVAILABLE} when a remote check could not run (fail closed).
   */
  private static McpOutcome guardrailRefusal(JsonNode id, GatewayException refused) {
    boolean unavailable = refused.kind() == ErrorKind.UNAVAILABLE;
    ObjectNode error =
        JsonRpc.error(
            id,
            unavailable ? JsonRpc.UNAVAILABLE : JsonRpc.GUARDRAIL_BLOCKED,
            refused.getMessage(),
            refused.code());
    return new McpOutcome(unavailable ? 503 : 200, error, null, refused.code(), null, null);
  }

  private static int refusalStatus(GatewayException refused) {
    return refused.kind().status();
  }

  /** The upstream's response under the client's id: its result, or its error as it gave it. */
  private ObjectNode passedOn(JsonNode id, ObjectNode upstreamAnswer) {
    JsonNode error = upstreamAnswer.get("error");
    if (error instanceof ObjectNode) {
      ObjectNode out = JsonRpc.result(id, null);
      out.remove("result");
      out.set("error", error);
      return out;
    }
    return JsonRpc.result(id, upstreamAnswer.get("result"));
  }

  private static ObjectNode upstreamError(JsonNode id, McpUpstreamException e) {
    return JsonRpc.error(
        id,
        e.kind() == McpUpstreamException.Kind.TIMEOUT
            ? JsonRpc.UPSTREAM_TIMEOUT
            : JsonRpc.UPSTREAM_FAILED,
        e.getMessage(),
        upstreamCode(e));
  }

  private static String upstreamCode(McpUpstreamException e) {
    return e.kind() == McpUpstreamException.Kind.TIMEOUT ? "upstream_timeout" : "upstream_error";
  }

  private static McpOutcome answer(ObjectNode message, String errorCode) {
    return new McpOutcome(200, message, null, errorCode, null, null);
  }

  private static McpOutcome refused(
      int status, JsonNode id, int code, String gatewayCode, String message) {
    return new McpOutcome(
        status, JsonRpc.error(id, code, message, gatewayCode), null, gatewayCode, null, null);
  }

  private static String shorten(String s) {
    return s.length() <= 128 ? s : s.substring(0, 128) + "...";
  }

  /** The usage record of one {@code tools/call} as it is reached, confined to its thread. */
  private final class Usage {
    final Call call;
    final String server;
    final String tool;
    long upstreamStart;
    long upstreamEnd;
    boolean streamed;
    final Triggered guardrails = new Triggered();

    Usage(Call call, String server, String tool) {
      this.call = call;
      this.server = server;
      this.tool = tool;
    }

    /** {@code outcome}, to be settled as a call that ended with {@code status}. */
    McpOutcome settled(
        McpOutcome outcome, ObjectNode request, int status, Admission.Ticket ticket) {
      McpOutcome.Settlement settlement =
          responseBytes -> {
            if (ticket != null) {
              admission.release(ticket);
            }
            recorder.record(record(outcome, status, ticket != null, responseBytes));
          };
      return new McpOutcome(
          outcome.status(),
          outcome.body(),
          outcome.retryAfter(),
          outcome.errorCode(),
          request,
          settlement);
    }

    private UsageRecord record(
        McpOutcome outcome, int status, boolean forwarded, long responseBytes) {
      Instant finishedAt = clock.instant();
      Duration latency = Duration.ofNanos(nanoTime.getAsLong() - call.startNanos());
      Duration generation =
          upstreamStart == 0 ? Duration.ZERO : Duration.ofNanos(upstreamEnd - upstreamStart);
      ApiKey key = call.key();
      return new UsageRecord(
          call.requestId(),
          UsageRecord.generationIdOf(call.requestId()),
          key.id(),
          key.name(),
          key.owner(),
          key.tags(),
          null,
          null,
          null,
          null,
          forwarded ? 1 : 0,
          status,
          outcome.errorCode(),
          streamed,
          false,
          null,
          null,
          false,
          null,
          false,
          finishedAt.minus(latency),
          finishedAt,
          null,
          latency,
          generation,
          null,
          UsageRecord.MCP,
          new UsageRecord.Tool(server, tool, call.body().length, responseBytes),
          guardrails.events());
    }
  }
}
