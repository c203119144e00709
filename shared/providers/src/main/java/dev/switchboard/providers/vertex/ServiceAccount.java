package dev.switchboard.providers.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * A Google Cloud service account's key, as the JSON file the console hands out ({@code "type":
 * "service_account"}): who it is, its RSA private key (PKCS#8 PEM), and where it trades a signed
 * assertion for an access token.
 *
 * @param projectId the project the account belongs to, the default project for Vertex AI calls
 */
public record ServiceAccount(
    String clientEmail,
    PrivateKey privateKey,
    String privateKeyId,
    URI tokenUri,
    String projectId) {

  /** Where Google's keys say to fetch tokens, used when a key names no {@code token_uri}. */
  static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";

  /**
   * Reads a service-account key.
   *
   * @param variable the variable it came from, named in every failure; the failures never quote the
   *     key or any other value of it
   * @throws IllegalArgumentException when the text is not such a key
   */
  public static ServiceAccount parse(String variable, String text, ObjectMapper json) {
    JsonNode key;
    try {
      key = json.readTree(text);
    } catch (IOException e) {
      // no cause: a parser message quotes the text around the error, which is the private key
      throw invalid(variable, "is not JSON");
    }
    if (key == null || !key.isObject()) {
      throw invalid(variable, "is not a JSON object");
    }
    String type = key.path("type").asText("");
    if (!type.equals("service_account")) {
      throw invalid(variable, "is not a service-account key (its \"type\" is not service_account)");
    }
    String email = text(key, "client_email").orElseThrow(() -> missing(variable, "client_email"));
    String pem = text(key, "private_key").orElseThrow(() -> missing(variable, "private_key"));
    URI tokenUri = tokenUri(variable, text(key, "token_uri").orElse(DEFAULT_TOKEN_URI));
    return new ServiceAccount(
        email,
        privateKey(variable, pem),
        text(key, "private_key_id").orElse(null),
        tokenUri,
        text(key, "project_id").orElse(null));
  }

  private static Optional<String> text(JsonNode key, String field) {
    JsonNode value = key.get(field);
    return value == null || !value.isTextual() || value.asText().isBlank()
        ? Optional.empty()
        : Optional.of(value.asText().strip());
  }

  private static URI tokenUri(String variable, String value) {
    try {
      URI uri = URI.create(value);
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    throw invalid(variable, "has a token_uri that is not an http(s) URL");
  }

  private static PrivateKey privateKey(String variable, String pem) {
    String body = pem.strip();
    if (!body.startsWith(PEM_BEGIN) || !body.endsWith(PEM_END)) {
      throw invalid(variable, "has a private_key that is not a PKCS#8 PEM key");
    }
    body = body.substring(PEM_BEGIN.length(), body.length() - PEM_END.length());
    try {
      byte[] der = Base64.getMimeDecoder().decode(body);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw invalid(variable, "has a private_key that is not an RSA key");
    }
  }

  private static IllegalArgumentException missing(String variable, String field) {
    return invalid(variable, "has no " + field);
  }

  private static IllegalArgumentException invalid(String variable, String what) {
    return new IllegalArgumentException(variable + " " + what);
  }

  /** Never prints the key, so an account can appear in a log line or an exception. */
  @Override
  public String toString() {
    return "ServiceAccount[" + tokenUri + "]";
  }
}
