package dev.switchboard.core.cache;

/**
 * Where the response cache reports what it skipped. It never fails a request: a store that cannot
 * be reached or an answer too large to keep is logged here, and the request goes on uncached.
 * Implementations log the exception's type only: messages may quote request content.
 */
public interface CacheLog {

  /**
   * A read or write of the cache failed ({@code operation} is {@code "read"} or {@code "write"}).
   */
  void storeFailed(String operation, RuntimeException e);

  /** An answer was not cached because its compressed body exceeds one item. */
  void tooLarge(int compressedBytes);
}
