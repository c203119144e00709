package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.api.messages.MessagesStream;
import dev.switchboard.core.api.responses.ResponsesObjects;
import dev.switchboard.core.api.responses.ResponsesRequest;
import dev.switchboard.core.api.responses.ResponsesRequestMapper;
import dev.switchboard.core.api.responses.ResponsesStream;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.core.budget.CostEstimator;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.chat.ChatService;
import dev.switchboard.core.chat.ProviderException;
import dev.switchboard.core.chat.TokenEstimate;
import dev.switchboard.core.embeddings.EmbeddingRequest;
import dev.switchboard.core.embeddings.EmbeddingRequestParser;
import dev.switchboard.core.embeddings.EmbeddingVectors;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import dev.switchboard.lambda.http.ApiGatewayEvents;
import dev.switchboard.lambda.http.ResponseSink;
import dev.switchboard.providers.echo.EchoProvider;
import dev.switchboard.store.DynamoKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SnapStart priming: runs the request path (every door) once on sample data before the snapshot, so
 * the classes it needs are loaded and initialised in the snapshot rather than on the first request
 * after every restore.
 *
 * <p>What it must not do: call the network or the key store (a snapshot is taken once and restored
 * many times, so a connection or a looked-up key would be stale or shared), authenticate (the key
 * cache must be empty in the snapshot), or create a random generator or keep a time. The echo
 * provider is the only one called, because it answers in memory; the key lookup runs through a
 * throwaway DynamoDB client whose HTTP layer answers from memory ({@link CannedDynamoDb}).
 */
final class Priming {

  private static final String SAMPLE_MODEL = "switchboard/echo";

  private Priming() {}

