package dev.switchboard.providers.bedrock;

import dev.switchboard.core.chat.ProviderCall;
import dev.switchboard.core.chat.ProviderException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for the SDK's asynchronous Bedrock calls, their failures mapped as the gateway sees them.
 */
final class BedrockCalls {

  private BedrockCalls() {}

  /** The answer of a call within {@code call}'s first-byte deadline. */
  static <T> T await(CompletableFuture<T> future, ProviderCall call) throws ProviderException {
    Duration timeout = call.firstByteTimeout();
    return await(future, System.nanoTime() + timeout.toNanos(), timeout);
  }

  /**
   * The answer of a call by {@code deadline} ({@code nanoTime}), one of several sharing it; a call
   * that misses it is cancelled.
   *
   * @param timeout the whole deadline, for the message
   */
  static <T> T await(CompletableFuture<T> future, long deadline, Duration timeout)
      throws ProviderException {
    try {
      return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new ProviderException.Timeout("no response within " + timeout);
    } catch (ExecutionException e) {
      throw BedrockErrorMapper.map(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new ProviderException.ConnectionFailed("interrupted", e);
    }
  }
}
