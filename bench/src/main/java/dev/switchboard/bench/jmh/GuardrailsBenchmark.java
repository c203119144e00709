package dev.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.api.ChatRequest;
import dev.switchboard.core.api.ChatRequestParser;
import dev.switchboard.core.guardrails.BuiltInChecks;
import dev.switchboard.core.guardrails.Guardrails;
import dev.switchboard.core.guardrails.InputGuard;
import dev.switchboard.core.guardrails.Rule;
import dev.switchboard.core.guardrails.Triggered;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the built-in guardrail checks add to a request: every one of them (emails, phones, cards,
 * IBANs, SSNs, IP addresses, AWS keys, private keys, API keys, prompt injection) over a 4 KB
 * prompt, as the input step of the chat use case runs them ({@link InputGuard}), once with nothing
 * to find and once with an email and a card to redact. Sampled per call, so JMH reports p50 and p99
 * as well as the mean.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GuardrailsBenchmark {

  private static final String PARAGRAPH =
      "Our quarterly review covers the migration of the billing service to the new cluster, the"
          + " 14 incidents opened since March (three of them customer-facing), and the plan for"
          + " version 2.3 of the mobile app. Latency at the 99th percentile went from 840 ms to"
          + " 310 ms after the cache change; the error budget for the quarter is 43 minutes, of"
          + " which 12 were used. Please summarise the risks, list the owners, and suggest what"
          + " to drop if the schedule slips by two weeks. ";

  private List<Rule> rules;
  private ChatRequest clean;
  private ChatRequest leaky;

  @Setup
  public void setUp() {
    StringBuilder policy = new StringBuilder("{\"policies\": {\"all\": [");
    List<String> checks = BuiltInChecks.NAMES;
    for (int i = 0; i < checks.size(); i++) {
      policy
          .append(i == 0 ? "" : ",")
          .append("{\"check\": \"")
          .append(checks.get(i))
          .append("\", \"on\": \"input\", \"action\": \"redact\"}");
    }
    policy.append("]}, \"default\": [\"all\"]}");
    rules = Guardrails.parse(policy.toString(), null).applying(List.of(), List.of(), null).input();
    StringBuilder text = new StringBuilder();
    while (text.length() < 4096) {
      text.append(PARAGRAPH);
    }
    String prompt = text.substring(0, 4096);
    clean = request(prompt);
    leaky =
        request(
            prompt.substring(0, 2000)
                + " Contact ops-lead@corp.example, card 4111 1111 1111 1111. "
                + prompt.substring(2000, 4096 - 58));
  }

  private static ChatRequest request(String prompt) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode body = json.createObjectNode();
    body.put("model", "openai/gpt-4o-mini");
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    return new ChatRequestParser(json).parse(body);
  }

  @Benchmark
  public ChatRequest cleanPrompt4k() {
    return InputGuard.apply(rules, clean, new Triggered());
  }

  @Benchmark
  public ChatRequest promptWithFindings4k() {
    return InputGuard.apply(rules, leaky, new Triggered());
  }
}