  static void run(
      ObjectMapper mapper,
      ChatRequestParser parser,
      ChatService chat,
      ModelsRoute models,
      Responses responses) {
    // the snapshot must hold the tokenizer, or every restored instance would estimate without it
    CostEstimator.awaitTokenizer();
    ResponseSink discard = new DiscardingSink();
    byte[] body =
        ("{\"model\":\""
                + SAMPLE_MODEL
                + "\",\"stream\":true,\"max_tokens\":16,\"temperature\":0.5,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}]}]}")
            .getBytes(StandardCharsets.UTF_8);

    // the runtime's event mapping, on the event shape API Gateway sends
    ObjectNode event =
        ApiGatewayEvents.restProxyEvent(
            "POST",
            "/v1/chat/completions",
            Map.of("content-type", List.of("application/json")),
            "",
            body,
            "priming");
    try {
      ApiGatewayEvents.read(mapper.readTree(mapper.writeValueAsBytes(event)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    ChatRequest request = parser.parse(body);
    // what authentication does: hash the presented secret (this text is not a key) and look the
    // hash up, here through a client that answers from memory
    String hash = ApiKeys.hash(ApiKeys.PREFIX + "priming");
    try (DynamoDbClient dynamo = CannedDynamoDb.answering(sampleKeyItem(hash))) {
      new DynamoKeyStore(dynamo, "priming").findByHash(hash);
    }

    SseStream stream = new SseStream(discard, responses, "priming");
    stream.event(sampleChunk(mapper));
    stream.done();

    Optional<Model> echo = chat.findRoutable(SAMPLE_MODEL);
    if (echo.isPresent()) {
      chat.plan(request);
      // the whole routed path: planner, router, the attempt's virtual thread, the echo provider
      chat.complete(chat.plan(parser.parse(nonStreamed(body))), "gen-priming", new ArrayList<>());
    }
    primeMessagesDoor(mapper, responses, discard);
    primeResponsesDoor(mapper, responses, discard);
    primeEmbeddingsDoor(mapper, responses, discard);
    responses.json(
        discard, 200, models.list(ModelQuery.NONE), Map.of(Responses.REQUEST_ID, "priming"));
    responses.error(
        discard,
        new GatewayException(ErrorKind.AUTHENTICATION, "invalid_api_key", "priming"),
        "priming");
  }

  /**
   * The Messages door's own classes: a request mapped in, a stream and a whole message written out,
   * an error in Anthropic's shape. The use case between them is the one primed above.
   */
  private static void primeMessagesDoor(
      ObjectMapper mapper, Responses responses, ResponseSink discard) {
    byte[] body =
        ("{\"model\":\""
                + SAMPLE_MODEL
                + "\",\"max_tokens\":16,\"stream\":true,\"system\":\"Be brief.\","
                + "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}]}")
            .getBytes(StandardCharsets.UTF_8);
    ChatRequest request = new MessagesRequestMapper(mapper).message(body);
    MessagesReply streamed =
        new MessagesReply(
            discard,
            responses,
            "priming",
            new MessagesStream("gen-priming", SAMPLE_MODEL, TokenEstimate.ofPrompt(request)));
    streamed.chunk(sampleChunk(mapper));
    streamed.done();
    streamed.finish();
    ObjectNode completion = mapper.createObjectNode().put("id", "gen-priming");
    completion.putArray("choices").addObject().put("finish_reason", "stop").putObject("message");
    new MessagesReply(discard, responses, "priming", null).completion(completion, null, 0);
    responses.anthropicError(
        discard,
        new GatewayException(ErrorKind.AUTHENTICATION, "invalid_api_key", "priming"),
        "priming");
  }

  /**
   * The Responses door's own classes: a request with an item list and a function tool mapped in, a
   * stream and a whole response written out. Nothing is stored: the store is a network call.
   */
  private static void primeResponsesDoor(
      ObjectMapper mapper, Responses responses, ResponseSink discard) {
    byte[] body =
        ("{\"model\":\""
                + SAMPLE_MODEL
                + "\",\"stream\":true,\"store\":false,\"instructions\":\"Be brief.\","
                + "\"max_output_tokens\":16,\"tools\":[{\"type\":\"function\",\"name\":\"f\","
                + "\"parameters\":{\"type\":\"object\"}}],\"text\":{\"format\":{\"type\":\"text\"}},"
                + "\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Hi\"}]},"
                + "{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":\"{}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":\"ok\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    ResponsesRequestMapper door = new ResponsesRequestMapper(mapper);
    ResponsesRequest request = door.translate(door.read(body), id -> mapper.createArrayNode());
    String id = ResponsesObjects.responseId("priming");
    ResponsesReply streamed =
        new ResponsesReply(
            discard,
            responses,
            "priming",
            new ResponsesReply.Shape(
                id,
                0L,
                request.echo(),
                new ResponsesStream(
                    id, 0L, SAMPLE_MODEL, request.echo(), TokenEstimate.ofPrompt(request.chat()))),
            kept -> {});
    streamed.chunk(sampleChunk(mapper));
    streamed.done();
    streamed.finish();
    ObjectNode completion = mapper.createObjectNode().put("id", "gen-priming");
    completion.putArray("choices").addObject().put("finish_reason", "stop").putObject("message");
    new ResponsesReply(
            discard,
            responses,
            "priming",
            new ResponsesReply.Shape(id, 0L, request.echo(), null),
            kept -> {})
        .completion(completion, null, 0);
  }

  /**
   * The embeddings door's own classes: a request parsed (its limits checked), a vector encoded to
   * base64 and back, a list written out. The use case runs on parts primed above.
   */
  private static void primeEmbeddingsDoor(
      ObjectMapper mapper, Responses responses, ResponseSink discard) {
    EmbeddingRequest request =
        new EmbeddingRequestParser(mapper)
            .parse(
                "{\"model\":\"switchboard/echo-embed\",\"input\":[\"Hello\"],\"dimensions\":4}"
                    .getBytes(StandardCharsets.UTF_8));
    ObjectNode list = mapper.createObjectNode().put("object", "list");
    ObjectNode item = list.putArray("data").addObject().put("index", 0);
    item.putArray("embedding").add(0.5f).add(-0.25f).add(0.125f).add(1f);
    try {
      JsonNode encoded = EmbeddingVectors.encode(item.get("embedding"), !request.base64());
      EmbeddingVectors.encode(encoded, false);
    } catch (ProviderException e) {
      throw new IllegalStateException("the sample vector is a vector", e);
    }
    responses.json(discard, 200, list, Map.of(Responses.REQUEST_ID, "priming"));
  }

  /** A GetItem reply holding a key item with every attribute the key store maps. */
  private static String sampleKeyItem(String hash) {
    return "{\"Item\":{\"keyHash\":{\"S\":\""
        + hash
        + "\"},\"keyId\":{\"S\":\""
        + ApiKeys.idOf(hash)
        + "\"},\"name\":{\"S\":\"priming\"},\"owner\":{\"S\":\"priming\"},"
        + "\"role\":{\"S\":\"user\"},\"disabled\":{\"BOOL\":false},"
        + "\"createdAt\":{\"N\":\"0\"},\"expiresAt\":{\"N\":\"1\"}}}";
  }

  private static byte[] nonStreamed(byte[] body) {
    return new String(body, StandardCharsets.UTF_8)
        .replace("\"stream\":true", "\"stream\":false")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A chunk shaped like the ones the providers produce, with fixed values. */
  private static ObjectNode sampleChunk(ObjectMapper mapper) {
    ObjectNode chunk = mapper.createObjectNode();
    chunk.put("id", "gen-priming");
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", 0L);
    chunk.put("model", SAMPLE_MODEL);
    chunk.put("provider", EchoProvider.ID);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta").put("role", "assistant").put("content", "Hello");
    choice.putNull("finish_reason");
    ObjectNode usage = chunk.putObject("usage");
    usage.put("prompt_tokens", 3);
    usage.put("completion_tokens", 1);
    usage.put("total_tokens", 4);
    return chunk;
  }

  /** A sink that throws away what it is given. */
  private static final class DiscardingSink implements ResponseSink {
    @Override
    public void start(int status, Map<String, String> headers) {}

    @Override
    public void write(byte[] chunk) {}

    @Override
    public void end() {}

    @Override
    public void abort(String errorType, String message) {}
  }
}
