package dev.switchboard.core.semantic;

import dev.switchboard.core.api.Message;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The route each conversation started on, so that it keeps it: a change of model mid-conversation
 * would invalidate the provider's prompt cache and Anthropic's thinking signatures. A session is
 * keyed by tenant and, in this order, the {@code X-Claude-Code-Session-Id} header, the request's
 * {@code user} field, or a hash of the conversation's first human text. Entries live in memory, one
 * map per gateway instance, for {@code ttl} after their last use and at most {@code capacity} of
 * them (the least recently used goes first); another instance routes the same conversation afresh,
 * which by the same text usually gives the same route.
 */
public final class StickyRoutes {

  private record Entry(String route, Instant expires) {}

  private final Duration ttl;
  private final int capacity;
  private final Map<String, Entry> entries;

  public StickyRoutes(Duration ttl, int capacity) {
    this.ttl = ttl;
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  /**
   * The session key of a request: its tenant scope with the session header, else the user field,
   * else the hash of the first human text; empty when there is none of these.
   */
  public static Optional<String> sessionKey(
      String tenant, String router, String sessionHeader, String user, List<Message> messages) {
    String prefix = tenant + '\u0000' + router + '\u0000';
    if (sessionHeader != null && !sessionHeader.isBlank()) {
      return Optional.of(prefix + "session:" + sessionHeader);
    }
    if (user != null && !user.isBlank()) {
      return Optional.of(prefix + "user:" + user);
    }
    return HumanText.first(messages).map(t -> prefix + "first:" + sha256(t));
  }

  /** The route this session is on, if it is still remembered at {@code now}. */
  public synchronized Optional<String> get(String key, Instant now) {
    Entry e = entries.get(key);
    if (e == null || !e.expires().isAfter(now)) {
      entries.remove(key);
      return Optional.empty();
    }
    entries.put(key, new Entry(e.route(), now.plus(ttl)));
    return Optional.of(e.route());
  }

  /** Remembers this session's route from {@code now}. */
  public synchronized void put(String key, String route, Instant now) {
    entries.put(key, new Entry(route, now.plus(ttl)));
    while (entries.size() > capacity) {
      entries.remove(entries.keySet().iterator().next());
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
