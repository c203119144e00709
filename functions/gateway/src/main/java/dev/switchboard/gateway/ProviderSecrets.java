package dev.switchboard.gateway;

import static dev.switchboard.core.config.Variables.PROVIDER_SECRET_ARN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Provider credentials kept in a Secrets Manager secret, merged under the environment.
 *
 * <p>The secret is a JSON object whose keys are the variable names used locally ({@code
 * {"OPENAI_API_KEY": "sk-..."}}), so one set of names configures the gateway everywhere. The value
 * of {@code VERTEX_CREDENTIALS}, a service-account key, may be given as the key's JSON object
 * itself; it is read as its JSON text. Without {@code PROVIDER_SECRET_ARN} nothing is read and the
 * environment is used as it is: local runs are unchanged.
 *
 * <p>A non-blank environment variable wins over the secret's entry of the same name. The template
 * sets no credential variables, so on a default deployment the secret is the only source; an
 * operator who does set one on the function (a different base URL for a test stage, say) sees that
 * value used, which is what the function's configuration page shows. The overridden names are
 * logged, never the values.
 */
final class ProviderSecrets {

  /** The names a secret may set: environment-variable style, and none the Lambda platform owns. */
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,127}");

  /** The names whose value is a JSON document, which the secret may hold as JSON. */
  private static final Set<String> JSON_VALUED = Set.of(Variables.VERTEX_CREDENTIALS);

  private ProviderSecrets() {}

  /** Whether the environment names a provider secret. */
  static boolean configured(Env env) {
    return env.isSet(PROVIDER_SECRET_ARN);
  }

  /**
   * The environment with the secret's entries added underneath it and without {@code
   * PROVIDER_SECRET_ARN}, or {@code env} itself when no secret is configured.
   *
   * @throws IllegalStateException when the secret cannot be read or is not a JSON object of strings
   *     (the message names the variable and the offending key, never a value)
   */
  static Env merge(Env env, SecretSource source, ObjectMapper json) {
    Optional<String> arn = env.optional(PROVIDER_SECRET_ARN);
    if (arn.isEmpty()) {
      return env;
    }
    String value;
    try {
      value = source.secretString(arn.get());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "could not read the secret named by "
              + PROVIDER_SECRET_ARN
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
    Map<String, String> entries = parse(value, json);
    TreeSet<String> overridden = new TreeSet<>();
    entries.keySet().stream().filter(env::isSet).forEach(overridden::add);
    if (!overridden.isEmpty()) {
      System.err.println(
          "switchboard: the environment overrides the provider secret's " + overridden);
    }
    // a blank variable means "unset" to the settings; it does not hide the secret's value. The
    // result no longer names a secret: it has been read (see Providers.custom)
    return env.over(entries).without(PROVIDER_SECRET_ARN);
  }

  private static Map<String, String> parse(String value, ObjectMapper json) {
    JsonNode tree;
    try {
      tree = value == null ? null : json.readTree(value);
    } catch (IOException e) {
      // no cause: a parser message quotes the text around the error, which is the secret
      throw new IllegalStateException(
          "the secret named by " + PROVIDER_SECRET_ARN + " is not valid JSON");
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalStateException(
          "the secret named by " + PROVIDER_SECRET_ARN + " must be a JSON object");
    }
    Map<String, String> entries = new HashMap<>();
    for (Map.Entry<String, JsonNode> field : tree.properties()) {
      String name = field.getKey();
      if (!NAME.matcher(name).matches() || reserved(name)) {
        throw new IllegalStateException(
            "the secret named by "
                + PROVIDER_SECRET_ARN
                + " has a key that is not a variable it may set: "
                + (name.length() <= 40 ? name : name.substring(0, 40) + "..."));
      }
      JsonNode entry = field.getValue();
      if (entry.isObject() && JSON_VALUED.contains(name)) {
        // a credential that is itself JSON (a Google service-account key) may be kept as it is
        entries.put(name, entry.toString());
        continue;
      }
      if (!entry.isTextual()) {
        throw new IllegalStateException("the secret's value for " + name + " must be a string");
      }
      entries.put(name, entry.textValue());
    }
    return entries;
  }

  /**
   * Names the platform sets (credentials, region, runtime wiring) and the secret's own pointer: a
   * secret that changed these would redirect the function, not configure a provider.
   */
  private static boolean reserved(String name) {
    return name.startsWith("AWS_")
        || name.startsWith("LAMBDA_")
        || name.startsWith("_")
        || name.equals(PROVIDER_SECRET_ARN);
  }
}
