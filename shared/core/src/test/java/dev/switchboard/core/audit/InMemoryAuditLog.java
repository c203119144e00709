package dev.switchboard.core.audit;

import java.util.ArrayList;
import java.util.List;

/** An {@link AuditLog} in a list, for tests; its cursor is the index of the next entry. */
public final class InMemoryAuditLog implements AuditLog {

  private final List<AuditEntry> entries = new ArrayList<>();

  @Override
  public synchronized void append(AuditEntry entry) {
    entries.add(entry);
  }

  @Override
  public synchronized Page recent(String cursor, int limit) {
    int from;
    try {
      from = cursor == null ? 0 : Integer.parseInt(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad cursor");
    }
    List<AuditEntry> newest = new ArrayList<>(entries.reversed());
    if (from < 0 || from > newest.size()) {
      throw new IllegalArgumentException("bad cursor");
    }
    int to = Math.min(newest.size(), from + limit);
    return new Page(newest.subList(from, to), to < newest.size() ? Integer.toString(to) : null);
  }

  public synchronized List<AuditEntry> all() {
    return List.copyOf(entries);
  }
}
