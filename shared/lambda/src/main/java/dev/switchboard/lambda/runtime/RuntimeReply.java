package dev.switchboard.lambda.runtime;

import java.util.Map;

/** A Runtime API reply: status, headers (case-insensitive names) and body. */
record RuntimeReply(int status, Map<String, String> headers, byte[] body) {

  boolean successful() {
    return status >= 200 && status < 300;
  }

  /**
   * The Runtime API's "Container error. Non-recoverable state. Runtime should exit promptly." It
   * documents 500; any 5xx is taken the same way, since none of them leaves a state to go on from.
   */
  boolean containerError() {
    return status >= 500;
  }
}
