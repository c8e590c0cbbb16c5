package io.weft.sim.net;

import io.weft.Api;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Where a fault plan meets the simulated network: the questions {@link SimNetwork} asks at each thing it sends, once a
 * plan is set with {@link SimNetwork#setFaults}. The {@code fault} module's plans implement it; a network without
 * faults never asks, and its runs are those of the perfect network.
 *
 * <p>Every fault is a decision of the run's scheduling strategy, asked through the {@link Chooser}: alternative 0 is
 * always "no fault" (the perfect network's base latency, the datagram delivered once), so a schedule of zeros has no
 * fault, a shrunk schedule keeps the fewest faults that still break the test, and a replay injects exactly the same
 * ones. An implementation must ask the chooser for every random decision it makes (never a random generator of its
 * own), must ask nothing when the plan has no fault for the link, and must word each nonzero alternative so a
 * report reads as a sentence ("the datagram of 512 bytes client -> server was dropped").
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public interface NetFaults {

  /** What is being sent. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  enum Kind {
    /** A stream's connection handshake (a connect, its answer). */
    HANDSHAKE,
    /** A stream's data segment (one write, or the part of it the receiver's window took). */
    SEGMENT,
    /** A stream's FIN (the end of what one side sends). */
    FIN,
    /** A stream's RST. */
    RESET,
    /** A datagram. */
    DATAGRAM
  }

  /**
   * One thing sent over a link.
   *
   * @param kind what it is
   * @param from the sending host's name
   * @param to the receiving host's name, or {@code null} for an address no host has
   * @param id the connection (flow) or datagram socket it belongs to
   * @param bytes how many bytes it carries (0 for a handshake, FIN or RST)
   * @param baseDelayNanos the perfect network's delay for it: the link's latency
   * @param nowNanos the virtual time it is sent at, in nanoseconds since the loop started
   * @param writeSite for a stream's data segment sent while user code writes, where that code is (as
   *     {@code Client.send:57}), computed when asked (a stack walk, so ask only to describe a chosen fault, during
   *     the decision); null when the segment is sent later (the window opened) or is not a segment
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Send(Kind kind, String from, String to, long id, int bytes, long baseDelayNanos, long nowNanos,
      java.util.function.Supplier<String> writeSite) {
    /** Checks the fields. */
    public Send {
      Objects.requireNonNull(kind, "kind must not be null");
      Objects.requireNonNull(from, "from must not be null");
    }

    /** A send with no write site. */
    public Send(Kind kind, String from, String to, long id, int bytes, long baseDelayNanos, long nowNanos) {
      this(kind, from, to, id, bytes, baseDelayNanos, nowNanos, null);
    }

    /** The link in words, {@code client -> server} ({@code ?} for an address no host has). */
    public String link() {
      return from + " -> " + (to == null ? "?" : to);
    }

    /** Where user code wrote this segment ({@code Client.send:57}), or null if that is not known. */
    public String site() {
      return writeSite == null ? null : writeSite.get();
    }
  }

  /** Asks the run's scheduling strategy for a fault decision. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  @FunctionalInterface
  interface Chooser {
    /**
     * Returns the chosen alternative, in {@code [0, weights.length)}.
     *
     * @param weights the probability of each alternative; at least 2, summing to 1; alternative 0 is no fault
     * @param describe words a nonzero alternative for the report; called only for the one chosen
     */
    int choose(double[] weights, IntFunction<String> describe);
  }

  /**
   * A partition a plan starts: the link of the send that started it, for {@code nanos} of virtual time, one direction
   * or both.
   *
   * @param nanos how long, more than 0
   * @param bothWays whether the reverse direction is cut too
   * @param clog whether it is a clog: datagrams wait for the end as stream segments do, instead of being lost
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  record Partition(long nanos, boolean bothWays, boolean clog) {
    /** Checks the duration. */
    public Partition {
      if (nanos <= 0) {
        throw new IllegalArgumentException("a partition lasts more than 0 ns, got " + nanos);
      }
    }

    /** A partition (not a clog). */
    public Partition(long nanos, boolean bothWays) {
      this(nanos, bothWays, false);
    }
  }

  /** How far {@code host}'s wall clock is ahead of the simulation's, in nanoseconds (negative: behind); default 0. */
  default long clockOffsetNanos(String host) {
    return 0;
  }

  /** How many parts per million {@code host}'s wall clock runs fast (negative: slow); default 0. */
  default long clockDriftPpm(String host) {
    return 0;
  }

  /**
   * As {@link #clockOffsetNanos(String)}, asked when the host's wall clock is read in a run: a plan whose offset is a
   * range chooses it here (once per host and run). The default: the fixed offset.
   */
  default long clockOffsetNanos(String host, Chooser chooser) {
    return clockOffsetNanos(host);
  }

  /** As {@link #clockDriftPpm(String)}, asked as {@link #clockOffsetNanos(String, Chooser)} is. */
  default long clockDriftPpm(String host, Chooser chooser) {
    return clockDriftPpm(host);
  }

  /**
   * The bandwidth of the link {@code from -> to} in bytes per second, or 0 for unlimited (the default): what is sent
   * on it goes out one thing after another at that rate (a queue), before the link's delay. Not a choice: a property
   * of the link.
   */
  default long bandwidth(String from, String to) {
    return 0;
  }

  /**
   * Whether this send starts a partition of its link (asked only while the link is not partitioned, and never for a
   * host's sends to itself): null for none. What the partition does to this send and to what is in flight is the
   * network's ({@link SimNetwork#partition(SimHost, SimHost)}). The default starts none.
   */
  default Partition partition(Send send, Chooser chooser) {
    return null;
  }

  /**
   * Whether a stream's data segment is delivered in pieces, each read on its own (a framing bug shows when a message
   * arrives in parts): null to deliver it whole, or the pieces' sizes in order, each at least 1, summing to
   * {@link Send#bytes()}. The default delivers it whole.
   */
  default int[] slices(Send send, Chooser chooser) {
    return null;
  }

  /**
   * Whether a stream's data segment is replaced by a reset in both directions (a middlebox's RST, as Toxiproxy's
   * {@code reset_peer}): the receiver's next read and the sender's, one link delay later, fail with "Connection
   * reset". The default never resets.
   */
  default boolean reset(Send send, Chooser chooser) {
    return false;
  }

  /**
   * Whether a connect's SYN is lost for good (a firewall that drops, a host that is gone): no answer comes, and the
   * connect fails with a timeout after the network's {@linkplain SimNetwork#setConnectTimeout connect timeout}.
   * Asked, before {@link #refuse}, with the SYN as a {@link Kind#HANDSHAKE}. The default never loses it.
   */
  default boolean blackhole(Send send, Chooser chooser) {
    return false;
  }

  /**
   * Whether a connect that reaches a listening port is refused anyway (asked with the connect's SYN as a
   * {@link Kind#HANDSHAKE}). The default never refuses.
   */
  default boolean refuse(Send send, Chooser chooser) {
    return false;
  }

  /**
   * How long after its handshake a connection reaches the listener's accept queue (a server slow to accept), for the
   * SYN as a {@link Kind#HANDSHAKE}, asked once the connect is accepted; the client is connected meanwhile. The
   * default: 0, at once.
   */
  default long acceptDelayNanos(Send send, Chooser chooser) {
    return 0;
  }

  /**
   * Whether the sending host crashes as it sends this (a process killed at a random moment, Jepsen's nemesis), and if
   * so after how long it restarts: the nanoseconds until the restart, or 0 for no crash. Asked at each thing a host
   * that is up sends; the crash happens just after the send (what was sent is on the wire and still arrives), as
   * {@link SimHost#crash()}, and the restart as {@link SimHost#restart()}, running its restart hooks. The default: 0.
   */
  default long crashNanos(Send send, Chooser chooser) {
    return 0;
  }

  /** A datagram's payload as delivered: {@code data} itself, or a changed copy (a corruption). The default: itself. */
  default byte[] corrupt(Send send, byte[] data, Chooser chooser) {
    return data;
  }

  /**
   * The delay to add to a stream's segment, handshake, FIN or RST beyond {@link Send#baseDelayNanos()}: 0 for none.
   * A stream never overtakes itself whatever this returns: a segment delayed longer holds back what follows it.
   */
  long extraDelayNanos(Send send, Chooser chooser);

  /**
   * What becomes of a datagram: the delay of each copy delivered, beyond {@link Send#baseDelayNanos()}. One element
   * {@code 0} is the perfect network's delivery; an empty array drops it; two or more duplicate it (copies with
   * different delays may arrive in another order than sent, as may datagrams sent one after another).
   */
  long[] datagramDelays(Send send, Chooser chooser);
}
