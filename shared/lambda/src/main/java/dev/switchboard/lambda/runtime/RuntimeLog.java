package dev.switchboard.lambda.runtime;

/**
 * One-line log records on standard error, which Lambda ships to CloudWatch. No logging framework:
 * it would cost cold-start time for a handful of lines. Callers never pass request bodies, keys or
 * exception messages from outside code.
 */
final class RuntimeLog {

  private RuntimeLog() {}

  static void info(String message) {
    System.err.println("switchboard-runtime INFO " + message);
  }

  static void warn(String message) {
    System.err.println("switchboard-runtime WARN " + message);
  }
}
