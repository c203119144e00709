package dev.switchboard.providers.http;

import dev.switchboard.core.chat.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Reads an upstream SSE body event by event under an {@link IdleWatchdog}, handing each event to a
 * wire-format-specific handler, and turns read failures and silence into the provider error family.
 * The handler decides what a proper end of its stream looks like.
 */
public final class SseRelay {

  /** What one wire format does with its events. */
  public interface Handler {

    /** Handles one event; returns true when it was the stream's last. */
    boolean onEvent(SseEvents.Event event) throws ProviderException;

    /**
     * The connection closed before {@link #onEvent} returned true: finish, or throw {@link
     * ProviderException.StreamBroken} if the stream was not complete.
     */
    void onEnd() throws ProviderException;
  }

  /** How much of an error body is read to explain it. */
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private SseRelay() {}

  /**
   * Relays a streamed response to {@code handler}, or, when its status says it failed, throws what
   * {@code errors} makes of it. The body is released either way.
   */
  public static void relay(
      HttpResponse<InputStream> response,
      Duration idle,
      Handler handler,
      UpstreamHttp.ErrorMapper errors)
      throws ProviderException {
    try (InputStream body = response.body()) {
      if (response.statusCode() >= 300) {
        throw errors.map(
            response.statusCode(), response.headers(), body.readNBytes(MAX_ERROR_BODY));
      }
      relay(body, idle, handler);
    } catch (IOException closeFailed) {
      // the body is done with either way
    }
  }

  /** Relays {@code body} to {@code handler} until the handler's last event or the body's end. */
  public static void relay(InputStream body, Duration idle, Handler handler)
      throws ProviderException {
    try (SseEvents events = new SseEvents(body);
        IdleWatchdog watchdog = new IdleWatchdog(body, idle)) {
      while (true) {
        SseEvents.Event event;
        try {
          event = events.next();
        } catch (IOException e) {
          if (watchdog.fired()) {
            throw new ProviderException.Timeout("no data for " + idle.toMillis() + " ms");
          }
          throw new ProviderException.StreamBroken("the connection broke mid-stream", e);
        }
        if (event == null) {
          if (watchdog.fired()) {
            throw new ProviderException.Timeout("no data for " + idle.toMillis() + " ms");
          }
          handler.onEnd();
          return;
        }
        watchdog.progress();
        if (handler.onEvent(event)) {
          return;
        }
      }
    } catch (IOException closeFailed) {
      // nothing left to release
    }
  }
}
