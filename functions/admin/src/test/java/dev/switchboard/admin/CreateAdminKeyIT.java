package dev.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.auth.ApiKey;
import dev.switchboard.core.auth.ApiKeys;
import dev.switchboard.store.DynamoClients;
import dev.switchboard.store.DynamoKeyStore;
import dev.switchboard.store.Tables;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's first-admin-key command writes a key the gateway and admin API accept. */
@ExtendWith(DynaliteExtension.class)
class CreateAdminKeyIT {

  @Test
  void writesAnAdminKeyThatTheStoreFindsByItsSecretAndItsId(DynaliteEndpoint dynalite) {
    Map<String, String> env =
        Map.of(
            "AWS_ENDPOINT_URL_DYNAMODB", dynalite.uri().toString(),
            "AWS_ACCESS_KEY_ID", "local",
            "AWS_SECRET_ACCESS_KEY", "local",
            "AWS_REGION", "us-east-1");
    String table = "keys-" + UUID.randomUUID();
    try (var dynamo = DynamoClients.create(env, Duration.ofSeconds(10))) {
      Tables.create(dynamo, Tables.keys(table));
      String secret = CreateAdminKey.create(env, table, "first admin");
      assertThat(secret).startsWith(ApiKeys.PREFIX).hasSize(ApiKeys.PREFIX.length() + 43);
      DynamoKeyStore store = new DynamoKeyStore(dynamo, table);
      ApiKey key = store.findByHash(ApiKeys.hash(secret)).orElseThrow();
      assertThat(key.role()).isEqualTo(ApiKey.Role.ADMIN);
      assertThat(key.disabled()).isFalse();
      assertThat(store.findById(key.id())).contains(key);
    }
  }
}
