package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.guardrails.AdminPolicies;
import dev.switchboard.testkit.DynaliteEndpoint;
import dev.switchboard.testkit.DynaliteExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(DynaliteExtension.class)
class DynamoGuardrailPolicyStoreIT {

  private final DynamoGuardrailPolicyStore store;

  DynamoGuardrailPolicyStoreIT(DynaliteEndpoint dynalite) {
    DynamoDbClient client = LocalClients.dynamo(dynalite, Duration.ofSeconds(5));
    String table = "budgets-" + UUID.randomUUID();
    Tables.create(client, Tables.budgets(table));
    store = new DynamoGuardrailPolicyStore(client, table);
  }

  @Test
  void nothingWrittenIsTheEmptyDocumentAndAWriteReadsBackWhole() throws Exception {
    assertThat(store.read()).isEqualTo(AdminPolicies.EMPTY);
    var rules = new ObjectMapper().readTree("[{\"check\": \"email\", \"action\": \"redact\"}]");
    AdminPolicies first = new AdminPolicies(1, Map.of("pii", rules), List.of("pii"));
    assertThat(store.replace(first)).isTrue();
    AdminPolicies read = store.read();
    assertThat(read.version()).isEqualTo(1);
    assertThat(read.policies()).containsOnlyKeys("pii");
    assertThat(read.policies().get("pii")).isEqualTo(rules);
    assertThat(read.defaults()).containsExactly("pii");
  }

  @Test
  void ofTwoWritesFromOneVersionTheSecondIsRefusedAndChangesNothing() throws Exception {
    var rules = new ObjectMapper().readTree("[{\"check\": \"email\"}]");
    assertThat(store.replace(AdminPolicies.EMPTY.withPolicy("seed", rules))).isTrue();
    AdminPolicies base = store.read();
    assertThat(store.replace(base.withPolicy("a", rules))).isTrue();
    assertThat(store.replace(base.withPolicy("b", rules))).isFalse();
    assertThat(store.read().policies()).containsOnlyKeys("seed", "a");
    // two first writes: the second finds the item there
    assertThat(store.replace(AdminPolicies.EMPTY.withPolicy("c", rules))).isFalse();
  }
}
