package dev.switchboard.core.api.responses;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;

/**
 * A Responses API request ({@code POST /v1/responses}) once read: the neutral chat request it
 * translates into, and what the Responses object it answers with repeats of it.
 *
 * @param chat the neutral request every provider adapter takes, the conversation included
 * @param echo the request's settings as the Responses object reports them ({@code instructions},
 *     {@code tools}, {@code tool_choice}, {@code text}, {@code reasoning}, {@code temperature},
 *     {@code top_p}, {@code max_output_tokens}, {@code metadata}, {@code parallel_tool_calls},
 *     {@code previous_response_id}, {@code store}, {@code truncation}, {@code user})
 * @param conversation every input item the answer follows, the previous responses' included, in the
 *     Responses item shape: what a stored response keeps for the next one to continue
 * @param store whether the answer is to be stored ({@code store}, true unless the client says
 *     otherwise)
 */
public record ResponsesRequest(
    ChatRequest chat, ObjectNode echo, ArrayNode conversation, boolean store) {

  /** The model as the client named it. */
  public String model() {
    return chat.model();
  }

  public boolean stream() {
    return chat.stream();
  }
}
