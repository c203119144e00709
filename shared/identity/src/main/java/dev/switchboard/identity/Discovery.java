package dev.switchboard.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The parts of an issuer's discovery document Switchboard uses: where its keys are, and the
 * endpoints of the dashboard's sign-in. Its {@code issuer} must be exactly the configured one
 * (OpenID Connect Discovery 1.0, 4.3), or a document served elsewhere could name other keys.
 */
public record Discovery(
    String issuer,
    URI jwksUri,
    URI authorizationEndpoint,
    URI tokenEndpoint,
    Optional<URI> endSessionEndpoint) {

  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final int MAX_BYTES = 256 * 1024;

  /** Thrown when the document cannot be read or is not one for the configured issuer. */
  public static final class UnavailableException extends Exception {
    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Reads the document of {@code settings}' issuer. */
  static Discovery fetch(IdentitySettings settings, HttpClient http, ObjectMapper mapper)
      throws UnavailableException {
    URI url = settings.discoveryUrl();
    JsonNode doc;
    try {
      HttpResponse<byte[]> response =
          http.send(
              HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new UnavailableException(
            "the discovery document answered HTTP " + response.statusCode(), null);
      }
      if (response.body().length > MAX_BYTES) {
        throw new UnavailableException("the discovery document is too large", null);
      }
      doc = mapper.readTree(response.body());
    } catch (IOException e) {
      throw new UnavailableException("the discovery document cannot be read", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted reading the discovery document", e);
    }
    if (doc == null || !settings.issuerId().equals(doc.path("issuer").asText(null))) {
      throw new UnavailableException(
          "the discovery document's issuer is not " + settings.issuerId(), null);
    }
    return new Discovery(
        settings.issuerId(),
        uri(doc, "jwks_uri").orElseThrow(() -> missing("jwks_uri")),
        uri(doc, "authorization_endpoint").orElseThrow(() -> missing("authorization_endpoint")),
        uri(doc, "token_endpoint").orElseThrow(() -> missing("token_endpoint")),
        uri(doc, "end_session_endpoint"));
  }

  private static UnavailableException missing(String field) {
    return new UnavailableException("the discovery document has no valid " + field, null);
  }

  private static Optional<URI> uri(JsonNode doc, String field) {
    String value = doc.path(field).asText(null);
    if (value == null) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(value);
      return "https".equals(uri.getScheme()) || "http".equals(uri.getScheme())
          ? Optional.of(uri)
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
