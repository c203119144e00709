package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.admin.AdminFunction;
import dev.switchboard.gateway.GatewaySettings;
import dev.switchboard.gateway.ProviderSettings;
import dev.switchboard.gateway.UsageSettings;
import dev.switchboard.providers.openai.Vendor;
import dev.switchboard.providers.openai.Vendors;
import dev.switchboard.reporting.ReportingSettings;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/CONFIGURATION.md's table and the variables the functions read name the same set. */
class ConfigurationDocsTest {

  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([^`]+)`(?:, `([^`]+)`)? \\|");
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+");

  /**
   * Variables read outside the settings classes, each documented in the table: the AWS SDK's
   * standard ones (read by {@code AwsClientSettings}) and the dev server's own (in {@code local}).
   */
  private static final Set<String> READ_ELSEWHERE =
      Set.of(
          "AWS_ENDPOINT_URL",
          "AWS_ENDPOINT_URL_DYNAMODB",
          "PORT",
          "HOST",
          "SWITCHBOARD_DEV_KEY",
          "RECONCILE_INTERVAL_SECONDS");

  /** Set by the Lambda service, never by an operator: not in the table. */
  private static final Set<String> SET_BY_LAMBDA = Set.of("AWS_LAMBDA_INITIALIZATION_TYPE");

  @Test
  void everyVariableTheFunctionsReadIsInTheConfigurationTableAndNothingElseIs() throws Exception {
    Set<String> read = new TreeSet<>();
    for (Class<?> settings :
        List.of(
            GatewaySettings.class,
            ProviderSettings.class,
            UsageSettings.class,
            ReportingSettings.class,
            Class.forName("dev.switchboard.admin.AdminSettings", true, loader()))) {
      read.addAll(names(settings));
    }
    read.removeAll(SET_BY_LAMBDA);
    Set<String> documented = documented();

    Set<String> undocumented = new TreeSet<>(read);
    undocumented.removeAll(documented);
    assertThat(undocumented).as("read but not in docs/CONFIGURATION.md").isEmpty();

    Set<String> unread = new TreeSet<>(documented);
    unread.removeAll(read);
    unread.removeAll(READ_ELSEWHERE);
    unread.removeAll(List.of("<PREFIX>_API_KEY", "<PREFIX>_BASE_URL"));
    for (Vendor vendor : Vendors.all()) {
      unread.remove(ProviderSettings.apiKeyVariable(vendor));
      unread.remove(ProviderSettings.baseUrlVariable(vendor));
    }
    assertThat(unread).as("in docs/CONFIGURATION.md but read by nothing").isEmpty();
  }

  @Test
  void theStoreTimeoutsDocumentedDefaultsAreEachFunctionsOwn() throws Exception {
    String row = row("STORE_TIMEOUT_MS");
    // the gateway and admin functions fail closed after 3 s; reports may take longer
    assertThat(ReportingSettings.from(Map.of("KEYS_TABLE", "k", "USAGE_TABLE", "u")).storeTimeout())
        .hasMillis(10_000);
    assertThat(row).contains("`3000`").contains("reporting function: `10000`");
  }

  private static ClassLoader loader() {
    return AdminFunction.class.getClassLoader();
  }

  /** Every static final String constant of {@code type} whose value is a variable name. */
  private static Set<String> names(Class<?> type) throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers)
          && Modifier.isFinal(modifiers)
          && field.getType() == String.class) {
        field.setAccessible(true);
        String value = (String) field.get(null);
        if (NAME.matcher(value).matches()) {
          names.add(value);
        }
      }
    }
    return names;
  }

  private static String table() throws Exception {
    return Files.readString(
        Project.root().resolve("docs/CONFIGURATION.md"), StandardCharsets.UTF_8);
  }

  private static Set<String> documented() throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher row = ROW.matcher(table());
    while (row.find()) {
      names.add(row.group(1));
      if (row.group(2) != null) {
        names.add(row.group(2));
      }
    }
    return names;
  }

  private static String row(String name) throws Exception {
    return table()
        .lines()
        .filter(line -> line.startsWith("| `" + name + "`"))
        .findFirst()
        .orElseThrow();
  }
}
