package dev.switchboard.providers.bedrock;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.guardrails.RemoteGuardrail;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ApplyGuardrailRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ApplyGuardrailResponse;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailAction;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailContentSource;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailOutputContent;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailTextBlock;

/**
 * Amazon Bedrock Guardrails' {@code ApplyGuardrail} as the guardrails' remote check: the text goes
 * to the guardrail as {@code INPUT} or {@code OUTPUT}; an intervention that only anonymized (PII or
 * regex filters set to mask) hands back the guardrail's masked text, any other (a denied topic, a
 * content or word filter, a PII filter set to block) is a finding with nothing to keep.
 */
public final class BedrockGuardrail implements RemoteGuardrail {

  /** What an action says on an assessment entry that blocked. */
  private static final String BLOCKED = "BLOCKED";

  private final Supplier<BedrockRuntimeAsyncClient> client;
  private final Duration timeout;
  private volatile BedrockRuntimeAsyncClient built;

  /**
   * @param client the runtime client, built on the first call (most deployments never make one)
   * @param timeout the most one call may take
   */
  public BedrockGuardrail(Supplier<BedrockRuntimeAsyncClient> client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  /**
   * The guardrail check of a deployment: Bedrock's runtime endpoint in {@code BEDROCK_REGION} (else
   * {@code AWS_REGION}), or {@code AWS_ENDPOINT_URL_BEDROCK_RUNTIME}, signed with the default
   * credentials chain; the client is built on the first check, whether or not Bedrock models are
   * routable.
   */
  public static BedrockGuardrail from(Env env, Duration connectTimeout) {
    return new BedrockGuardrail(
        () -> {
          String region =
              env.optional(Variables.BEDROCK_REGION)
                  .or(() -> env.optional(Variables.AWS_REGION))
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "a bedrock guardrail needs BEDROCK_REGION or AWS_REGION"));
          return BedrockProvider.client(
              new BedrockConfig(
                  region, env.optionalUrl(Variables.AWS_ENDPOINT_URL_BEDROCK_RUNTIME)),
              DefaultCredentialsProvider.builder().build(),
              connectTimeout);
        },
        CALL_TIMEOUT);
  }

  /** The most one check may take. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  @Override
  public Verdict apply(String id, String version, boolean output, String text) {
    ApplyGuardrailRequest request =
        ApplyGuardrailRequest.builder()
            .guardrailIdentifier(id)
            .guardrailVersion(version)
            .source(output ? GuardrailContentSource.OUTPUT : GuardrailContentSource.INPUT)
            .content(
                GuardrailContentBlock.builder()
                    .text(GuardrailTextBlock.builder().text(text).build())
                    .build())
            .build();
    ApplyGuardrailResponse response;
    var future = client().applyGuardrail(request);
    try {
      response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("ApplyGuardrail gave no answer within " + timeout);
    } catch (ExecutionException e) {
      // the SDK's message names the service's error, never the text sent
      throw new IllegalStateException(
          "ApplyGuardrail failed: " + e.getCause().getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new IllegalStateException("interrupted while calling ApplyGuardrail");
    }
    if (response.action() != GuardrailAction.GUARDRAIL_INTERVENED) {
      return new Verdict(false, null);
    }
    if (blocked(response.assessments()) || !response.hasOutputs()) {
      return new Verdict(true, null);
    }
    return new Verdict(
        true,
        response.outputs().stream()
            .map(GuardrailOutputContent::text)
            .collect(Collectors.joining("\n")));
  }

  private BedrockRuntimeAsyncClient client() {
    BedrockRuntimeAsyncClient c = built;
    if (c == null) {
      synchronized (this) {
        if (built == null) {
          built = client.get();
        }
        c = built;
      }
    }
    return c;
  }

  /** Whether any policy entry of the assessments, however deep, has the action BLOCKED. */
  static boolean blocked(Object node) {
    if (node instanceof SdkPojo pojo) {
      for (SdkField<?> field : pojo.sdkFields()) {
        Object value = field.getValueOrDefault(pojo);
        if ("action".equals(field.memberName()) && BLOCKED.equals(String.valueOf(value))) {
          return true;
        }
        if (blocked(value)) {
          return true;
        }
      }
    } else if (node instanceof Collection<?> list) {
      for (Object item : list) {
        if (blocked(item)) {
          return true;
        }
      }
    } else if (node instanceof Map<?, ?> map) {
      for (Object item : map.values()) {
        if (blocked(item)) {
          return true;
        }
      }
    }
    return false;
  }
}
