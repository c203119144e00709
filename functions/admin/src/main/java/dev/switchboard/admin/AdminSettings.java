package dev.switchboard.admin;

import static dev.switchboard.core.config.Variables.BUDGETS_TABLE;
import static dev.switchboard.core.config.Variables.KEYS_TABLE;

import dev.switchboard.core.config.Env;
import dev.switchboard.identity.IdentitySettings;
import dev.switchboard.store.StoreSettings;
import java.util.Optional;

/**
 * The admin and reconciler functions' configuration, read once at init: the tables (both required),
 * the store, and OIDC sign-in (empty when off).
 */
record AdminSettings(
    String keysTable,
    String budgetsTable,
    StoreSettings store,
    Optional<IdentitySettings> identity) {

  static AdminSettings from(Env env) {
    return new AdminSettings(
        env.required(KEYS_TABLE),
        env.required(BUDGETS_TABLE),
        StoreSettings.from(env),
        IdentitySettings.from(env));
  }
}
