package dev.switchboard.reporting;

import dev.switchboard.core.config.Env;
import dev.switchboard.lambda.runtime.BufferedLambdaHandler;

/** The reporting function's Lambda entry point ({@code Handler} in the template), buffered. */
public final class ReportingFunction extends BufferedLambdaHandler {
  public ReportingFunction() {
    super(ReportingHandler.create(Env.system()));
  }
}
