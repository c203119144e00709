package dev.switchboard.local;

import static dev.switchboard.local.DevServerHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Semantic routing through the dev server with the real in-process embedding model: the official
 * OpenAI Java library asks for {@code router/support}, the router picks a route by the request's
 * meaning, and the fake upstream sees the route's model. The route comes back in {@code
 * x-switchboard-route}, is on the usage record, and groups the usage report.
 */
class SemanticRoutingIT {

  private static DevServerHarness dev;
  private static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    Path routing = Files.createTempFile("routing", ".json");
    Files.writeString(
        routing,
        """
        {"aliases": {"support-bot": "router/support"},
         "routers": {"support": {
           "routes": [
             {"name": "billing", "target": "openai/gpt-4o-mini", "threshold": 0.35,
              "examples": ["I was charged twice this month", "How do I get a refund for my subscription?",
                           "My invoice shows the wrong amount", "Update the credit card on my account"]},
             {"name": "code", "target": "openai/gpt-4.1-mini", "threshold": 0.35,
              "examples": ["Why does my Python script throw a KeyError?", "Fix this null pointer exception in Java",
                           "How do I write a unit test for this function?", "My build fails with a compiler error"]},
             {"name": "general", "target": "switchboard/echo", "threshold": 0.99, "examples": ["hello"]}],
           "default": "general"}}}
        """);
    dev = new DevServerHarness(Map.of("ROUTING_CONFIG_FILE", routing.toString()));
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(dev.server.baseUrl() + "/v1")
            .apiKey(dev.key)
            .maxRetries(0)
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    dev.close();
  }

  private static ChatCompletionCreateParams ask(String model, String text) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build();
  }

  @Test
  void aBillingQuestionGoesToTheBillingRoutesModelAndSaysSo() throws Exception {
    HttpResponseFor<ChatCompletion> response =
        client
            .chat()
            .completions()
            .withRawResponse()
            .create(ask("router/support", "You took money from my card two times for one order"));

    ChatCompletion completion = response.parse();
    assertThat(response.headers().values("x-switchboard-route"))
        .containsExactly("router/support/billing");
    assertThat(completion.model()).isEqualTo("openai/gpt-4o-mini");
    assertThat(dev.upstream.lastRequest().body().path("model").asText()).isEqualTo("gpt-4o-mini");
    JsonNode record = dev.generation(completion.id());
    assertThat(record.path("route").asText()).isEqualTo("router/support/billing");
    assertThat(record.path("model_requested").asText()).isEqualTo("router/support");
  }

  @Test
  void aStreamedCodingQuestionThroughAnAliasGoesToTheCodeRoute() throws Exception {
    StringBuilder text = new StringBuilder();
    String model;
    try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> response =
        client
            .chat()
            .completions()
            .withRawResponse()
            .createStreaming(
                ask(
                    "support-bot",
                    "My Java program crashes with a NullPointerException on start"))) {
      assertThat(response.headers().values("x-switchboard-route"))
          .containsExactly("router/support/code");
      try (StreamResponse<ChatCompletionChunk> stream = response.parse()) {
        model =
            stream.stream()
                .peek(
                    c ->
                        c.choices()
                            .forEach(choice -> choice.delta().content().ifPresent(text::append)))
                .reduce((first, last) -> last)
                .orElseThrow()
                .model();
      }
    }
    assertThat(model).isEqualTo("openai/gpt-4.1-mini");
    assertThat(text).isNotEmpty();
    assertThat(dev.upstream.lastRequest().body().path("model").asText()).isEqualTo("gpt-4.1-mini");
  }

  @Test
  void anAgentTurnIsRoutedByItsPersonsTextNotByToolOutputOrReminders() throws Exception {
    // the last user message holds a tool's stack trace and a harness reminder: the person asked
    // about a refund, two messages back
    String body =
        """
        {"model": "router/support", "messages": [
          {"role": "user", "content": "Please get me a refund for the subscription I cancelled last week"},
          {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "run", "arguments": "{\\"cmd\\": \\"billing-cli status\\"}"}}]},
          {"role": "tool", "tool_call_id": "call_1",
           "content": "Traceback (most recent call last): KeyError: 'compiler' in build.py line 12"},
          {"role": "user", "content": "<system-reminder>Fix the failing unit test and the compiler error first.</system-reminder>"}]}
        """;

    HttpResponse<String> response = post(body, "agent-session-1");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("x-switchboard-route"))
        .hasValue("router/support/billing");
  }

  @Test
  void aConversationKeepsItsRouteWhenItsTopicChanges() throws Exception {
    String first =
        "{\"model\":\"router/support\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"My invoice shows the wrong amount for November\"}]}";
    String later =
        "{\"model\":\"router/support\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Why does my Python script throw a KeyError?\"}]}";

    assertThat(post(first, "sticky-session").headers().firstValue("x-switchboard-route"))
        .hasValue("router/support/billing");
    // the same session, now about code: it stays on the route it started on
    assertThat(post(later, "sticky-session").headers().firstValue("x-switchboard-route"))
        .hasValue("router/support/billing");
    // another session asking the same is routed by its meaning
    assertThat(post(later, "fresh-session").headers().firstValue("x-switchboard-route"))
        .hasValue("router/support/code");
  }

  @Test
  void smallTalkTakesTheDefaultRouteAndTheReportGroupsByRoute() throws Exception {
    HttpResponseFor<ChatCompletion> response =
        client
            .chat()
            .completions()
            .withRawResponse()
            .create(ask("router/support", "What a lovely sunny afternoon it is"));
    assertThat(response.headers().values("x-switchboard-route"))
        .containsExactly("router/support/general");
    ChatCompletion completion = response.parse();
    assertThat(completion.model()).isEqualTo("switchboard/echo");
    dev.generation(completion.id());
    // a request that named its model has no route
    ChatCompletion direct = client.chat().completions().create(ask("switchboard/echo", "hi"));
    dev.generation(direct.id());

    JsonNode report =
        json(
            dev.send(
                    HttpRequest.newBuilder(dev.uri("/v1/usage?group_by=route"))
                        .header("Authorization", "Bearer " + dev.key)
                        .build())
                .body());

    assertThat(report.path("data").findValuesAsText("group"))
        .contains("router/support/general", "(none)");
  }

  @Test
  void theMessagesAndResponsesDoorsAreRoutedByTheSameRouters() throws Exception {
    HttpResponse<String> messages =
        post(
            "/v1/messages",
            "{\"model\":\"router/support\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Can I get my money back for the plan I cancelled?\"}]}",
            "messages-session");
    HttpResponse<String> responses =
        post(
            "/v1/responses",
            "{\"model\":\"router/support\",\"input\":\"My unit tests fail with a compiler error\"}",
            "responses-session");

    assertThat(messages.statusCode()).as(messages.body()).isEqualTo(200);
    assertThat(messages.headers().firstValue("x-switchboard-route"))
        .hasValue("router/support/billing");
    assertThat(json(messages.body()).path("model").asText()).isEqualTo("openai/gpt-4o-mini");
    assertThat(responses.statusCode()).as(responses.body()).isEqualTo(200);
    assertThat(responses.headers().firstValue("x-switchboard-route"))
        .hasValue("router/support/code");
    assertThat(json(responses.body()).path("model").asText()).isEqualTo("openai/gpt-4.1-mini");
  }

  private static HttpResponse<String> post(String body, String session) throws Exception {
    return post("/v1/chat/completions", body, session);
  }

  private static HttpResponse<String> post(String path, String body, String session)
      throws Exception {
    return dev.send(
        HttpRequest.newBuilder(dev.uri(path))
            .header("Authorization", "Bearer " + dev.key)
            .header("Content-Type", "application/json")
            .header("X-Claude-Code-Session-Id", session)
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }
}
