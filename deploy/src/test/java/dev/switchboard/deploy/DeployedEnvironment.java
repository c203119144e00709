package dev.switchboard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function's environment as template.yaml deploys it, read from the template itself, so a test
 * that runs the function "as deployed" cannot drift from what the template sets: a literal value is
 * taken as it is, a {@code !Ref} to a parameter becomes the parameter's default, and a {@code !Ref}
 * to a resource (a table, the secret) becomes the local stand-in the caller names for that logical
 * id. Anything else (a {@code !Sub}, a {@code !GetAtt}, a resource without a stand-in) is refused
 * with the variable's name, rather than guessed or left out.
 */
final class DeployedEnvironment {

  private static final String TASK_ROOT = "/var/task";

  private DeployedEnvironment() {}

  /**
   * The variables of {@code function}'s {@code Environment}, resolved.
   *
   * @param standIns the local value for each resource logical id the variables refer to
   * @param taskRoot where the zip is unpacked, replacing {@code /var/task} in literal paths
   * @throws IllegalArgumentException naming the variable that cannot be resolved
   */
  static Map<String, String> of(
      JsonNode template, String function, Map<String, String> standIns, Path taskRoot) {
    JsonNode variables =
        template.path("Resources").path(function).path("Properties").path("Environment");
    if (!variables.path("Variables").isObject()) {
      throw new IllegalArgumentException(function + " has no Environment.Variables");
    }
    Map<String, String> env = new LinkedHashMap<>();
    variables
        .path("Variables")
        .properties()
        .forEach(
            e ->
                env.put(
                    e.getKey(), resolve(template, e.getKey(), e.getValue(), standIns, taskRoot)));
    return env;
  }

  private static String resolve(
      JsonNode template, String name, JsonNode value, Map<String, String> standIns, Path taskRoot) {
    if (value.isValueNode()) {
      String text = value.asText();
      return text.startsWith(TASK_ROOT + "/")
          ? taskRoot.resolve(text.substring(TASK_ROOT.length() + 1)).toString()
          : text;
    }
    if (value.size() == 1 && value.path("Ref").isTextual()) {
      String ref = value.path("Ref").asText();
      JsonNode parameter = template.path("Parameters").path(ref);
      if (parameter.isObject()) {
        if (!parameter.has("Default")) {
          throw new IllegalArgumentException(
              name + " refers to parameter " + ref + ", which has no default");
        }
        return parameter.path("Default").asText();
      }
      String standIn = standIns.get(ref);
      if (standIn == null) {
        throw new IllegalArgumentException(
            name + " refers to " + ref + ", for which there is no local stand-in");
      }
      return standIn;
    }
    throw new IllegalArgumentException(name + " has a value this test cannot resolve: " + value);
  }
}
