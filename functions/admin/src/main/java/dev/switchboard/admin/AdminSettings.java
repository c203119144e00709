package dev.switchboard.admin;

import static dev.switchboard.core.config.Variables.BUDGETS_TABLE;
import static dev.switchboard.core.config.Variables.KEYS_TABLE;

import dev.switchboard.core.config.Env;
import dev.switchboard.store.StoreSettings;

/**
 * The admin and reconciler functions' configuration, read once at init: the tables (both required)
 * and the store.
 */
record AdminSettings(String keysTable, String budgetsTable, StoreSettings store) {

  static AdminSettings from(Env env) {
    return new AdminSettings(
        env.required(KEYS_TABLE), env.required(BUDGETS_TABLE), StoreSettings.from(env));
  }
}
