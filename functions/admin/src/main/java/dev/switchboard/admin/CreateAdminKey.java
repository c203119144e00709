package dev.switchboard.admin;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Creates the first management key of a deployed stack, straight in its Keys table, with the
 * operator's own AWS credentials (the usual chain: profile, environment, SSO). It writes through
 * the same adapter as the admin API, so the item cannot drift from what the gateway reads. Prints
 * the secret once.
 *
 * <pre>
 * java -cp 'functions/admin/target/switchboard-admin-0.1.0-SNAPSHOT.jar:functions/admin/target/lib/*' \
 *   dev.switchboard.admin.CreateAdminKey --table switchboard-KeysTable-XXXX --region eu-west-1
 * </pre>
 */
public final class CreateAdminKey {

  private CreateAdminKey() {}

  public static void main(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    String table = options.get("--table");
    if (table == null || args.length % 2 != 0) {
      System.err.println(
          "usage: CreateAdminKey --table <Keys table name> [--region <region>] [--name <name>]"
              + " [--endpoint <DynamoDB endpoint URL>]");
      System.exit(2);
      return;
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    if (options.containsKey("--region")) {
      env.put("AWS_REGION", options.get("--region"));
    }
    if (options.containsKey("--endpoint")) {
      env.put("AWS_ENDPOINT_URL_DYNAMODB", options.get("--endpoint"));
    }
    String secret = create(env, table, options.getOrDefault("--name", "first admin"));
    System.out.println("Created admin key " + ApiKeys.idOf(ApiKeys.hash(secret)) + ".");
    // printed once on purpose: only its hash is stored
    System.out.println("Key (shown once): " + secret);
  }

  /** Writes a new admin key to {@code table}; returns its secret. */
  static String create(Map<String, String> env, String table, String name) {
    String secret = ApiKeys.newSecret(new SecureRandom());
    String hash = ApiKeys.hash(secret);
    try (var dynamo = DynamoClients.create(env, Duration.ofSeconds(10))) {
      new DynamoKeyStore(dynamo, table)
          .put(
              new ApiKey(
                  hash,
                  ApiKeys.idOf(hash),
                  name,
                  "operator",
                  ApiKey.Role.ADMIN,
                  false,
                  Clock.systemUTC().instant(),
                  null));
    }
    return secret;
  }
}
