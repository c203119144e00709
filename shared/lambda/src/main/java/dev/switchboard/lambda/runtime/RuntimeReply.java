package dev.switchboard.lambda.runtime;

import java.util.Map;

/** A Runtime API reply: status, headers (case-insensitive names) and body. */
record RuntimeReply(int status, Map<String, String> headers, byte[] body) {

  boolean successful() {
    return status >= 200 && status < 300;
  }
}
