package dev.switchboard.lambda.runtime;

/** One invocation as {@code /runtime/invocation/next} hands it over. */
record Invocation(
    String requestId, long deadlineMillis, String traceId, String functionArn, byte[] event) {}
