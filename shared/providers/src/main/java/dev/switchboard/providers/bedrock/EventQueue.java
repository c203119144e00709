package dev.switchboard.providers.bedrock;

import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands the events of one SDK response stream from the SDK's event loop to the caller's thread,
 * which writes to the client: a slow client never blocks Netty, and the first-byte and idle
 * deadlines are plain polls.
 */
final class EventQueue<T> {

  /** Reads one event; true when it was the one that completes the stream. */
  @FunctionalInterface
  interface Reader<T> {
    boolean read(T event) throws ProviderException;
  }

  private sealed interface Signal<T> {
    record Event<T>(T event) implements Signal<T> {}

    record Failed<T>(Throwable error) implements Signal<T> {}

    record Done<T>() implements Signal<T> {}
  }

  private final BlockingQueue<Signal<T>> signals = new LinkedBlockingQueue<>();

  void event(T event) {
    signals.add(new Signal.Event<>(event));
  }

  void failed(Throwable error) {
    signals.add(new Signal.Failed<>(error));
  }

  void done() {
    signals.add(new Signal.Done<>());
  }

  /**
   * Reads every event of the call {@code future} stands for, until the SDK says the stream is done;
   * cancels the call however it ends.
   *
   * @param unfinished the failure when the stream ends before the event that completes it
   */
  void drain(CompletableFuture<?> future, ProviderCall call, Reader<T> reader, String unfinished)
      throws ProviderException {
    future.whenComplete(
        (ok, error) -> {
          if (error != null) {
            failed(error);
          }
        });
    boolean started = false;
    boolean complete = false;
    try {
      while (true) {
        Duration wait = started ? call.idleTimeout() : call.firstByteTimeout();
        Signal<T> signal = signals.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (signal == null) {
          throw new ProviderException.Timeout(
              started ? "no data for " + wait.toMillis() + " ms" : "no response within " + wait);
        }
        switch (signal) {
          case Signal.Failed<T> f -> {
            ProviderException mapped = BedrockErrorMapper.map(f.error());
            if (started && !(mapped instanceof ProviderException.StreamBroken)) {
              throw new ProviderException.StreamBroken(mapped.getMessage(), null);
            }
            throw mapped;
          }
          case Signal.Done<T> d -> {
            if (!complete) {
              throw new ProviderException.StreamBroken(unfinished, null);
            }
            return;
          }
          case Signal.Event<T> e -> {
            started = true;
            complete |= reader.read(e.event());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException.StreamBroken("interrupted", e);
    } finally {
      future.cancel(true);
    }
  }
}
