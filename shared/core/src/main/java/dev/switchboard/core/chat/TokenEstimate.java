package dev.switchboard.core.chat;

import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.Message;

/**
 * A rough token count (about four characters a token, plus a few tokens of framing per message),
 * used only where an upstream reports no usage at all.
 */
public final class TokenEstimate {

  private static final int TOKENS_PER_MESSAGE = 4;

  private TokenEstimate() {}

  public static long ofText(CharSequence text) {
    return (text.length() + 3) / 4;
  }

  public static long ofPrompt(ChatRequest request) {
    long tokens = 0;
    for (Message message : request.messages()) {
      tokens += TOKENS_PER_MESSAGE + ofText(message.plainText());
    }
    return tokens;
  }
}
