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

  static final String RESPONSE =
      """
      {"id":"resp_67ccd2bed1ec8190","object":"response","created_at":1741476542,
       "status":"completed","background":false,"error":null,"incomplete_details":null,
       "instructions":null,"max_output_tokens":null,"model":"gpt-4.1-2025-04-14",
       "output":[{"type":"message","id":"msg_67ccd2bf17f0","status":"completed",
         "role":"assistant","content":[{"type":"output_text","text":"Hello.","annotations":[]}]},
        {"type":"function_call","id":"fc_12345xyz","call_id":"call_12345xyz",
         "name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}",
         "status":"completed"}],
       "parallel_tool_calls":true,"previous_response_id":null,
       "reasoning":{"effort":null,"summary":null},"store":true,"temperature":1.0,
       "text":{"format":{"type":"text"}},"tool_choice":"auto",
       "tools":[{"type":"function","name":"get_weather","description":null,
         "parameters":{"type":"object"},"strict":true}],
       "top_p":1.0,"truncation":"disabled",
       "usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,
         "output_tokens_details":{"reasoning_tokens":0},"total_tokens":123},
       "metadata":{}}
      """;

  static final String TEXT_DELTA_EVENT =
      """
      {"type":"response.output_text.delta","item_id":"msg_123","output_index":0,
       "content_index":0,"delta":"In","logprobs":[],"sequence_number":4}
      """;

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
