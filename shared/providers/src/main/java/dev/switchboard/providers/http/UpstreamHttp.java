package dev.switchboard.providers.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.chat.ProviderException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Sending one upstream request and turning transport failures into the provider error family, for
 * adapters of every wire format; and making upstream error text safe to repeat.
 */
public final class UpstreamHttp {

  /** Maps an upstream error response of one wire format into the provider error family. */
  @FunctionalInterface
  public interface ErrorMapper {
    ProviderException map(int status, HttpHeaders headers, byte[] body);
  }

  private UpstreamHttp() {}

  /**
   * The JSON body of a whole (non-streamed) response, or null when it is not JSON; a failure status
   * is thrown as what {@code errors} makes of it.
   */
  public static JsonNode jsonBody(
      ObjectMapper json, HttpResponse<byte[]> response, ErrorMapper errors)
      throws ProviderException {
    if (response.statusCode() >= 300) {
      throw errors.map(response.statusCode(), response.headers(), response.body());
    }
    try {
      return json.readTree(response.body());
    } catch (IOException notJson) {
      return null;
    }
  }

  /**
   * Sends {@code request}, waiting at most {@code firstByteTimeout} for the response headers.
   *
   * @throws ProviderException.Timeout when connecting or the first byte took too long
   * @throws ProviderException.ConnectionFailed when no response could be had
   */
  public static <T> HttpResponse<T> send(
      HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler, Duration firstByte)
      throws ProviderException {
    try {
      return http.send(request, handler);
    } catch (HttpConnectTimeoutException e) {
      throw new ProviderException.Timeout("connect");
    } catch (HttpTimeoutException e) {
      throw new ProviderException.Timeout("no response within " + firstByte);
    } catch (ConnectException e) {
      throw new ProviderException.ConnectionFailed("connection refused", e);
    } catch (IOException e) {
      if (handler instanceof LosslessBody lossless) {
        // The headers came and then the connection failed: the body still has what arrived.
        @SuppressWarnings("unchecked")
        var salvaged = (java.util.Optional<HttpResponse<T>>) (Object) lossless.salvage(request);
        if (salvaged.isPresent()) {
          return salvaged.get();
        }
      }
      throw new ProviderException.ConnectionFailed("connection failed before a response", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.ConnectionFailed("interrupted", e);
    }
  }
}
