package dev.switchboard.core.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.Env;
import dev.switchboard.core.config.Variables;
import dev.switchboard.core.error.ErrorKind;
import dev.switchboard.core.error.GatewayException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The guardrail policies an operator configured ({@code GUARDRAILS}, docs/GUARDRAILS.md), and which
 * of them apply to a request: the defaults for every key, then the key's own, then those the client
 * asked for among the ones its key allows. A client can add policies, never remove one.
 */
public final class Guardrails {

  /** No policies: every request passes unchecked. */
  public static final Guardrails NONE = new Guardrails(Map.of(), List.of());

  /** The body field a client names optional policies in; never forwarded upstream. */
  public static final String REQUEST_FIELD = "guardrails";

  private static final int DEFAULT_WINDOW = 256;
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");

  private final Map<String, GuardrailPolicy> policies;
  private final List<String> defaults;

  public Guardrails(Map<String, GuardrailPolicy> policies, List<String> defaults) {
    this.policies = Map.copyOf(policies);
    this.defaults = List.copyOf(defaults);
    for (String name : defaults) {
      if (!policies.containsKey(name)) {
        throw new IllegalArgumentException("default: no policy named " + name);
      }
    }
  }

  /** Whether a policy of that name is configured. */
  public boolean defines(String name) {
    return policies.containsKey(name);
  }

  /** The names of the configured policies. */
  public Set<String> names() {
    return policies.keySet();
  }

  /** The policies every request goes through, in order. */
  public List<String> defaults() {
    return defaults;
  }

  /**
   * These policies with {@code added} beside them and {@code addedDefaults} after the defaults
   * (each once). A name defined here keeps its own rules: an added policy of that name is left out,
   * and so is a default naming no policy.
   */
  public Guardrails with(Collection<GuardrailPolicy> added, Collection<String> addedDefaults) {
    Map<String, GuardrailPolicy> all = new LinkedHashMap<>(policies);
    for (GuardrailPolicy p : added) {
      all.putIfAbsent(p.name(), p);
    }
    Set<String> names = new LinkedHashSet<>(defaults);
    for (String name : addedDefaults) {
      if (all.containsKey(name)) {
        names.add(name);
      }
    }
    return new Guardrails(all, List.copyOf(names));
  }

  /**
   * The rules that apply to one request, in order: the default policies, the key's {@code
   * attached}, then the {@code requested} ones (the body's {@value #REQUEST_FIELD} field, or null)
   * that {@code allowed} lists; each policy once.
   *
   * @throws GatewayException a 400 naming {@value #REQUEST_FIELD} when the field is not a list of
   *     names, or names a policy the key does not allow
   */
  public Applied applying(
      Collection<String> attached, Collection<String> allowed, JsonNode requested) {
    Set<String> names = new LinkedHashSet<>(defaults);
    for (String name : attached) {
      // a key attached to a policy since removed from the configuration: nothing to apply
      if (policies.containsKey(name)) {
        names.add(name);
      }
    }
    if (requested != null && !requested.isNull()) {
      if (!requested.isArray()) {
        throw GatewayException.invalidParam(
            REQUEST_FIELD, "guardrails must be an array of policy names.");
      }
      for (JsonNode n : requested) {
        if (!n.isTextual()) {
          throw GatewayException.invalidParam(
              REQUEST_FIELD, "guardrails must be an array of policy names.");
        }
        String name = n.textValue();
        if (!names.contains(name) && (!allowed.contains(name) || !policies.containsKey(name))) {
          throw new GatewayException(
              ErrorKind.INVALID_REQUEST,
              "guardrail_not_allowed",
              "This key may not ask for guardrail policy '"
                  + (name.length() > 64 ? name.substring(0, 64) + "..." : name)
                  + "'.",
              REQUEST_FIELD,
              null);
        }
        names.add(name);
      }
    }
    List<Rule> rules = new ArrayList<>();
    for (String name : names) {
      rules.addAll(policies.get(name).rules());
    }
    return new Applied(rules);
  }

