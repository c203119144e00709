package dev.switchboard.core.guardrails;

import java.util.List;

/**
 * An Amazon Bedrock guardrail, by id and version: AWS's managed content filters, denied topics,
 * word filters and PII. Redaction takes the text as the guardrail masked it; a guardrail that
 * intervened without masking redacts the whole text as {@code [GUARDRAIL]}.
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
    RemoteGuardrail.Verdict verdict = remote.apply(id, version, output, text);
    if (!verdict.intervened()) {
      return Inspection.CLEAN;
    }
    return new Inspection(true, verdict.masked() == null ? "[GUARDRAIL]" : verdict.masked());
  }
}
