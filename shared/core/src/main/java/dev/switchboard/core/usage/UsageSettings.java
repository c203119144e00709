package dev.switchboard.core.usage;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import java.time.Duration;

/**
 * How usage is recorded and what is logged with it: the piece of configuration the gateway (which
 * writes records) and the reporting function (which reads them) share.
 *
 * @param table the Usage table
 * @param retention how long a record is kept before DynamoDB's TTL deletes it
 * @param writeAttempts how many times a record write is tried before the record is logged whole
 * @param logContent whether prompts and completions are logged (off unless an operator turns it on)
 */
public record UsageSettings(
    String table, Duration retention, int writeAttempts, boolean logContent) {

  public static UsageSettings from(Env env) {
    return new UsageSettings(
        env.required(Variables.USAGE_TABLE),
        env.days(Variables.USAGE_RETENTION_DAYS),
        env.integer(Variables.USAGE_WRITE_ATTEMPTS),
        env.bool(Variables.LOG_MESSAGE_CONTENT));
  }
}
