package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.responses.ResponsesObjects;
import dev.switchboard.core.api.responses.ResponsesRequest;
import dev.switchboard.core.api.responses.ResponsesRequestMapper;
import dev.switchboard.core.api.responses.ResponsesStream;
import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.chat.ChatCompletion;
import dev.switchboard.core.chat.ChatOutcome;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.core.responses.ResponseArchive;
import dev.switchboard.core.usage.UsageRecord;
import dev.switchboard.lambda.http.HttpRequest;
import dev.switchboard.lambda.http.ResponseSink;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The OpenAI Responses door: {@code POST /v1/responses} translates the request (and the stored
 * conversation {@code previous_response_id} names) into the neutral one and runs the same {@link
 * ChatCompletion} as {@code /v1/chat/completions} (admission, cache, routing, usage record),
 * answering through a {@link ResponsesReply}; {@code GET} and {@code DELETE /v1/responses/{id}}
 * read and delete a stored response of the key's tenant. Errors are in OpenAI's shape.
 */
final class ResponsesRoute {

  static final String RESPONSES = "/v1/responses";
  private static final String PREFIX = RESPONSES + "/";

  /** A response id as the gateway makes them; anything else cannot have been stored. */
  private static final Pattern RESPONSE_ID = Pattern.compile("resp_[A-Za-z0-9_-]{1,120}");

  private final ResponsesRequestMapper mapper;
  private final ChatCompletion completion;
  private final ResponseArchive archive;
  private final Responses responses;
  private final CacheDirectives cacheDirectives;
  private final AccessLog log;
  private final Clock clock;
  private final DoorGuard guard;

  ResponsesRoute(
      ResponsesRequestMapper mapper,
      ChatCompletion completion,
      ResponseArchive archive,
      Responses responses,
      CacheDirectives cacheDirectives,
      DoorGuard guard,
      AccessLog log,
      Clock clock) {
    this.mapper = mapper;
    this.completion = completion;
    this.archive = archive;
    this.responses = responses;
    this.cacheDirectives = cacheDirectives;
    this.log = log;
    this.clock = clock;
    this.guard = guard;
  }

  static boolean serves(String path) {
    return path.equals(RESPONSES) || path.startsWith(PREFIX);
  }

  /**
   * Serves one request to any of the routes; a chat outcome is settled by the caller afterwards.
   */
  Handled handle(HttpRequest request, String path, ResponseSink sink, long startNanos) {
    String requestId = request.requestId();
    return guard.guard(
        request,
        sink,
        responses::error,
        keyId -> {
          if (path.equals(RESPONSES)) {
            ApiKey key = guard.post(request, keyId);
            ChatOutcome outcome =
                create(
                    request.body(),
                    new ChatCompletion.Call(
                        requestId,
                        key,
                        null,
                        cacheDirectives.of(request, key),
                        startNanos,
                        RequestChecks.sessionId(request),
                        UsageRecord.RESPONSES),
                    sink);
            return guard.chat(outcome, sink, responses::error, requestId);
          }
          String id = path.substring(PREFIX.length());
          if (id.contains("/")) {
            throw new GatewayException(
                ErrorKind.NOT_FOUND,
                "unknown_route",
                "No route for " + request.method() + " " + RequestChecks.shorten(path) + ".");
          }
          if (!request.method().equalsIgnoreCase("DELETE")) {
            RequestChecks.requireMethod(request, "GET");
          }
          ApiKey key = guard.authenticated(request, keyId);
          boolean known = RESPONSE_ID.matcher(id).matches();
          ObjectNode answer;
          if (request.method().equalsIgnoreCase("GET")) {
            answer =
                (known ? archive.find(key, id) : Optional.<ResponseArchive.Stored>empty())
                    .map(ResponseArchive.Stored::response)
                    .orElseThrow(() -> ResponseArchive.notFound(id));
          } else {
            if (!known || !archive.delete(key, id)) {
              throw ResponseArchive.notFound(id);
            }
            answer =
                JsonNodeFactory.instance
                    .objectNode()
                    .put("id", id)
                    .put("object", "response")
                    .put("deleted", true);
          }
          responses.json(sink, 200, answer, Map.of(Responses.REQUEST_ID, requestId));
          return Handled.ok(key.id());
        });
  }

  /** {@code asked} has no request yet: the translated body goes in, or the refusal goes out. */
  private ChatOutcome create(byte[] body, ChatCompletion.Call asked, ResponseSink sink) {
    String requestId = asked.requestId();
    ResponsesRequest request;
    try {
      request = mapper.translate(mapper.read(body), archive.historyFor(asked.key()));
    } catch (GatewayException unreadable) {
      // recorded under the key all the same, as on the other doors
      return completion.refuse(
          asked, unreadable, new ResponsesReply(sink, responses, requestId, null, kept -> {}));
    }
    boolean store = request.store() && archive.enabled();
    ObjectNode echo = request.echo();
    echo.put("store", store);
    String responseId = ResponsesObjects.responseId(requestId);
    long createdAt = clock.instant().getEpochSecond();
    // the cheap estimate: admission tokenizes the prompt already, and once is enough per request
    ResponsesStream events =
        new ResponsesStream(
            responseId, createdAt, request.model(), echo, TokenEstimate.ofPrompt(request.chat()));
    Consumer<ObjectNode> keep = store ? kept -> save(asked, kept, request) : kept -> {};
    return completion.run(
        new ChatCompletion.Call(
            requestId,
            asked.key(),
            request.chat(),
            asked.cachePolicy(),
            asked.startNanos(),
            asked.sessionId(),
            UsageRecord.RESPONSES),
        new ResponsesReply(
            sink,
            responses,
            requestId,
            new ResponsesReply.Shape(responseId, createdAt, echo, events),
            keep));
  }

  /** Stores an answered response; a failure is logged, and the answer still goes out. */
  private void save(ChatCompletion.Call call, ObjectNode response, ResponsesRequest request) {
    try {
      archive.save(call.key(), response, request.conversation());
    } catch (RuntimeException e) {
      log.responseUnsaved(call.requestId(), response.path("id").asText(), e);
    }
  }
}
