package dev.switchboard.core.usage;

import java.time.Instant;
import java.util.Optional;

/**
 * Which usage records to read: those of one key, or of every key, started in {@code [from, to)},
 * and, for a signed-in member, only those whose {@code owner} is that member.
 *
 * @param keyId the key whose records to read; empty for every key (administrators, viewers and
 *     members, the last with an owner)
 * @param owner when present, only records carrying this {@code owner}; the store applies it before
 *     the limit, so one member's report is not cut short by everybody else's records
 * @param limit the most records to read; a store stops there and says the answer is truncated
 */
public record UsageQuery(
    Optional<String> keyId, Optional<String> owner, Instant from, Instant to, int limit) {

  public UsageQuery {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
  }

  /** Records of one key or of every key, whoever owns them. */
  public UsageQuery(Optional<String> keyId, Instant from, Instant to, int limit) {
    this(keyId, Optional.empty(), from, to, limit);
  }

  /** Whether {@code r} passes the owner condition. */
  public boolean ownerMatches(UsageRecord r) {
    return owner.map(o -> o.equals(r.owner())).orElse(true);
  }
}
