package dev.switchboard.providers.http;

import dev.switchboard.core.chat.ProviderException;
import java.io.Closeable;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * How an adapter puts its credential on an upstream request: a fixed key header, or a short-lived
 * bearer token that must be fetched and renewed. {@link #send} sends a request with it and, for a
 * credential that can be renewed, sends it once more after a 401.
 */
public interface UpstreamAuth {

  /**
   * Adds the credential's headers to {@code request}.
   *
   * @throws ProviderException when the credential could not be had (a token endpoint that refused
   *     or failed)
   */
  void authorize(HttpRequest.Builder request) throws ProviderException;

  /**
   * Called when the upstream answered 401 to a request {@link #authorize} prepared: drops what it
   * added, if it can be renewed, and says whether sending the request again may succeed.
   */
  default boolean renewAfterRejection(HttpRequest rejected) {
    return false;
  }

  /** A credential that is one fixed header. */
  static UpstreamAuth header(String name, String value) {
    return request -> request.header(name, value);
  }

  /**
   * Sends the request {@code build} prepares, authorised by {@code auth}; after a 401, when the
   * credential was renewed, prepares and sends it once more.
   */
  static <T> HttpResponse<T> send(
      HttpClient http,
      UpstreamAuth auth,
      Supplier<HttpRequest.Builder> build,
      HttpResponse.BodyHandler<T> handler,
      Duration firstByteTimeout)
      throws ProviderException {
    HttpRequest.Builder first = build.get();
    auth.authorize(first);
    HttpRequest request = first.build();
    HttpResponse<T> response = UpstreamHttp.send(http, request, handler, firstByteTimeout);
    if (response.statusCode() != 401 || !auth.renewAfterRejection(request)) {
      return response;
    }
    discard(response);
    HttpRequest.Builder again = build.get();
    auth.authorize(again);
    return UpstreamHttp.send(http, again.build(), handler, firstByteTimeout);
  }

  private static void discard(HttpResponse<?> response) {
    if (response.body() instanceof Closeable body) {
      try {
        body.close();
      } catch (IOException ignored) {
        // the rejected response is not read; the retry is what matters
      }
    }
  }
}