  /** The rules of one request, split by side. */
  public record Applied(List<Rule> rules) {

    public Applied {
      rules = List.copyOf(rules);
    }

    public List<Rule> input() {
      return rules.stream().filter(r -> r.on().input()).toList();
    }

    public List<Rule> output() {
      return rules.stream().filter(r -> r.on().output()).toList();
    }

    public boolean isEmpty() {
      return rules.isEmpty();
    }
  }

  /**
   * The policies {@code GUARDRAILS} (inline JSON) or {@code GUARDRAILS_FILE} configure; {@link
   * #NONE} when neither is set.
   *
   * @param remote where {@code bedrock} rules are evaluated; null when none can be
   * @throws IllegalArgumentException naming the variable and what is wrong
   */
  public static Guardrails from(Env env, RemoteGuardrail remote) {
    Optional<Configured> json = configured(env);
    if (json.isEmpty()) {
      return NONE;
    }
    try {
      return parse(json.get().json(), remote);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(json.get().variable() + ": " + e.getMessage());
    }
  }

  /** The configuration's text and the variable it came from. */
  public record Configured(String variable, String json) {}

  /**
   * The text of {@code GUARDRAILS} or of the file {@code GUARDRAILS_FILE} names, unparsed; empty
   * when neither is set.
   *
   * @throws IllegalArgumentException when both are set
   */
  public static Optional<Configured> configured(Env env) {
    Optional<String> inline = env.optional(Variables.GUARDRAILS);
    Optional<Path> file = env.readableFile(Variables.GUARDRAILS_FILE);
    if (inline.isPresent() && file.isPresent()) {
      throw new IllegalArgumentException(
          Variables.GUARDRAILS + " and " + Variables.GUARDRAILS_FILE + " are both set: set one");
    }
    String name = inline.isPresent() ? Variables.GUARDRAILS : Variables.GUARDRAILS_FILE;
    String json;
    if (inline.isPresent()) {
      json = inline.get();
    } else if (file.isPresent()) {
      try {
        json = Files.readString(file.get());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      return Optional.empty();
    }
    return Optional.of(new Configured(name, json));
  }

  /**
   * Reads the configuration: {@code {"policies": {"name": [rule, ...]}, "default": [names]}}, a
   * rule being {@code {"check", "on", "action", "stream", "window", "name", ...the check's
   * options}}.
   *
   * @param remote where {@code bedrock} rules are evaluated; null when none can be
   * @throws IllegalArgumentException naming what is wrong and where
   */
  public static Guardrails parse(String json, RemoteGuardrail remote) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    JsonNode policiesNode = root.path("policies");
    if (!policiesNode.isObject()) {
      throw new IllegalArgumentException("policies: must be an object of named rule lists");
    }
    Map<String, GuardrailPolicy> policies = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> p : policiesNode.properties()) {
      String name = p.getKey();
      policies.put(
          name, new GuardrailPolicy(name, rules("policies." + name, p.getValue(), remote)));
    }
    List<String> defaults = new ArrayList<>();
    JsonNode d = root.path("default");
    if (!d.isMissingNode()) {
      if (!d.isArray()) {
        throw new IllegalArgumentException("default: must be an array of policy names");
      }
      d.forEach(n -> defaults.add(n.asText()));
    }
    return new Guardrails(policies, defaults);
  }

  /**
   * One policy's rules, as in the configuration's {@code policies}: a non-empty array of rules.
   *
   * @param at where the list is, the start of each error's path ({@code $}, {@code policies.x})
   * @param remote where {@code bedrock} rules are evaluated; null when none can be
   * @throws IllegalArgumentException {@code <path>: <what is wrong>}, the path under {@code at}
   */
  public static List<Rule> rules(String at, JsonNode list, RemoteGuardrail remote) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException(at + ": must be a non-empty array");
    }
    List<Rule> rules = new ArrayList<>();
    int i = 0;
    for (JsonNode r : list) {
      rules.add(rule(at + "[" + i++ + "]", r, remote));
    }
    return rules;
  }

  private static Rule rule(String at, JsonNode r, RemoteGuardrail remote) {
    if (!r.isObject()) {
      throw new IllegalArgumentException(at + ": must be an object");
    }
    String checkName = r.path("check").asText("");
    Rule.Scope on = choice(at + ".on", r.path("on").asText("both"), Rule.Scope.class);
    Rule.Action action =
        choice(at + ".action", r.path("action").asText("block"), Rule.Action.class);
    Rule.StreamMode stream =
        choice(at + ".stream", r.path("stream").asText("end"), Rule.StreamMode.class);
    int window = r.path("window").asInt(DEFAULT_WINDOW);
    if (window < 1 || window > 100_000) {
      throw new IllegalArgumentException(at + ".window: must be 1 to 100000 characters");
    }
    if (action == Rule.Action.REDACT && on.output() && stream != Rule.StreamMode.BUFFER) {
      throw new IllegalArgumentException(
          at + ": redacting output needs \"stream\": \"buffer\" (the whole answer is held)");
    }
    String type = r.path("type").asText(checkName.toUpperCase(Locale.ROOT));
    Check check =
        switch (checkName) {
          case "phone" -> {
            try {
              yield BuiltInChecks.phone(r.path("region").asText("US"));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(at + ".region: " + e.getMessage());
            }
          }
          case "regex" ->
              BuiltInChecks.regex(
                  strings(at + ".patterns", r.path("patterns")),
                  type(at, r.has("type") ? type : "REDACTED"));
          case "deny_words" ->
              BuiltInChecks.denyWords(
                  strings(at + ".words", r.path("words")),
                  type(at, r.has("type") ? type : "DENIED"));
          case "bedrock" -> {
            if (remote == null) {
              throw new IllegalArgumentException(at + ": bedrock checks are not available here");
            }
            String id = r.path("guardrail_id").asText("");
            String version = r.path("guardrail_version").asText("DRAFT");
            if (id.isEmpty()) {
              throw new IllegalArgumentException(at + ".guardrail_id: required for bedrock");
            }
            if (on.output() && stream == Rule.StreamMode.WINDOW) {
              // one ApplyGuardrail round trip per chunk: slow, and billed per call
              throw new IllegalArgumentException(
                  at
                      + ".stream: a bedrock check cannot check output under \"window\" (one"
                      + " ApplyGuardrail call per chunk): use \"end\" or \"buffer\", or \"on\":"
                      + " \"input\"");
            }
            yield new BedrockCheck(remote, id, version);
          }
          default -> {
            Check builtIn = BuiltInChecks.named(checkName);
            if (builtIn == null) {
              throw new IllegalArgumentException(
                  at
                      + ".check: unknown check '"
                      + checkName
                      + "' (one of "
                      + String.join(", ", BuiltInChecks.NAMES)
                      + ", phone, regex, deny_words, bedrock)");
            }
            yield builtIn;
          }
        };
    String name = r.path("name").asText(checkName);
    return new Rule(name, check, on, action, stream, window);
  }

  private static String type(String at, String type) {
    if (!TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(at + ".type: must be upper-case letters, digits and _");
    }
    return type;
  }

  private static List<String> strings(String at, JsonNode list) {
    if (!list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException(at + ": must be a non-empty array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : list) {
      if (!n.isTextual() || n.textValue().isEmpty()) {
        throw new IllegalArgumentException(at + ": must be a non-empty array of strings");
      }
      out.add(n.textValue());
    }
    try {
      if (at.endsWith(".patterns")) {
        out.forEach(Pattern::compile);
      }
    } catch (PatternSyntaxException e) {
      // the pattern is the operator's own, but the message would quote it: name the place only
      throw new IllegalArgumentException(at + ": a pattern does not compile");
    }
    return out;
  }

  private static <E extends Enum<E>> E choice(String at, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(at + ": must be one of " + String.join(", ", names));
  }
}
