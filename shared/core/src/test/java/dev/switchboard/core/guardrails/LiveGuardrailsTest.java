package dev.switchboard.core.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admin-managed policies beside the configured ones, and how often the gateway reads them. */
class LiveGuardrailsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Guardrails CONFIGURED =
      Guardrails.parse(
          """
          {"policies": {"no-secrets": [{"check": "aws_access_key"}]}, "default": ["no-secrets"]}
          """,
          null);

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static final JsonNode EMAIL_BLOCK = json("[{\"check\": \"email\", \"on\": \"input\"}]");

  /** A store that counts its reads and can be made to fail. */
  private static final class CountingStore implements GuardrailPolicyStore {
    final GuardrailPolicyStore inner = GuardrailPolicyStore.inMemory();
    final AtomicInteger reads = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();

    @Override
    public AdminPolicies read() {
      reads.incrementAndGet();
      if (failing.get()) {
        throw new StoreUnavailableException("down", new RuntimeException());
      }
      return inner.read();
    }

    @Override
    public boolean replace(AdminPolicies next) {
      return inner.replace(next);
    }
  }

  @Test
  void oneRuleListParsesWithItsErrorsNamingThePathUnderTheGivenRoot() {
    assertThat(Guardrails.rules("$", EMAIL_BLOCK, null)).hasSize(1);
    assertThatThrownBy(
            () ->
                Guardrails.rules(
                    "$",
                    json("[{\"check\": \"email\"}, {\"check\": \"email\", \"on\": \"x\"}]"),
                    null))
        .hasMessage("$[1].on: must be one of input, output, both");
    assertThatThrownBy(() -> Guardrails.rules("$", json("[]"), null))
        .hasMessage("$: must be a non-empty array");
    assertThatThrownBy(() -> Guardrails.rules("$", json("{\"check\": \"email\"}"), null))
        .hasMessage("$: must be a non-empty array");
  }

  @Test
  void storedPoliciesSitBesideTheConfiguredOnesWhichKeepTheirNames() {
    AdminPolicies stored =
        AdminPolicies.EMPTY
            .withPolicy("email-block", EMAIL_BLOCK)
            .withPolicy("no-secrets", json("[{\"check\": \"email\"}]"))
            .withDefaults(List.of("email-block", "no-secrets"));
    List<String> logged = new ArrayList<>();
    Guardrails merged = LiveGuardrails.merged(CONFIGURED, stored, null, logged::add);
    assertThat(merged.names()).containsExactlyInAnyOrder("no-secrets", "email-block");
    // the configured no-secrets keeps its one aws_access_key rule
    assertThat(merged.applying(List.of(), List.of(), null).rules())
        .extracting(Rule::name)
        .containsExactly("aws_access_key", "email");
    assertThat(merged.defaults()).containsExactly("no-secrets", "email-block");
    assertThat(logged).singleElement().asString().contains("no-secrets").doesNotContain("check");
  }

  @Test
  void aStoredBedrockRuleWhereBedrockIsOffLeavesThatPolicyOutAndTheOthersIn() {
    AdminPolicies stored =
        AdminPolicies.EMPTY
            .withPolicy("remote", json("[{\"check\": \"bedrock\", \"guardrail_id\": \"g\"}]"))
            .withPolicy("email-block", EMAIL_BLOCK);
    List<String> logged = new ArrayList<>();
    Guardrails merged = LiveGuardrails.merged(CONFIGURED, stored, null, logged::add);
    assertThat(merged.names()).containsExactlyInAnyOrder("no-secrets", "email-block");
    assertThat(logged).singleElement().asString().startsWith("guardrail_policy_unusable: remote");
  }

  @Test
  void theStoreIsReadOncePerTtlAndAFailedReadKeepsTheLastSet() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    CountingStore store = new CountingStore();
    assertThat(store.replace(AdminPolicies.EMPTY.withPolicy("email-block", EMAIL_BLOCK))).isTrue();
    List<String> logged = new ArrayList<>();
    LiveGuardrails live =
        new LiveGuardrails(CONFIGURED, store, null, clock, Duration.ofSeconds(5), logged::add);
    assertThat(live.get().defines("email-block")).isTrue();
    for (int i = 0; i < 10; i++) {
      live.get();
    }
    assertThat(store.reads).hasValue(1);

    store.failing.set(true);
    clock.advance(Duration.ofSeconds(5));
    assertThat(live.get().defines("email-block")).as("the last set read").isTrue();
    assertThat(store.reads).hasValue(2);
    assertThat(logged).singleElement().asString().contains("keeping the last policies read");
    live.get();
    assertThat(store.reads).as("no second try within the TTL").hasValue(2);

    store.failing.set(false);
    store.replace(store.inner.read().withoutPolicy("email-block"));
    clock.advance(Duration.ofSeconds(5));
    assertThat(live.get().defines("email-block")).isFalse();
    assertThat(live.get().defines("no-secrets")).isTrue();
  }

  @Test
  void aFirstReadThatFailsLeavesTheConfiguredPoliciesAndSaysSo() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    CountingStore store = new CountingStore();
    store.failing.set(true);
    List<String> logged = new ArrayList<>();
    LiveGuardrails live =
        new LiveGuardrails(CONFIGURED, store, null, clock, Duration.ofSeconds(60), logged::add);
    assertThat(live.get().names()).containsExactly("no-secrets");
    assertThat(logged).singleElement().asString().contains("the configured policies only");
  }

  @Test
  void aTtlUnderOneSecondIsRefused() {
    assertThatThrownBy(
            () ->
                new LiveGuardrails(
                    CONFIGURED,
                    GuardrailPolicyStore.NONE,
                    null,
                    new ManualClock(Instant.EPOCH),
                    Duration.ZERO,
                    s -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theInMemoryStoreRefusesAWriteFromAStaleVersion() {
    GuardrailPolicyStore store = GuardrailPolicyStore.inMemory();
    AdminPolicies first = store.read().withPolicy("a", EMAIL_BLOCK);
    AdminPolicies rival = store.read().withPolicy("b", EMAIL_BLOCK);
    assertThat(store.replace(first)).isTrue();
    assertThat(store.replace(rival)).isFalse();
    assertThat(store.read().policies()).containsOnlyKeys("a");
  }
}
