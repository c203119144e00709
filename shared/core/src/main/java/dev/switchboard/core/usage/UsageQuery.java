package dev.switchboard.core.usage;

import java.time.Instant;
import java.util.Optional;

/**
 * Which usage records to read: those of one key, or of every key, started in {@code [from, to)}.
 *
 * @param keyId the key whose records to read; empty for every key (administrators only)
 * @param limit the most records to read; a store stops there and says the answer is truncated
 */
public record UsageQuery(Optional<String> keyId, Instant from, Instant to, int limit) {

  public UsageQuery {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }
}
