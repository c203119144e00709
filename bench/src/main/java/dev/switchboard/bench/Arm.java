package dev.switchboard.bench;

import java.net.URI;
import java.util.Map;

/**
 * One way of reaching the fake upstream: straight, or through a gateway.
 *
 * @param name the arm's name in the report
 * @param chatUri where chat completions are posted
 * @param headers what every request carries (keys, the peer's routing headers)
 * @param model the model id this arm's clients ask for
 * @param process the gateway's process, for its CPU time; null for the direct arm
 */
record Arm(
    String name, URI chatUri, Map<String, String> headers, String model, ChildProcess process) {

  boolean direct() {
    return process == null;
  }
}
