package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.api.messages.MessagesRequestMapper;
import dev.switchboard.core.catalog.Model;
import dev.switchboard.core.catalog.Pricing;
import dev.switchboard.core.chat.ProviderCall;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The output limit an OpenAI-compatible upstream is sent: the one admission reserved, so no answer
 * can run longer than the budget held for it.
 */
class OpenAiRequestMapperTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MODEL_MAX = 16_384;

  private static ProviderCall call(Vendor vendor, String limits) {
    return call(vendor, limits, "[{\"role\":\"user\",\"content\":\"Hi\"}]");
  }

  private static ProviderCall call(Vendor vendor, String limits, String messages) {
    Model model =
        new Model(
            vendor.id() + "/gpt-4o-mini",
            "GPT-4o mini",
            vendor.id(),
            "gpt-4o-mini",
            List.of(),
            128_000,
            MODEL_MAX,
            new Pricing(new BigDecimal("0.15"), new BigDecimal("0.60"), null, null, null),
            Set.of("streaming"),
            List.of("text"),
            0);
    String body = "{\"model\":\"m\"" + limits + ",\"messages\":" + messages + "}";
    var request = new ChatRequestParser(JSON).parse(body.getBytes(StandardCharsets.UTF_8));
    return new ProviderCall(model, request, Duration.ofSeconds(1), Duration.ofSeconds(1));
  }

  @Test
  void dropsTopKForOpenAiAzureAndMistralWhichRefuseItButKeepsItForOthers() {
    // the Messages door carries Anthropic's top_k in the neutral request; OpenAI answers a 400
    // "Unrecognized request argument" for it
    for (Vendor strict : List.of(Vendors.OPENAI, Vendors.AZURE, Vendors.MISTRAL)) {
      ObjectNode sent =
          OpenAiRequestMapper.toUpstream(call(strict, ",\"top_k\":40"), false, strict);
      assertThat(sent.has("top_k")).as(strict.id()).isFalse();
    }
    Vendor together = Vendors.byId("together").orElseThrow();
    assertThat(
            OpenAiRequestMapper.toUpstream(call(together, ",\"top_k\":40"), false, together)
                .path("top_k")
                .asInt())
        .isEqualTo(40);
  }

  @Test
  void dropsTheTopLevelCacheControlForVendorsThatRefuseUnknownParameters() {
    // OpenRouter's request for Anthropic cache breakpoints, which the Messages door sends for
    // every Claude Code turn: OpenRouter takes it, OpenAI has no such parameter
    for (Vendor strict : List.of(Vendors.OPENAI, Vendors.AZURE, Vendors.MISTRAL)) {
      ObjectNode sent =
          OpenAiRequestMapper.toUpstream(
              call(strict, ",\"cache_control\":{\"type\":\"ephemeral\"}"), false, strict);
      assertThat(sent.has("cache_control")).as(strict.id()).isFalse();
    }
    Vendor openRouter = Vendors.byId("openrouter").orElseThrow();
    assertThat(
            OpenAiRequestMapper.toUpstream(
                    call(openRouter, ",\"cache_control\":{\"type\":\"ephemeral\"}"),
                    false,
                    openRouter)
                .has("cache_control"))
        .isTrue();
  }

  @Test
  void lowersAMaxTokensAboveTheModelsMaximumToIt() {
    ObjectNode sent =
        OpenAiRequestMapper.toUpstream(
            call(Vendors.OPENAI, ",\"max_tokens\":1000000"), false, Vendors.OPENAI);

    assertThat(sent.path("max_tokens").asInt()).isEqualTo(MODEL_MAX);
    assertThat(sent.has("max_completion_tokens")).isFalse();
  }

  @Test
  void lowersAMaxCompletionTokensAboveTheModelsMaximumInTheSameField() {
    ObjectNode sent =
        OpenAiRequestMapper.toUpstream(
            call(Vendors.OPENAI, ",\"max_completion_tokens\":1000000"), true, Vendors.OPENAI);

    assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(MODEL_MAX);
    assertThat(sent.has("max_tokens")).isFalse();
  }

  @Test
  void sendsTheModelsMaximumAsMaxCompletionTokensToOpenAiWhenTheClientSetNoLimit() {
    // OpenAI's reasoning models (gpt-5, o4-mini) refuse max_tokens; every OpenAI model takes this
    ObjectNode sent =
        OpenAiRequestMapper.toUpstream(call(Vendors.OPENAI, ""), false, Vendors.OPENAI);

    assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(MODEL_MAX);
    assertThat(sent.has("max_tokens")).isFalse();
  }

  @Test
  void sendsTheModelsMaximumAsMaxTokensToOtherVendorsWhenTheClientSetNoLimit() {
    Vendor groq = Vendors.byId("groq").orElseThrow();

    ObjectNode sent = OpenAiRequestMapper.toUpstream(call(groq, ""), false, groq);

    assertThat(sent.path("max_tokens").asInt()).isEqualTo(MODEL_MAX);
    assertThat(sent.has("max_completion_tokens")).isFalse();
  }

  @Test
  void lowersTheLimitBeforeRenamingItForMistral() {
    ObjectNode sent =
        OpenAiRequestMapper.toUpstream(
            call(Vendors.MISTRAL, ",\"max_completion_tokens\":1000000"), false, Vendors.MISTRAL);

    assertThat(sent.path("max_tokens").asInt()).isEqualTo(MODEL_MAX);
    assertThat(sent.has("max_completion_tokens")).isFalse();
  }

  @Test
  void lowersBothFieldsWhenTheClientSentBoth() {
    ObjectNode sent =
        OpenAiRequestMapper.toUpstream(
            call(Vendors.OPENAI, ",\"max_tokens\":50000,\"max_completion_tokens\":1000000"),
            false,
            Vendors.OPENAI);

    assertThat(sent.path("max_tokens").asInt()).isEqualTo(MODEL_MAX);
    assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(MODEL_MAX);
  }

  @Test
  void forwardsALimitBelowTheModelsMaximumAsTheClientSentIt() {
    ObjectNode sent =
        OpenAiRequestMapper.toUpstream(
            call(Vendors.OPENAI, ",\"max_tokens\":100"), false, Vendors.OPENAI);

    assertThat(sent.path("max_tokens").asInt()).isEqualTo(100);
    assertThat(sent.has("max_completion_tokens")).isFalse();
  }

  @Test
  void aReasoningEffortTranslatedFromThinkingGoesOnlyToReasoningModels() {
    byte[] thinking =
        ("{'model':'m','max_tokens':900,'thinking':{'type':'enabled','budget_tokens':20000},"
                + "'messages':[{'role':'user','content':'Hi'}]}")
            .replace('\'', '"')
            .getBytes(StandardCharsets.UTF_8);
    var fromMessages = new MessagesRequestMapper(JSON).message(thinking);
    var fromChat =
        new ChatRequestParser(JSON)
            .parse(
                "{\"model\":\"m\",\"reasoning_effort\":\"high\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
    Model plain = call(Vendors.OPENAI, "").model();
    Model reasoning =
        new Model(
            "openai/o4-mini",
            "o4-mini",
            "openai",
            "o4-mini",
            List.of(),
            200_000,
            100_000,
            plain.pricing(),
            Set.of("streaming", ProviderCall.REASONING),
            List.of("text"),
            0);
    Duration second = Duration.ofSeconds(1);

    ObjectNode toPlain =
        OpenAiRequestMapper.toUpstream(
            new ProviderCall(plain, fromMessages, second, second), false, Vendors.OPENAI);
    ObjectNode toReasoning =
        OpenAiRequestMapper.toUpstream(
            new ProviderCall(reasoning, fromMessages, second, second), false, Vendors.OPENAI);
    ObjectNode clientsOwn =
        OpenAiRequestMapper.toUpstream(
            new ProviderCall(plain, fromChat, second, second), false, Vendors.OPENAI);

    assertThat(toPlain.has("reasoning_effort")).isFalse();
    assertThat(toReasoning.get("reasoning_effort").asText()).isEqualTo("high");
    // a client of the OpenAI door chose the field: the upstream judges it
    assertThat(clientsOwn.get("reasoning_effort").asText()).isEqualTo("high");
  }

  private static ObjectNode sent(String vendorId, String fields, String messages) {
    Vendor vendor = Vendors.byId(vendorId).orElseThrow();
    return OpenAiRequestMapper.toUpstream(
        call(vendor, fields, messages.replace('\'', '"')), false, vendor);
  }

  private static final String USER_HI = "[{'role':'user','content':'Hi'}]";

  @Test
  void lowersATemperatureAboveOneForVendorsWhoseScaleEndsThere() {
    for (String unitScale : List.of("moonshot", "moonshot-cn", "zai", "zai-coding", "zhipuai")) {
      assertThat(sent(unitScale, ",\"temperature\":1.6", USER_HI).path("temperature").asDouble())
          .as(unitScale)
          .isEqualTo(1.0);
      assertThat(sent(unitScale, ",\"temperature\":0.3", USER_HI).path("temperature").asDouble())
          .as(unitScale)
          .isEqualTo(0.3);
    }
    // OpenAI's own scale goes to 2
    assertThat(sent("openai", ",\"temperature\":1.6", USER_HI).path("temperature").asDouble())
        .isEqualTo(1.6);
  }

  @Test
  void sendsMoonshotAndGlmTheLimitAsMaxTokens() {
    for (String vendor : List.of("moonshot", "zai")) {
      ObjectNode sent = sent(vendor, ",\"max_completion_tokens\":1000000", USER_HI);
      assertThat(sent.path("max_tokens").asInt()).as(vendor).isEqualTo(MODEL_MAX);
      assertThat(sent.has("max_completion_tokens")).as(vendor).isFalse();
    }
  }

  @Test
  void joinsTextPartsIntoAStringForTheRolesGlmTakesOnlyAsStrings() {
    String history =
        "[{'role':'user','content':[{'type':'text','text':'a'},{'type':'text','text':'b'}]},"
            + "{'role':'assistant','content':[{'type':'text','text':'c'},{'type':'text','text':'d'}]},"
            + "{'role':'tool','tool_call_id':'t1','content':[{'type':'text','text':'42'}]}]";

    var messages = sent("zai", "", history).get("messages");

    // user content may hold images for GLM's vision models: it stays an array
    assertThat(messages.get(0).get("content").isArray()).isTrue();
    assertThat(messages.get(1).get("content").asText()).isEqualTo("c\nd");
    assertThat(messages.get(2).get("content").asText()).isEqualTo("42");
    // other vendors take the arrays
    assertThat(sent("together", "", history).get("messages").get(1).get("content").isArray())
        .isTrue();
  }

  @Test
  void leavesAnArrayWithANonTextPartAsItIs() {
    String history =
        "[{'role':'user','content':'Hi'},{'role':'assistant','content':"
            + "[{'type':'text','text':'c'},{'type':'refusal','refusal':'no'}]}]";

    assertThat(sent("zai", "", history).get("messages").get(1).get("content").isArray()).isTrue();
  }

  @Test
  void leavesOutTheFieldsGroqRefuses() {
    ObjectNode sent =
        sent(
            "groq",
            ",\"logprobs\":true,\"top_logprobs\":2,\"logit_bias\":{\"50256\":-100},\"n\":1",
            "[{'role':'user','name':'ana','content':'Hi'}]");

    assertThat(sent.has("logprobs")).isFalse();
    assertThat(sent.has("top_logprobs")).isFalse();
    assertThat(sent.has("logit_bias")).isFalse();
    assertThat(sent.get("messages").get(0).has("name")).isFalse();
    assertThat(sent.get("messages").get(0).get("content").asText()).isEqualTo("Hi");
    assertThat(sent.path("n").asInt()).isEqualTo(1);
    // the same fields go to a vendor that takes them
    assertThat(
            sent("together", ",\"logprobs\":true", "[{'role':'user','name':'ana','content':'Hi'}]")
                .get("messages")
                .get(0)
                .has("name"))
        .isTrue();
  }

  @Test
  void leavesOutTheFieldsCerebrasRefuses() {
    ObjectNode sent =
        sent(
            "cerebras",
            ",\"frequency_penalty\":0.5,\"presence_penalty\":0.5,\"parallel_tool_calls\":false,"
                + "\"service_tier\":\"auto\",\"temperature\":1.5",
            USER_HI);

    assertThat(sent.has("frequency_penalty")).isFalse();
    assertThat(sent.has("presence_penalty")).isFalse();
    assertThat(sent.has("parallel_tool_calls")).isFalse();
    assertThat(sent.has("service_tier")).isFalse();
    assertThat(sent.path("temperature").asDouble()).isEqualTo(1.5);
  }
}
