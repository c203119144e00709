package dev.switchboard.core.usage;

import dev.switchboard.core.chat.Cost;
import dev.switchboard.core.chat.Usage;
import dev.switchboard.core.guardrails.GuardrailEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one request through the gateway did and cost: the unit of billing and of usage reports.
 * Written once per request, after the response is complete, and identified by its request id so
 * that writing it again changes nothing. It never holds the prompt or the completion.
 *
 * @param generationId the response {@code id} a client asks {@code /v1/generation} about
 * @param keyName the key's display name at the time of the request
 * @param tags the key's tags at the time of the request
 * @param user the request's {@code user} field, or null
 * @param modelRequested the model as the client named it (an id or an alias), or null when the body
 *     could not be read
 * @param model the catalogue id of the model that served the request, or null when none did
 * @param provider the provider that served it, or null
 * @param attempts how many upstream calls the request took (0 when it never reached a provider)
 * @param status the status the request ended with; for a stream that failed after it started, the
 *     status of that failure (the client had already received 200 and an in-band error event)
 * @param errorType the gateway error code when the request failed, else null
 * @param cancelled true when the client went away before the response was complete
 * @param finishReason the first choice's {@code finish_reason}, or null
 * @param usageEstimated true when the tokens are the gateway's estimate (no upstream usage arrived)
 * @param cost what the request cost; null when the model that served it has no price (an unpriced
 *     or unlisted model, served only to keys without a budget)
 * @param cacheHit true when the gateway's response cache served the request
 * @param timeToFirstToken from receiving the request to relaying the first content, streams only;
 *     null otherwise
 * @param latency from receiving the request to the end of the response
 * @param generationTime from the start of the upstream call to its last byte
 * @param sessionId the client's session, as a coding agent names it ({@code
 *     X-Claude-Code-Session-Id}), or null
 * @param apiType the door the request came in by: {@value #CHAT}, {@value #MESSAGES}, {@value
 *     #RESPONSES}, {@value #EMBEDDINGS}, {@value #MCP} (a record stored before doors were recorded
 *     reads as {@value #CHAT})
 * @param tool the MCP tool call this record is of, or null for every other door
 * @param guardrails the guardrail rules that acted on the request ({@code check}, {@code action},
 *     {@code on}), never what they matched; empty when none did
 * @param ensemble the record's place in an ensemble (the parent, a panel member or the judge), or
 *     null for a request that was no ensemble
 * @param route the semantic router and route that chose the model ({@code router/support/billing}),
 *     or null when the client named the model itself
 */
public record UsageRecord(
    String requestId,
    String generationId,
    String keyId,
    String keyName,
    String owner,
    List<String> tags,
    String user,
    String modelRequested,
    String model,
    String provider,
    int attempts,
    int status,
    String errorType,
    boolean streamed,
    boolean cancelled,
    String finishReason,
    Usage usage,
    boolean usageEstimated,
    Cost cost,
    boolean cacheHit,
    Instant startedAt,
    Instant finishedAt,
    Duration timeToFirstToken,
    Duration latency,
    Duration generationTime,
    String sessionId,
    String apiType,
    Tool tool,
    List<GuardrailEvent> guardrails,
    Ensemble ensemble,
    String route) {

  /** The api type of {@code /v1/chat/completions}. */
  public static final String CHAT = "chat";

  /** The api type of the Anthropic Messages door, {@code /v1/messages}. */
  public static final String MESSAGES = "messages";

  /** The api type of the OpenAI Responses door, {@code /v1/responses}. */
  public static final String RESPONSES = "responses";

  /** The api type of {@code /v1/embeddings}. */
  public static final String EMBEDDINGS = "embeddings";

  /** The api type of the MCP door, {@code /mcp/{server}}: one record per {@code tools/call}. */
  public static final String MCP = "mcp";

  /**
   * One MCP {@code tools/call}: which tool of which server, and how many bytes went each way. The
   * arguments and the result are not part of it.
   *
   * @param server the configured MCP server's name
   * @param name the tool's name as the client called it (null when the call named none)
   * @param requestBytes the JSON-RPC request's size as the client sent it
   * @param responseBytes the size of the answer the client received
   */
  public record Tool(String server, String name, long requestBytes, long responseBytes) {}

  /**
   * One record's place in an ensemble. The parent's record carries the whole request (its usage and
   * cost are the sum of its parts'); each member and the judge have a record of their own, linked
   * to it, for the breakdown. Spend is counted once: from parents ({@link #billed()}).
   *
   * @param parentRequestId the parent's request id; null on the parent
   * @param role {@value #PARENT}, {@value #MEMBER} or {@value #JUDGE}
   * @param index the member's place in the panel (0 for the parent and the judge)
   * @param status the member's outcome: {@code answered}, {@code failed}, {@code late}, {@code
   *     cancelled}; the judge's and the parent's: {@code answered} or {@code failed}
   */
  public record Ensemble(String parentRequestId, String role, int index, String status) {
    public static final String PARENT = "parent";
    public static final String MEMBER = "member";
    public static final String JUDGE = "judge";
  }

  public UsageRecord {
    apiType = apiType == null ? CHAT : apiType;
    tags = tags == null ? List.of() : List.copyOf(tags);
    usage = usage == null ? Usage.NONE : usage;
    latency = latency == null ? Duration.ZERO : latency;
    generationTime = generationTime == null ? Duration.ZERO : generationTime;
    guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
  }

  /** A record no semantic router routed. */
  public UsageRecord(
      String requestId,
      String generationId,
      String keyId,
      String keyName,
      String owner,
      List<String> tags,
      String user,
      String modelRequested,
      String model,
      String provider,
      int attempts,
      int status,
      String errorType,
      boolean streamed,
      boolean cancelled,
      String finishReason,
      Usage usage,
      boolean usageEstimated,
      Cost cost,
      boolean cacheHit,
      Instant startedAt,
      Instant finishedAt,
      Duration timeToFirstToken,
      Duration latency,
      Duration generationTime,
      String sessionId,
      String apiType,
      Tool tool,
      List<GuardrailEvent> guardrails,
      Ensemble ensemble) {
    this(
        requestId,
        generationId,
        keyId,
        keyName,
        owner,
        tags,
        user,
        modelRequested,
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        usageEstimated,
        cost,
        cacheHit,
        startedAt,
        finishedAt,
        timeToFirstToken,
        latency,
        generationTime,
        sessionId,
        apiType,
        tool,
        guardrails,
        ensemble,
        null);
  }

  /** A record of a request that was no ensemble, or of a door that has none. */
  public UsageRecord(
      String requestId,
      String generationId,
      String keyId,
      String keyName,
      String owner,
      List<String> tags,
      String user,
      String modelRequested,
      String model,
      String provider,
      int attempts,
      int status,
      String errorType,
      boolean streamed,
      boolean cancelled,
      String finishReason,
      Usage usage,
      boolean usageEstimated,
      Cost cost,
      boolean cacheHit,
      Instant startedAt,
      Instant finishedAt,
      Duration timeToFirstToken,
      Duration latency,
      Duration generationTime,
      String sessionId,
      String apiType,
      Tool tool,
      List<GuardrailEvent> guardrails) {
    this(
        requestId,
        generationId,
        keyId,
        keyName,
        owner,
        tags,
        user,
        modelRequested,
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        usageEstimated,
        cost,
        cacheHit,
        startedAt,
        finishedAt,
        timeToFirstToken,
        latency,
        generationTime,
        sessionId,
        apiType,
        tool,
        guardrails,
        null);
  }

  /** A record of a model door no guardrail acted on. */
  public UsageRecord(
      String requestId,
      String generationId,
      String keyId,
      String keyName,
      String owner,
      List<String> tags,
      String user,
      String modelRequested,
      String model,
      String provider,
      int attempts,
      int status,
      String errorType,
      boolean streamed,
      boolean cancelled,
      String finishReason,
      Usage usage,
      boolean usageEstimated,
      Cost cost,
      boolean cacheHit,
      Instant startedAt,
      Instant finishedAt,
      Duration timeToFirstToken,
      Duration latency,
      Duration generationTime,
      String sessionId,
      String apiType) {
    this(
        requestId,
        generationId,
        keyId,
        keyName,
        owner,
        tags,
        user,
        modelRequested,
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        usageEstimated,
        cost,
        cacheHit,
        startedAt,
        finishedAt,
        timeToFirstToken,
        latency,
        generationTime,
        sessionId,
        apiType,
        null,
        List.of());
  }

  /** A record of an MCP tool call. */
  public UsageRecord(
      String requestId,
      String generationId,
      String keyId,
      String keyName,
      String owner,
      List<String> tags,
      String user,
      String modelRequested,
      String model,
      String provider,
      int attempts,
      int status,
      String errorType,
      boolean streamed,
      boolean cancelled,
      String finishReason,
      Usage usage,
      boolean usageEstimated,
      Cost cost,
      boolean cacheHit,
      Instant startedAt,
      Instant finishedAt,
      Duration timeToFirstToken,
      Duration latency,
      Duration generationTime,
      String sessionId,
      String apiType,
      Tool tool) {
    this(
        requestId,
        generationId,
        keyId,
        keyName,
        owner,
        tags,
        user,
        modelRequested,
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        usageEstimated,
        cost,
        cacheHit,
        startedAt,
        finishedAt,
        timeToFirstToken,
        latency,
        generationTime,
        sessionId,
        apiType,
        tool,
        List.of());
  }

  /** A record of a model door, with the guardrail rules that acted on it. */
  public UsageRecord(
      String requestId,
      String generationId,
      String keyId,
      String keyName,
      String owner,
      List<String> tags,
      String user,
      String modelRequested,
      String model,
      String provider,
      int attempts,
      int status,
      String errorType,
      boolean streamed,
      boolean cancelled,
      String finishReason,
      Usage usage,
      boolean usageEstimated,
      Cost cost,
      boolean cacheHit,
      Instant startedAt,
      Instant finishedAt,
      Duration timeToFirstToken,
      Duration latency,
      Duration generationTime,
      String sessionId,
      String apiType,
      List<GuardrailEvent> guardrails) {
    this(
        requestId,
        generationId,
        keyId,
        keyName,
        owner,
        tags,
        user,
        modelRequested,
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        usageEstimated,
        cost,
        cacheHit,
        startedAt,
        finishedAt,
        timeToFirstToken,
        latency,
        generationTime,
        sessionId,
        apiType,
        null,
        guardrails);
  }

  /** A record of the chat door. */
  public UsageRecord(
      String requestId,
      String generationId,
      String keyId,
      String keyName,
      String owner,
      List<String> tags,
      String user,
      String modelRequested,
      String model,
      String provider,
      int attempts,
      int status,
      String errorType,
      boolean streamed,
      boolean cancelled,
      String finishReason,
      Usage usage,
      boolean usageEstimated,
      Cost cost,
      boolean cacheHit,
      Instant startedAt,
      Instant finishedAt,
      Duration timeToFirstToken,
      Duration latency,
      Duration generationTime,
      String sessionId) {
    this(
        requestId,
        generationId,
        keyId,
        keyName,
        owner,
        tags,
        user,
        modelRequested,
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        usageEstimated,
        cost,
        cacheHit,
        startedAt,
        finishedAt,
        timeToFirstToken,
        latency,
        generationTime,
        sessionId,
        CHAT);
  }

  /** This record with its place in an ensemble. */
  public UsageRecord withEnsemble(Ensemble place) {
    return new UsageRecord(
        requestId,
        generationId,
        keyId,
        keyName,
        owner,
        tags,
        user,
        modelRequested,
        model,
        provider,
        attempts,
        status,
        errorType,
        streamed,
        cancelled,
        finishReason,
        usage,
        usageEstimated,
        cost,
        cacheHit,
        startedAt,
        finishedAt,
        timeToFirstToken,
        latency,
        generationTime,
        sessionId,
        apiType,
        tool,
        guardrails,
        place,
        route);
  }

  /**
   * Whether this record counts in spend and request totals: every record but an ensemble's member
   * and judge records, whose usage and cost their parent's record already sums.
   */
  public boolean billed() {
    return ensemble == null || Ensemble.PARENT.equals(ensemble.role());
  }

  /** Whether the request failed, including a stream that broke off after it started. */
  public boolean failed() {
    return status >= 400 || errorType != null;
  }

  /** The generation id the gateway gives the response of a request. */
  public static String generationIdOf(String requestId) {
    return "gen-" + requestId.replace("-", "");
  }
}
