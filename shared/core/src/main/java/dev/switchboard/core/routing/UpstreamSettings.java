package dev.switchboard.core.routing;

import static dev.switchboard.core.config.Variables.CIRCUIT_COOLDOWN_MS;
import static dev.switchboard.core.config.Variables.CIRCUIT_FAILURE_THRESHOLD;
import static dev.switchboard.core.config.Variables.SHARED_HEALTH_REFRESH_MS;
import static dev.switchboard.core.config.Variables.STREAM_KEEPALIVE_MS;
import static dev.switchboard.core.config.Variables.UPSTREAM_CONNECT_TIMEOUT_MS;
import static dev.switchboard.core.config.Variables.UPSTREAM_FIRST_BYTE_TIMEOUT_MS;
import static dev.switchboard.core.config.Variables.UPSTREAM_IDLE_TIMEOUT_MS;
import static dev.switchboard.core.config.Variables.UPSTREAM_MAX_RETRIES;
import static dev.switchboard.core.config.Variables.UPSTREAM_RETRY_BASE_DELAY_MS;
import static dev.switchboard.core.config.Variables.UPSTREAM_RETRY_MAX_DELAY_MS;
import static dev.switchboard.core.config.Variables.UPSTREAM_TOTAL_TIMEOUT_MS;

import dev.switchboard.core.config.Env;
import java.time.Duration;

/**
 * How calls to providers behave: the piece of configuration routing is built from.
 *
 * @param timeouts each attempt's and the whole request's limits (a provider policy may override
 *     them)
 * @param retries retries per candidate and their backoff
 * @param streamKeepAlive the interval of keep-alives while a stream waits for its first token
 * @param circuitFailureThreshold consecutive failures that open a circuit
 * @param circuitCooldown how long an open circuit is skipped before one probe
 * @param sharedHealthRefresh how often an instance rereads the health all instances share; zero
 *     turns sharing off
 */
public record UpstreamSettings(
    AttemptTimeouts timeouts,
    RetryPolicy retries,
    Duration streamKeepAlive,
    int circuitFailureThreshold,
    Duration circuitCooldown,
    Duration sharedHealthRefresh) {

  public static UpstreamSettings from(Env env) {
    return new UpstreamSettings(
        new AttemptTimeouts(
            env.millis(UPSTREAM_CONNECT_TIMEOUT_MS),
            env.millis(UPSTREAM_FIRST_BYTE_TIMEOUT_MS),
            env.millis(UPSTREAM_IDLE_TIMEOUT_MS),
            env.millis(UPSTREAM_TOTAL_TIMEOUT_MS)),
        new RetryPolicy(
            env.integer(UPSTREAM_MAX_RETRIES),
            env.millis(UPSTREAM_RETRY_BASE_DELAY_MS),
            env.millis(UPSTREAM_RETRY_MAX_DELAY_MS)),
        env.millis(STREAM_KEEPALIVE_MS),
        env.integer(CIRCUIT_FAILURE_THRESHOLD),
        env.millis(CIRCUIT_COOLDOWN_MS),
        env.millis(SHARED_HEALTH_REFRESH_MS));
  }
}
