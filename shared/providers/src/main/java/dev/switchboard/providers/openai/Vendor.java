package dev.switchboard.providers.openai;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One vendor that speaks the OpenAI Chat Completions API, as data: where it lives by default, how
 * it wants the credential, how its URL is built and which request fields it names differently or
 * refuses. {@link Vendors} lists them all; {@link OpenAiCompatibleProvider} serves every one.
 *
 * @param id the provider id, the model prefix clients use (e.g. {@code groq})
 * @param envPrefix the prefix of the vendor's environment variables ({@code GROQ} gives {@code
 *     GROQ_API_KEY} and {@code GROQ_BASE_URL})
 * @param defaultBaseUrl the API root ending before {@code /chat/completions}; null when the
 *     operator must always give one (Azure, local servers)
 * @param credential whether a key is needed, optional, or never used
 * @param auth how the key is sent
 * @param url how the completions URL is built from the base URL and the model
 * @param renamedParameters request fields the vendor knows under another name (OpenAI name to
 *     vendor name), e.g. Mistral's {@code random_seed}
 * @param droppedParameters request fields the vendor rejects, removed before sending
 * @param streamOptions whether the vendor accepts {@code stream_options.include_usage}; vendors
 *     that do not report usage in their last chunk anyway
 * @param outputLimitField the field the output limit is sent in when the client named none: every
 *     vendor reads {@code max_tokens}, except that OpenAI's reasoning models refuse it and take
 *     only {@code max_completion_tokens}
 * @param quirks what else the vendor wants changed in a request; {@link Quirks#NONE} for most
 */
public record Vendor(
    String id,
    String envPrefix,
    String defaultBaseUrl,
    Credential credential,
    Auth auth,
    UrlStyle url,
    Map<String, String> renamedParameters,
    Set<String> droppedParameters,
    boolean streamOptions,
    String outputLimitField,
    Quirks quirks) {

  /** The output limit field every OpenAI-compatible vendor reads. */
  public static final String MAX_TOKENS = "max_tokens";

  /** OpenAI's current output limit field, the only one its reasoning models take. */
  public static final String MAX_COMPLETION_TOKENS = "max_completion_tokens";

  /** Whether the vendor needs a key. */
  public enum Credential {
    /** Routable only with a key. */
    REQUIRED,
    /** Routable with a key, or with only a base URL (a compatible proxy or local server). */
    OPTIONAL_WITH_BASE_URL,
    /** A local server: routable when its base URL is set; no key is sent. */
    NONE
  }

  /** How the key travels. */
  public enum Auth {
    /** {@code Authorization: Bearer <key>}. */
    BEARER,
    /** Azure's {@code api-key: <key>}. */
    API_KEY_HEADER
  }

  /** How the completions URL is built. */
  public enum UrlStyle {
    /** {@code {base}/chat/completions}, the model in the body. */
    CHAT_COMPLETIONS,
    /**
     * Azure OpenAI: {@code {base}/openai/deployments/{deployment}/chat/completions?api-version=V},
     * the deployment being the catalogue's upstream id.
     */
    AZURE_DEPLOYMENT
  }

  /**
   * A vendor's documented departures from OpenAI's request shape that a rename or a dropped field
   * cannot express.
   *
   * @param temperatureMax the highest {@code temperature} the vendor takes (OpenAI's scale ends at
   *     2, some vendors' at 1); a higher one is lowered to it. Null when the vendor takes OpenAI's
   *     range
   * @param droppedMessageFields fields of each message the vendor refuses, removed before sending
   *     (Groq answers a 400 for {@code messages[].name})
   * @param stringContentRoles roles whose content the vendor takes only as a string: an array of
   *     text parts is sent as their texts joined by newlines (an array with any other part is sent
   *     as it is, and the vendor judges it)
   */
  public record Quirks(
      Double temperatureMax, Set<String> droppedMessageFields, Set<String> stringContentRoles) {

    /** A vendor that takes OpenAI's request shape as it is. */
    public static final Quirks NONE = new Quirks(null, Set.of(), Set.of());

    public Quirks {
      droppedMessageFields = Set.copyOf(droppedMessageFields);
      stringContentRoles = Set.copyOf(stringContentRoles);
    }

    /** Whether anything in a message needs changing for this vendor. */
    boolean touchesMessages() {
      return !droppedMessageFields.isEmpty() || !stringContentRoles.isEmpty();
    }
  }

  public Vendor {
    Objects.requireNonNull(id);
    Objects.requireNonNull(envPrefix);
    Objects.requireNonNull(outputLimitField);
    Objects.requireNonNull(quirks);
    renamedParameters = Map.copyOf(renamedParameters);
    droppedParameters = Set.copyOf(droppedParameters);
  }

  /** A vendor with no quirks beyond its renamed and dropped fields. */
  public Vendor(
      String id,
      String envPrefix,
      String defaultBaseUrl,
      Credential credential,
      Auth auth,
      UrlStyle url,
      Map<String, String> renamedParameters,
      Set<String> droppedParameters,
      boolean streamOptions,
      String outputLimitField) {
    this(
        id,
        envPrefix,
        defaultBaseUrl,
        credential,
        auth,
        url,
        renamedParameters,
        droppedParameters,
        streamOptions,
        outputLimitField,
        Quirks.NONE);
  }

  /** This vendor, also renaming and dropping these request fields. */
  Vendor with(Map<String, String> renamed, Set<String> dropped, Quirks quirks) {
    Map<String, String> renames = new HashMap<>(renamedParameters);
    renames.putAll(renamed);
    Set<String> drops = new HashSet<>(droppedParameters);
    drops.addAll(dropped);
    return new Vendor(
        id,
        envPrefix,
        defaultBaseUrl,
        credential,
        auth,
        url,
        renames,
        drops,
        streamOptions,
        outputLimitField,
        quirks);
  }

  /** A vendor that needs nothing but a bearer key and a base URL, like most of them. */
  static Vendor plain(String id, String envPrefix, String defaultBaseUrl) {
    return new Vendor(
        id,
        envPrefix,
        defaultBaseUrl,
        Credential.REQUIRED,
        Auth.BEARER,
        UrlStyle.CHAT_COMPLETIONS,
        Map.of(),
        Set.of(),
        true,
        MAX_TOKENS);
  }

  /** A keyless local server, routable once its base URL is set. */
  static Vendor local(String id, String envPrefix) {
    return new Vendor(
        id,
        envPrefix,
        null,
        Credential.NONE,
        Auth.BEARER,
        UrlStyle.CHAT_COMPLETIONS,
        Map.of(),
        Set.of(),
        true,
        MAX_TOKENS);
  }
}
