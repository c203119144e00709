package dev.switchboard.core.guardrails;

/**
 * A guardrail evaluated by a managed service (Amazon Bedrock Guardrails' {@code ApplyGuardrail}):
 * the port the providers module implements.
 */
public interface RemoteGuardrail {

  /**
   * Evaluates {@code text} against the guardrail {@code id} at {@code version}.
   *
   * @param output true for a model's answer, false for a request's input
   * @return the service's verdict
   * @throws RuntimeException when the service cannot be reached or refuses the call
   */
  Verdict apply(String id, String version, boolean output, String text);

  /**
   * What the service decided.
   *
   * @param intervened whether the guardrail intervened (blocked or masked something)
   * @param masked the text with what it masked replaced, when it only masked; null when it blocked
   *     or did not intervene
   */
  record Verdict(boolean intervened, String masked) {}
}
