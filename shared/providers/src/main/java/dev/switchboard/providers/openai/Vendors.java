package dev.switchboard.providers.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every OpenAI-compatible vendor the gateway knows. Adding one is a line here, prices in the
 * catalogue and a row in the README's provider table; no new class. {@code top_k} and the top-level
 * {@code cache_control} (which the Messages door carries over from Anthropic requests) are dropped
 * for the vendors that refuse unknown parameters.
 */
public final class Vendors {

  public static final Vendor OPENAI =
      new Vendor(
          "openai",
          "OPENAI",
          "https://api.openai.com/v1",
          Vendor.Credential.OPTIONAL_WITH_BASE_URL,
          Vendor.Auth.BEARER,
          Vendor.UrlStyle.CHAT_COMPLETIONS,
          Map.of(),
          Set.of("top_k", "cache_control"),
          true,
          Vendor.MAX_COMPLETION_TOKENS);

  /**
   * Azure OpenAI: the resource endpoint ({@code https://NAME.openai.azure.com}) comes from {@code
   * AZURE_OPENAI_ENDPOINT}, the model is a deployment named by the catalogue's upstream id, and the
   * key goes in {@code api-key}. The output limit goes in {@code max_completion_tokens}, as for
   * OpenAI (its reasoning deployments refuse {@code max_tokens}; api-version 2024-09-01-preview
   * on).
   */
  public static final Vendor AZURE =
      new Vendor(
          "azure",
          "AZURE_OPENAI",
          null,
          Vendor.Credential.REQUIRED,
          Vendor.Auth.API_KEY_HEADER,
          Vendor.UrlStyle.AZURE_DEPLOYMENT,
          Map.of(),
          Set.of("top_k", "cache_control"),
          true,
          Vendor.MAX_COMPLETION_TOKENS);

  /**
   * Mistral validates request bodies strictly: the seed is {@code random_seed}, there is no {@code
   * max_completion_tokens}, and {@code stream_options} is refused (its last chunk carries usage
   * anyway).
   */
  public static final Vendor MISTRAL =
      new Vendor(
          "mistral",
          "MISTRAL",
          "https://api.mistral.ai/v1",
          Vendor.Credential.REQUIRED,
          Vendor.Auth.BEARER,
          Vendor.UrlStyle.CHAT_COMPLETIONS,
          Map.of("seed", "random_seed", "max_completion_tokens", "max_tokens"),
          Set.of("user", "logit_bias", "store", "service_tier", "top_k", "cache_control"),
          false,
          Vendor.MAX_TOKENS);

  /**
   * Perplexity's Sonar API lives at the root (no {@code /v1}), has no function calling and no seed,
   * logit bias or log probabilities; usage always ends the stream.
   */
  public static final Vendor PERPLEXITY =
      new Vendor(
          "perplexity",
          "PERPLEXITY",
          "https://api.perplexity.ai",
          Vendor.Credential.REQUIRED,
          Vendor.Auth.BEARER,
          Vendor.UrlStyle.CHAT_COMPLETIONS,
          Map.of("max_completion_tokens", "max_tokens"),
          Set.of(
              "tools",
              "tool_choice",
              "parallel_tool_calls",
              "seed",
              "logit_bias",
              "logprobs",
              "top_logprobs",
              "service_tier",
              "store"),
          false,
          Vendor.MAX_TOKENS);

  /**
   * Groq answers a 400 for {@code logprobs}, {@code top_logprobs}, {@code logit_bias} and a
   * message's {@code name}; they are left out. ({@code n} above 1 is refused too, and is sent on so
   * the client hears Groq's reason.)
   */
  public static final Vendor GROQ =
      Vendor.plain("groq", "GROQ", "https://api.groq.com/openai/v1")
          .with(
              Map.of(),
              Set.of("logprobs", "top_logprobs", "logit_bias"),
              new Vendor.Quirks(null, Set.of("name"), Set.of()));

  /**
   * Cerebras answers a 400 for {@code frequency_penalty}, {@code presence_penalty}, {@code
   * logit_bias}, {@code parallel_tool_calls} and {@code service_tier}; they are left out.
   */
  public static final Vendor CEREBRAS =
      Vendor.plain("cerebras", "CEREBRAS", "https://api.cerebras.ai/v1")
          .with(
              Map.of(),
              Set.of(
                  "frequency_penalty",
                  "presence_penalty",
                  "logit_bias",
                  "parallel_tool_calls",
                  "service_tier"),
              Vendor.Quirks.NONE);

  /** GLM's reference types an assistant's and a tool result's content as a string. */
  private static final Set<String> GLM_STRING_ROLES = Set.of("assistant", "tool");

  /**
   * Moonshot (Kimi) and Z.ai / Zhipu (GLM) take {@code temperature} from 0 to 1, not OpenAI's 0 to
   * 2, and read the output limit only from {@code max_tokens}.
   */
  private static Vendor unitTemperature(Vendor vendor, Set<String> stringContentRoles) {
    return vendor.with(
        Map.of(Vendor.MAX_COMPLETION_TOKENS, Vendor.MAX_TOKENS),
        Set.of(),
        new Vendor.Quirks(1.0, Set.of(), stringContentRoles));
  }

