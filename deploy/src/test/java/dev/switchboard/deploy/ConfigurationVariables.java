package dev.switchboard.deploy;

import dev.switchboard.core.config.Flag;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.config.WholeNumber;
import dev.switchboard.providers.openai.OpenAiCompatibleFactory;
import dev.switchboard.providers.openai.Vendor;
import dev.switchboard.providers.openai.Vendors;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The variables {@link Variables} declares, read by reflection so that a constant added there is
 * checked against the docs and the template without a list to keep in step.
 */
final class ConfigurationVariables {

  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** The dev server's own variables: never set on a function. */
  static final Set<String> DEV_SERVER =
      Set.of("PORT", "HOST", "SWITCHBOARD_DEV_KEY", "RECONCILE_INTERVAL_SECONDS");

  private ConfigurationVariables() {}

  /**
   * Every top-level name with its default where the declaration has one: {@code "3000"}, {@code
   * "true"}, or empty. The nested classes (set by Lambda, the AWS SDK's credentials) are not
   * operators' configuration and are left out.
   */
  static Map<String, Optional<String>> declared() {
    Map<String, Optional<String>> names = new TreeMap<>();
    for (Field field : Variables.class.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (!Modifier.isStatic(modifiers) || !Modifier.isPublic(modifiers)) {
        continue;
      }
      Object value;
      try {
        value = field.get(null);
      } catch (IllegalAccessException e) {
        throw new AssertionError(e);
      }
      switch (value) {
        case String name when NAME.matcher(name).matches() -> names.put(name, Optional.empty());
        case WholeNumber number ->
            names.putIfAbsent(number.name(), Optional.of(String.valueOf(number.fallback())));
        case Flag flag -> names.put(flag.name(), Optional.of(String.valueOf(flag.fallback())));
        default -> {
          // a suffix such as _API_KEY, not a name
        }
      }
    }
    return names;
  }

  /** Every variable a configured OpenAI-compatible vendor may read, derived from its prefix. */
  static Set<String> vendorVariables() {
    Set<String> names = new TreeSet<>();
    for (Vendor vendor : Vendors.all()) {
      names.add(OpenAiCompatibleFactory.apiKeyVariable(vendor));
      names.add(OpenAiCompatibleFactory.baseUrlVariable(vendor));
    }
    return names;
  }
}
