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

  private final SimNetwork net;
  // 0: a stream behind a partition waits for the heal however long it takes.
  private long streamTimeoutNanos;
  // Whether a connection that times out behind a partition is reset at both ends (a middlebox's RST both ways)
  // rather than failing at the sender alone (Linux's own retransmission timeout).
  private boolean resetOnTimeout;

  Partitions(SimNetwork net) {
    this.net = net;
  }

  /** Sets the stream timeout behind a partition, in nanoseconds (0: none). */
  void streamTimeoutNanos(long nanos, boolean reset) {
    streamTimeoutNanos = nanos;
    resetOnTimeout = reset;
  }

  /**
   * Blocks (or clogs) the link, both ways if asked, for {@code nanos} from now (Long.MAX_VALUE: until healed), in the
   * trace; a timed block heals itself.
   */
  void start(SimHost from, SimHost to, boolean bothWays, long nanos, long id, boolean clog) {
    java.util.Objects.requireNonNull(from, "from must not be null");
    java.util.Objects.requireNonNull(to, "to must not be null");
    if (from == to) {
      throw new IllegalArgumentException("a host cannot be partitioned from itself: " + from.name());
    }
    long now = net.now();
    long until = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : now + nanos;
    if (clog) {
      clog(from, to, until);
      if (bothWays) {
        clog(to, from, until);
      }
    } else {
      block(from, to, until);
      if (bothWays) {
        block(to, from, until);
      }
    }
    net.schedule(0, () -> { }, Segment.Kind.PARTITION.event(id, 0));
    if (until != Long.MAX_VALUE) {
      net.schedule(nanos, () -> {
        expire(net.now());
        healed(id);
      }, Segment.Kind.HEAL.event(id, 0));
    }
  }

  /** A partition ended: every held flow and datagram whose link is open again goes on after its link's delay. */
  void healed(long id) {
    for (Flow f : releasable(net.now())) {
      net.schedule(net.deliveryDelayNanos(f.fromHost, f.toHost), f::deliverDue, Segment.Kind.HEAL.event(f.id, 0));
    }
    for (HeldDatagram d : releasableDatagrams(net.now())) {
      net.schedule(net.deliveryDelayNanos(d.from(), d.to()), d.deliver(), Segment.Kind.HEAL.event(id, 0));
    }
  }

  // (from.index << 32 | to.index) to the virtual time the block ends, or Long.MAX_VALUE until healed.
  private final Map<Long, Long> blocked = new HashMap<>();
  private final LinkedHashSet<Flow> held = new LinkedHashSet<>();
  // The links among the blocked ones that are clogs (datagrams wait instead of being lost), by the same key.
  private final Map<Long, Long> clogged = new HashMap<>();
  // Datagrams waiting behind a clog, in the order they met it, with their link.
  private final List<HeldDatagram> heldDatagrams = new ArrayList<>();

  /** A datagram waiting behind a clog: delivered by {@code deliver} once its link is open. */
  record HeldDatagram(SimHost from, SimHost to, Runnable deliver) {}

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

  /** Clogs {@code from -> to} until {@code untilNanos}: blocked, and its datagrams wait instead of being lost. */
  void clog(SimHost from, SimHost to, long untilNanos) {
    block(from, to, untilNanos);
    clogged.merge(key(from, to), untilNanos, Math::max);
  }

  /** Whether {@code from -> to} is clogged (not only partitioned) at {@code nowNanos}. */
  boolean clogs(SimHost from, SimHost to, long nowNanos) {
    if (clogged.isEmpty() || from == null || to == null) {
      return false;
    }
    Long until = clogged.get(key(from, to));
    return until != null && nowNanos - until < 0 && blocks(from, to, nowNanos);
  }

  /** Keeps a datagram that met a clog until its link opens. */
  void holdDatagram(HeldDatagram d) {
    heldDatagrams.add(d);
  }

  /** Removes and returns, in the order they were held, the datagrams whose link is open at {@code nowNanos}. */
  List<HeldDatagram> releasableDatagrams(long nowNanos) {
    List<HeldDatagram> out = new ArrayList<>();
    for (HeldDatagram d : heldDatagrams) {
      if (!blocks(d.from(), d.to(), nowNanos)) {
        out.add(d);
      }
    }
    heldDatagrams.removeAll(out);
    return out;
  }

  /** Lets {@code from -> to} through again; returns whether it was blocked. */
  boolean unblock(SimHost from, SimHost to) {
    clogged.remove(key(from, to));
    return blocked.remove(key(from, to)) != null;
  }

  /** Lets every link through again; returns how many were blocked. */
  int unblockAll() {
    int n = blocked.size();
    blocked.clear();
    clogged.clear();
    return n;
  }

  /** Forgets blocks that ended by {@code nowNanos}. */
  void expire(long nowNanos) {
    blocked.values().removeIf(until -> nowNanos - until >= 0);
    clogged.values().removeIf(until -> nowNanos - until >= 0);
  }

  /** Notes that {@code flow} has segments waiting behind a partition; starts its timeout if the network has one. */
  void hold(Flow flow) {
    if (!held.add(flow)) {
      return;
    }
    if (streamTimeoutNanos > 0 && !flow.gaveUp) {
      net.schedule(streamTimeoutNanos, () -> {
        if (!flow.gaveUp && held.contains(flow) && flow.inFlight() && blocks(flow.fromHost, flow.toHost, net.now())) {
          flow.gaveUp = true; // once
          if (resetOnTimeout) {
            if (flow.sender != null) {
              flow.sender.reset();
            }
            if (flow.receiver != null) {
              flow.receiver.reset();
            }
          } else if (flow.sender != null) {
            flow.sender.timedOut();
          }
        }
      }, Segment.Kind.TIMEOUT.event(flow.id, 0));
    }
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
}
