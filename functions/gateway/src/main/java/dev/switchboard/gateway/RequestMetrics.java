package dev.switchboard.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.usage.UsageRecord;

/**
 * Turns the access-log line of a chat request into a CloudWatch Embedded Metric Format record, so
 * CloudWatch extracts metrics from the log line the gateway writes anyway: no metrics API call, no
 * agent. Metrics are by provider and model, by provider, and overall, in namespace {@value
 * #NAMESPACE}.
 */
final class RequestMetrics {

  static final String NAMESPACE = "Switchboard";

  private RequestMetrics() {}

  /** Adds the {@code _aws} metadata and the metric values to {@code line}. */
  static void add(ObjectNode line, UsageRecord r, long epochMillis) {
    line.put("Provider", r.provider() == null ? "none" : r.provider());
    line.put("Model", r.model() == null ? "none" : r.model());
    ObjectNode aws = line.putObject("_aws");
    aws.put("Timestamp", epochMillis);
    ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
    directive.put("Namespace", NAMESPACE);
    ArrayNode dimensions = directive.putArray("Dimensions");
    dimensions.addArray().add("Provider").add("Model");
    dimensions.addArray().add("Provider");
    dimensions.addArray();
    ArrayNode metrics = directive.putArray("Metrics");
    metric(metrics, line, "Requests", "Count", 1);
    metric(metrics, line, "Errors", "Count", r.failed() ? 1 : 0);
    metric(metrics, line, "Latency", "Milliseconds", r.latency().toMillis());
    if (r.timeToFirstToken() != null) {
      metric(metrics, line, "TimeToFirstToken", "Milliseconds", r.timeToFirstToken().toMillis());
    }
    metric(metrics, line, "PromptTokens", "Count", r.usage().promptTokens());
    metric(metrics, line, "CompletionTokens", "Count", r.usage().completionTokens());
    metric(metrics, line, "CacheHits", "Count", r.cacheHit() ? 1 : 0);
    // a metric is a double; the exact amount is in the usage record
    directive.withArray("Metrics").addObject().put("Name", "CostUsd").put("Unit", "None");
    // an unpriced model's cost is unknown: counted as nothing here, left out of the record
    line.put("CostUsd", r.cost() == null ? 0 : r.cost().total().doubleValue());
  }

  private static void metric(ArrayNode metrics, ObjectNode line, String name, String unit, long v) {
    metrics.addObject().put("Name", name).put("Unit", unit);
    line.put(name, v);
  }
}
