package dev.switchboard.core.routing;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A shared health store in memory; {@code broken} makes every call fail as a store outage would.
 */
final class InMemoryHealthStore implements HealthStore {
  final TreeMap<Long, Map<String, Counts>> minutes = new TreeMap<>();
  int writes;
  boolean broken;

  @Override
  public synchronized void add(long minute, Map<String, Counts> byEndpoint) {
    if (broken) {
      throw new IllegalStateException("store down");
    }
    writes++;
    Map<String, Counts> m = minutes.computeIfAbsent(minute, k -> new HashMap<>());
    byEndpoint.forEach((e, c) -> m.merge(e, c, Counts::plus));
  }

  @Override
  public synchronized Map<Long, Map<String, Counts>> read(long from, long to) {
    if (broken) {
      throw new IllegalStateException("store down");
    }
    Map<Long, Map<String, Counts>> out = new HashMap<>();
    minutes.subMap(from, true, to, true).forEach((k, v) -> out.put(k, Map.copyOf(v)));
    return out;
  }
}
