package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.reporting.ReportingSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md's table and {@link Variables}, the names class every function reads
 * through, agree both ways: the same set of names, and each declared default is the one the table
 * gives.
 */
class ConfigurationDocsTest {

  /** A row: the name (or two names sharing a row) and the default column. */
  private static final Pattern ROW =
      Pattern.compile("(?m)^\\| `([^`]+)`(?:, `([^`]+)`)? \\| ([^|]*) \\|");

  @Test
  void theConfigurationTableNamesExactlyTheDeclaredVariables() throws Exception {
    Set<String> declared = new TreeSet<>(ConfigurationVariables.declared().keySet());
    Set<String> documented = documented().keySet();

    Set<String> undocumented = new TreeSet<>(declared);
    undocumented.removeAll(documented);
    assertThat(undocumented).as("declared but not in docs/CONFIGURATION.md").isEmpty();

    Set<String> unread = new TreeSet<>(documented);
    unread.removeAll(declared);
    unread.removeAll(List.of("<PREFIX>_API_KEY", "<PREFIX>_BASE_URL"));
    unread.removeAll(ConfigurationVariables.vendorVariables());
    assertThat(unread).as("in docs/CONFIGURATION.md but read by nothing").isEmpty();
  }

  @Test
  void everyDeclaredDefaultIsTheOneTheTableGives() throws Exception {
    Map<String, String> documented = documented();
    Map<String, String> wrong = new TreeMap<>();
    ConfigurationVariables.declared()
        .forEach(
            (name, fallback) -> {
              if (fallback.isPresent()
                  && !documented.getOrDefault(name, "").contains("`" + fallback.get() + "`")) {
                wrong.put(
                    name, "declared `" + fallback.get() + "`, table: " + documented.get(name));
              }
            });
    assertThat(wrong).isEmpty();
  }

  @Test
  void theStoreTimeoutsDocumentedDefaultsAreEachFunctionsOwn() throws Exception {
    // the gateway and admin functions fail closed after 3 s; reports may take longer
    assertThat(
            ReportingSettings.from(Env.of(Map.of("KEYS_TABLE", "k", "USAGE_TABLE", "u")))
                .store()
                .callTimeout())
        .hasMillis(Variables.REPORT_STORE_TIMEOUT_MS.fallback());
    assertThat(documented().get("STORE_TIMEOUT_MS"))
        .contains("`" + Variables.STORE_TIMEOUT_MS.fallback() + "`")
        .contains("reporting function: `" + Variables.REPORT_STORE_TIMEOUT_MS.fallback() + "`");
  }

  /** Each documented name and its row's default column. */
  private static Map<String, String> documented() throws Exception {
    String table =
        Files.readString(Project.root().resolve("docs/CONFIGURATION.md"), StandardCharsets.UTF_8);
    Map<String, String> names = new TreeMap<>();
    Matcher row = ROW.matcher(table);
    while (row.find()) {
      names.put(row.group(1), row.group(3));
      Optional.ofNullable(row.group(2)).ifPresent(second -> names.put(second, row.group(3)));
    }
    return names;
  }
}
