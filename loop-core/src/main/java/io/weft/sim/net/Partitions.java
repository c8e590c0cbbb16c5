package io.weft.sim.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The links of a {@link SimNetwork} that are partitioned now, one direction each, and the stream flows held behind
 * them.
 *
 * <p>What crosses a partitioned link when it arrives: a stream's segments are <b>held</b> (TCP retransmits: after the
 * heal they arrive, in order, one link delay later), unless the network's stream timeout passes first, which resets
 * the connection at both ends with "Connection timed out"; a datagram is <b>dropped</b>. Both apply to what was
 * already in flight when the partition began, as on a real network. Nothing here iterates an identity-hashed
 * collection: links are keyed by host indexes, held flows kept in the order they were held.
 */
final class Partitions {

  // (from.index << 32 | to.index) to the virtual time the block ends, or Long.MAX_VALUE until healed.
  private final Map<Long, Long> blocked = new HashMap<>();
  private final LinkedHashSet<Flow> held = new LinkedHashSet<>();

  private static long key(SimHost from, SimHost to) {
    return ((long) from.index << 32) | (to.index & 0xffffffffL);
  }

  /** Whether what {@code from} sends to {@code to} is stopped at {@code nowNanos}. */
  boolean blocks(SimHost from, SimHost to, long nowNanos) {
    if (blocked.isEmpty() || from == null || to == null) {
      return false;
    }
    Long until = blocked.get(key(from, to));
    return until != null && nowNanos - until < 0;
  }

  /** Whether any link is partitioned at {@code nowNanos}. */
  boolean any(long nowNanos) {
    for (long until : blocked.values()) { // order-independent: any one suffices
      if (nowNanos - until < 0) {
        return true;
      }
    }
    return false;
  }

  /** Stops {@code from -> to} until {@code untilNanos} (Long.MAX_VALUE: until healed); a longer block wins. */
  void block(SimHost from, SimHost to, long untilNanos) {
    blocked.merge(key(from, to), untilNanos, Math::max);
  }

  /** Lets {@code from -> to} through again; returns whether it was blocked. */
  boolean unblock(SimHost from, SimHost to) {
    return blocked.remove(key(from, to)) != null;
  }

  /** Lets every link through again; returns how many were blocked. */
  int unblockAll() {
    int n = blocked.size();
    blocked.clear();
    return n;
  }

  /** Forgets blocks that ended by {@code nowNanos}. */
  void expire(long nowNanos) {
    blocked.values().removeIf(until -> nowNanos - until >= 0);
  }

  /** Notes that {@code flow} has segments waiting behind a partition. */
  void hold(Flow flow) {
    held.add(flow);
  }

  /** Removes and returns, in the order they were held, the held flows whose link is open at {@code nowNanos}. */
  List<Flow> releasable(long nowNanos) {
    List<Flow> out = new ArrayList<>();
    for (Flow f : held) {
      if (!blocks(f.fromHost, f.toHost, nowNanos)) {
        out.add(f);
      }
    }
    out.forEach(held::remove);
    return out;
  }

  /** Whether {@code flow} is held. */
  boolean isHeld(Flow flow) {
    return held.contains(flow);
  }

  /** Forgets {@code flow} (its connection was reset or closed). */
  void forget(Flow flow) {
    held.remove(flow);
  }
}