  private static final List<Vendor> ALL =
      List.of(
          OPENAI,
          AZURE,
          GROQ,
          Vendor.plain("together", "TOGETHER", "https://api.together.xyz/v1"),
          Vendor.plain("fireworks", "FIREWORKS", "https://api.fireworks.ai/inference/v1"),
          Vendor.plain("deepseek", "DEEPSEEK", "https://api.deepseek.com/v1"),
          Vendor.plain("xai", "XAI", "https://api.x.ai/v1"),
          MISTRAL,
          Vendor.plain("openrouter", "OPENROUTER", "https://openrouter.ai/api/v1"),
          CEREBRAS,
          PERPLEXITY,
          Vendor.plain("deepinfra", "DEEPINFRA", "https://api.deepinfra.com/v1/openai"),
          Vendor.plain("nvidia", "NVIDIA", "https://integrate.api.nvidia.com/v1"),
          Vendor.plain("huggingface", "HUGGINGFACE", "https://router.huggingface.co/v1"),
          Vendor.plain("github", "GITHUB_MODELS", "https://models.github.ai/inference"),
          Vendor.plain("vercel", "AI_GATEWAY", "https://ai-gateway.vercel.sh/v1"),
          Vendor.plain("v0", "V0", "https://api.v0.dev/v1"),
          unitTemperature(
              Vendor.plain("moonshot", "MOONSHOT", "https://api.moonshot.ai/v1"), Set.of()),
          unitTemperature(
              Vendor.plain("moonshot-cn", "MOONSHOT_CN", "https://api.moonshot.cn/v1"), Set.of()),
          unitTemperature(
              Vendor.plain("zai", "ZAI", "https://api.z.ai/api/paas/v4"), GLM_STRING_ROLES),
          unitTemperature(
              Vendor.plain("zai-coding", "ZAI_CODING", "https://api.z.ai/api/coding/paas/v4"),
              GLM_STRING_ROLES),
          unitTemperature(
              Vendor.plain("zhipuai", "ZHIPUAI", "https://open.bigmodel.cn/api/paas/v4"),
              GLM_STRING_ROLES),
          Vendor.plain(
              "alibaba", "DASHSCOPE", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
          Vendor.plain(
              "alibaba-cn", "DASHSCOPE_CN", "https://dashscope.aliyuncs.com/compatible-mode/v1"),
          Vendor.plain("modelscope", "MODELSCOPE", "https://api-inference.modelscope.cn/v1"),
          Vendor.plain("baseten", "BASETEN", "https://inference.baseten.co/v1"),
          Vendor.plain("chutes", "CHUTES", "https://llm.chutes.ai/v1"),
          // the account id is part of the URL: CLOUDFLARE_BASE_URL is
          // https://api.cloudflare.com/client/v4/accounts/<account id>/ai/v1
          Vendor.plain("cloudflare", "CLOUDFLARE", null),
          Vendor.plain("fastrouter", "FASTROUTER", "https://go.fastrouter.ai/api/v1"),
          Vendor.plain("requesty", "REQUESTY", "https://router.requesty.ai/v1"),
          Vendor.plain("inception", "INCEPTION", "https://api.inceptionlabs.ai/v1"),
          Vendor.plain("inference", "INFERENCE", "https://api.inference.net/v1"),
          Vendor.plain("llama", "LLAMA", "https://api.llama.com/compat/v1"),
          Vendor.plain("morph", "MORPH", "https://api.morphllm.com/v1"),
          Vendor.plain("opencode", "OPENCODE", "https://opencode.ai/zen/v1"),
          Vendor.plain("submodel", "SUBMODEL", "https://llm.submodel.ai/v1"),
          Vendor.plain("synthetic", "SYNTHETIC", "https://api.synthetic.new/v1"),
          Vendor.plain("upstage", "UPSTAGE", "https://api.upstage.ai/v1"),
          Vendor.plain("venice", "VENICE", "https://api.venice.ai/api/v1"),
          Vendor.plain("wandb", "WANDB", "https://api.inference.wandb.ai/v1"),
          Vendor.local("ollama", "OLLAMA"),
          Vendor.local("vllm", "VLLM"),
          Vendor.local("lmstudio", "LMSTUDIO"));

  private static final Map<String, Vendor> BY_ID = index();

  private Vendors() {}

  /** Every vendor, in the order the README lists them. */
  public static List<Vendor> all() {
    return ALL;
  }

  /** The vendor with this provider id. */
  public static Optional<Vendor> byId(String id) {
    return Optional.ofNullable(BY_ID.get(id));
  }

  private static Map<String, Vendor> index() {
    Map<String, Vendor> byId = new LinkedHashMap<>();
    for (Vendor vendor : ALL) {
      if (byId.put(vendor.id(), vendor) != null) {
        throw new IllegalStateException("vendor listed twice: " + vendor.id());
      }
    }
    return Map.copyOf(byId);
  }
}
