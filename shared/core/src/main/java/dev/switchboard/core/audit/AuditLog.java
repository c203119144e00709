package dev.switchboard.core.audit;

import dev.switchboard.core.auth.StoreUnavailableException;
import java.util.List;

/**
 * The record of admin actions: appended to by the admin function after each change it makes, read
 * newest first by admins.
 */
public interface AuditLog {

  /**
   * Appends {@code entry}.
   *
   * @throws StoreUnavailableException when the log cannot be written
   */
  void append(AuditEntry entry);

  /**
   * Up to {@code limit} entries, newest first, after {@code cursor} (null: from the newest).
   *
   * @throws IllegalArgumentException when {@code cursor} is not one a page handed out
   * @throws StoreUnavailableException when the log cannot be read
   */
  Page recent(String cursor, int limit);

  /** A page of entries and the cursor of the next one (null at the end). */
  record Page(List<AuditEntry> entries, String next) {
    public Page {
      entries = List.copyOf(entries);
    }
  }
}
