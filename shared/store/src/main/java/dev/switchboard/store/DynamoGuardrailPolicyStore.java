package dev.switchboard.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.auth.StoreUnavailableException;
import dev.switchboard.core.guardrails.AdminPolicies;
import dev.switchboard.core.guardrails.GuardrailPolicyStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The admin-managed guardrail policies in the budgets table, beside the audit log and the shared
 * health: one item ({@code pk} = {@value #PARTITION}, {@code sk} = {@value #SORT}) holding the
 * whole document as JSON ({@code {"policies": {name: [rules]}, "default": [names]}}) and its {@code
 * version}. A write is a PutItem on the condition that the version is still the one read, so two
 * admins changing policies at once cannot lose each other's change: the second is refused. Policies
 * change rarely and are few; one item (DynamoDB's 400 KB) holds hundreds of them, and the gateway
 * reads them with one consistent GetItem per instance per TTL. The item has no {@code expiresAt},
 * and the reconciler's Scan reads only {@code period#} items.
 */
public final class DynamoGuardrailPolicyStore implements GuardrailPolicyStore {

  static final String PARTITION = "guardrails#policies";
  static final String SORT = "current";

  private final DynamoDbClient client;
  private final String table;
  private final ObjectMapper mapper = new ObjectMapper();

  public DynamoGuardrailPolicyStore(DynamoDbClient client, String table) {
    this.client = client;
    this.table = table;
  }

  private static Map<String, AttributeValue> key() {
    return Map.of("pk", AttributeValue.fromS(PARTITION), "sk", AttributeValue.fromS(SORT));
  }

  @Override
  public AdminPolicies read() {
    Map<String, AttributeValue> item;
    try {
      item = client.getItem(r -> r.tableName(table).key(key()).consistentRead(true)).item();
    } catch (SdkException e) {
      throw new StoreUnavailableException("guardrail policies read failed", e);
    }
    if (item == null || item.isEmpty()) {
      return AdminPolicies.EMPTY;
    }
    JsonNode doc;
    try {
      doc = mapper.readTree(item.get("document").s());
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException("guardrail policies item unreadable", e);
    }
    Map<String, JsonNode> policies = new LinkedHashMap<>();
    doc.path("policies").properties().forEach(p -> policies.put(p.getKey(), p.getValue()));
    List<String> defaults = new ArrayList<>();
    doc.path("default").forEach(n -> defaults.add(n.asText()));
    return new AdminPolicies(Long.parseLong(item.get("version").n()), policies, defaults);
  }

  @Override
  public boolean replace(AdminPolicies next) {
    ObjectNode doc = mapper.createObjectNode();
    ObjectNode policies = doc.putObject("policies");
    next.policies().forEach(policies::set);
    next.defaults().forEach(doc.putArray("default")::add);
    Map<String, AttributeValue> item = new LinkedHashMap<>(key());
    item.put("version", AttributeValue.fromN(Long.toString(next.version())));
    try {
      item.put("document", AttributeValue.fromS(mapper.writeValueAsString(doc)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    long expected = next.version() - 1;
    try {
      client.putItem(
          r -> {
            r.tableName(table).item(item);
            if (expected == 0) {
              r.conditionExpression("attribute_not_exists(pk)");
            } else {
              r.conditionExpression("#v = :v")
                  .expressionAttributeNames(Map.of("#v", "version"))
                  .expressionAttributeValues(
                      Map.of(":v", AttributeValue.fromN(Long.toString(expected))));
            }
          });
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    } catch (SdkException e) {
      throw new StoreUnavailableException("guardrail policies write failed", e);
    }
  }
}
