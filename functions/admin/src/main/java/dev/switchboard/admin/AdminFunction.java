package dev.switchboard.admin;

import dev.switchboard.core.config.Env;
import dev.switchboard.lambda.runtime.BufferedLambdaHandler;

/** The admin function's Lambda entry point (buffered: nothing here streams). */
public final class AdminFunction extends BufferedLambdaHandler {
  public AdminFunction() {
    super(AdminHandler.create(Env.system()));
  }
}
