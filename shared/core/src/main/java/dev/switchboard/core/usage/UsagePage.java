package dev.switchboard.core.usage;

import java.util.List;

/**
 * The records a {@link UsageQuery} matched, oldest first per key or per day.
 *
 * @param truncated true when more records matched than the query's limit allowed
 */
public record UsagePage(List<UsageRecord> records, boolean truncated) {

  public UsagePage {
    records = List.copyOf(records);
  }
}
