package dev.switchboard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Bodies as OpenAI documents them, for the schema tests. */
final class WireSamples {

  private static final ObjectMapper JSON = new ObjectMapper();

  private WireSamples() {}

  static final String COMPLETION =
      """
      {"id":"chatcmpl-1","object":"chat.completion","created":1741570283,"model":"gpt-4o",
       "choices":[{"index":0,"finish_reason":"stop","logprobs":null,
         "message":{"role":"assistant","content":"Hello.","refusal":null,"annotations":[]}}],
       "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,
         "prompt_tokens_details":{"cached_tokens":0}}}
      """;

  static final String CHUNK =
      """
      {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o",
       "choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}],
       "usage":null}
      """;

  static final String USAGE_CHUNK =
      """
      {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o",
       "choices":[],
       "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}
      """;

  static final String ERROR =
      """
      {"error":{"message":"Rate limit reached","type":"requests","param":null,
       "code":"rate_limit_exceeded"}}
      """;

  static final String MODELS =
      """
      {"object":"list","data":[{"id":"gpt-4o","object":"model","created":1686935002,
       "owned_by":"openai"}]}
      """;

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
