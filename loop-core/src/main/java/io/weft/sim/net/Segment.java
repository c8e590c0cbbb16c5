package io.weft.sim.net;

/**
 * What travels on a link: a handshake message, a stream segment, a reset, or a datagram, with the virtual time it
 * arrives at.
 *
 * @param kind what it is
 * @param data the bytes (DATA and DATAGRAM), else empty
 * @param arrivesAt the loop clock's reading at which it is delivered
 */
record Segment(Kind kind, byte[] data, long arrivesAt) {

  static final byte[] NONE = new byte[0];

  /** What a segment is; the order is the trace's (Trace.NET_KINDS, one-based). */
  enum Kind {
    /** A connect reaching the listening host. */
    SYN,
    /** The listener's answer: the connect succeeded. */
    SYN_ACK,
    /** Nothing listens there, or the backlog is full: the connect is refused. */
    REFUSED,
    /** Stream bytes. */
    DATA,
    /** The sender shut down its output: EOF after the data before it. */
    FIN,
    /** The sender aborted: the receiver's buffered data is dropped and its next read fails. */
    RST,
    /** One whole datagram. */
    DATAGRAM,
    /** No host has the address (a connect), or no socket has the port (a datagram, ICMP port unreachable). */
    UNREACHABLE,
    /** Not a segment, a trace event: a link was partitioned (id: the flow or socket whose send began it, or 0). */
    PARTITION,
    /** Not a segment, a trace event: a partition ended, and what it held moves on (id: the flow, or 0). */
    HEAL,
    /** Not a segment, a trace event: a connection gave up behind a partition (id: the flow). */
    TIMEOUT,
    /** Not a segment, a trace event: a host crashed (id: the host's index). */
    CRASH,
    /** Not a segment, a trace event: a host restarted (id: the host's index). */
    RESTART,
    /** Not a segment, a trace event: a connection reached its listener's accept queue late (id: the flow). */
    ACCEPT;

    /** What a fault plan is told this segment is. */
    NetFaults.Kind faultKind() {
      return switch (this) {
        case SYN, SYN_ACK, REFUSED, UNREACHABLE -> NetFaults.Kind.HANDSHAKE;
        case DATA -> NetFaults.Kind.SEGMENT;
        case FIN -> NetFaults.Kind.FIN;
        case RST -> NetFaults.Kind.RESET;
        case DATAGRAM -> NetFaults.Kind.DATAGRAM;
        case PARTITION, HEAL, TIMEOUT, CRASH, RESTART, ACCEPT -> throw new IllegalStateException(this + " is not sent");
      };
    }

    /** The trace event of a delivery of this kind, for connection or socket {@code id}, carrying {@code bytes}. */
    long event(long id, int bytes) {
      return ((long) (ordinal() + 1) << 56) | ((id & 0xffffffffL) << 24) | Math.min(bytes, 0xffffff);
    }
  }
}
