package dev.switchboard.core.budget;

import java.time.Duration;

/**
 * How an instance sizes and keeps its slices of limited keys' budgets ({@link Slices}):
 * docs/KEYS.md ("Budget slices") states the policy and its bounds.
 *
 * @param instanceId this instance's name among the slices (random per process start)
 * @param idle how long a slice admits without a store write after its last one; an instance gives
 *     an idle slice back after this long
 * @param maxWorstCases the most worst cases of its key's requests a slice holds
 * @param shareOfRemaining a slice is at most 1/this of what remains of the key's budget; when that
 *     is less than two worst cases the key is admitted with one reservation per request, as without
 *     slices
 */
public record SlicePolicy(
    String instanceId, Duration idle, int maxWorstCases, int shareOfRemaining) {

  /** No slices: every admission of a limited key is one reservation write. */
  public static final SlicePolicy NONE = new SlicePolicy("", Duration.ZERO, 0, 1);

  public SlicePolicy {
    if (maxWorstCases < 0 || shareOfRemaining < 1 || idle.isNegative()) {
      throw new IllegalArgumentException("a slice policy needs positive bounds");
    }
  }

  /** The defaults: 60 s idle, at most 32 worst cases, at most 1/8 of what remains. */
  public static SlicePolicy forInstance(String instanceId) {
    return new SlicePolicy(instanceId, Duration.ofSeconds(60), 32, 8);
  }

  public boolean enabled() {
    return maxWorstCases >= 2 && !idle.isZero();
  }

  /**
   * What a slice should hold free beyond a request's own worst case: one worst case per request of
   * the key this instance admitted within {@link #idle} (its recent rate), within {@link
   * #maxWorstCases} and the share of {@code remaining} (what is available outside the slice plus
   * the slice's own free part). 0 when less than one more worst case fits: near exhaustion the key
   * gets per-request reservations, which leave nothing unused in a slice.
   */
  long extra(long worst, int recentRequests, long remaining) {
    if (!enabled() || worst <= 0) {
      return 0;
    }
    long wanted = Math.min(maxWorstCases - 1L, Math.max(1, recentRequests)) * worst;
    long room = remaining / shareOfRemaining - worst;
    long extra = Math.min(wanted, room);
    return extra >= worst ? extra : 0;
  }
}
