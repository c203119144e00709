package dev.switchboard.core.guardrails;

import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.util.List;

/**
 * An Amazon Bedrock guardrail, by id and version: AWS's managed content filters, denied topics,
 * word filters and PII. Redaction takes the text as the guardrail masked it; a guardrail that
 * intervened without masking redacts the whole text as {@code [GUARDRAIL]}. When the service cannot
 * be reached the request fails closed: a 503 {@code guardrail_unavailable}.
 */
final class BedrockCheck implements Check {

  private final RemoteGuardrail remote;
  private final String id;
  private final String version;

  BedrockCheck(RemoteGuardrail remote, String id, String version) {
    this.remote = remote;
    this.id = id;
    this.version = version;
  }

  @Override
  public List<Finding> find(String text) {
    return inspect(text, false).found()
        ? List.of(new Finding(0, text.length(), "GUARDRAIL"))
        : List.of();
  }

  @Override
  public Inspection inspect(String text, boolean output) {
    if (text.isEmpty()) {
      return Inspection.CLEAN;
    }
    RemoteGuardrail.Verdict verdict;
    try {
      verdict = remote.apply(id, version, output, text);
    } catch (RuntimeException e) {
      // fails closed: a request the operator wanted checked is not served unchecked
      throw new GatewayException(
          ErrorKind.UNAVAILABLE,
          "guardrail_unavailable",
          "The guardrail service could not check the " + (output ? "answer" : "request") + ".");
    }
    if (!verdict.intervened()) {
      return Inspection.CLEAN;
    }
    return new Inspection(true, verdict.masked() == null ? "[GUARDRAIL]" : verdict.masked());
  }
}
