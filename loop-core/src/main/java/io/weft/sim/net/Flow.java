package io.weft.sim.net;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One direction of a TCP connection: the sender's send buffer, the segments in flight, and the receiver's receive
 * buffer, each bounded.
 *
 * <p>A write lands in the send buffer (up to the sender's {@code SO_SNDBUF}); bytes leave it as a segment as soon as
 * the receiver's window allows (its {@code SO_RCVBUF} less what it holds and what is in flight), and arrive after the
 * link's delay. A reader that never reads therefore stops the writer after exactly send buffer + receive buffer bytes.
 * A FIN follows the data written before it; a RST empties the flow.
 *
 * <p>Deliveries are timers on the loop, one per segment; each delivers every segment due, in order, so timers with
 * equal deadlines may run in any order the simulation chooses without reordering the stream.
 */
final class Flow {

  /** Where the sender's FIN is. */
  enum Fin { NONE, QUEUED, IN_FLIGHT, ARRIVED }

  final SimNetwork net;
  final long id;
  final SimHost fromHost;
  // Null for a connect to an address no host has.
  final SimHost toHost;
  // The other direction of the connection.
  Flow reverse;
  // Null until the connection exists at that end (the server's end appears when the SYN arrives).
  SimStreamSocket sender;
  SimStreamSocket receiver;

  final ByteRing sendBuffer = new ByteRing();
  final ByteRing receiveBuffer = new ByteRing();
  // Invariant: inFlightBytes is the sum of the DATA segments' lengths in flight, in the order they were sent.
  private final ArrayDeque<Segment> flight = new ArrayDeque<>();
  private int inFlightBytes;
  Fin fin = Fin.NONE;
  // Set when the sender gave up behind a partition (the stream timeout): no second timeout.
  boolean gaveUp;

  Flow(SimNetwork net, long id, SimHost fromHost, SimHost toHost) {
    this.net = net;
    this.id = id;
    this.fromHost = fromHost;
    this.toHost = toHost;
  }

  /**
   * Takes from {@code src} what the send buffer has room for, sending what the window allows as it goes (so one write
   * can fill both buffers, as the kernel does); returns how much it took.
   */
  int write(ByteBuffer src, int sendCapacity) {
    int taken = 0;
    int n;
    writing = true;
    try {
      while ((n = Math.min(src.remaining(), sendCapacity - sendBuffer.size())) > 0) {
        sendBuffer.put(src, n);
        taken += n;
        transmit();
      }
    } finally {
      writing = false;
    }
    return taken;
  }

  /** Whether the sender's code is in {@link #write} now: what is sent meanwhile was sent by its write. */
  boolean writing;

  /** Queues the FIN after what is in the send buffer. */
  void shutdown() {
    if (fin == Fin.NONE) {
      fin = Fin.QUEUED;
      transmit();
    }
  }

  /** Sends as much of the send buffer as the receiver's window allows, then a queued FIN once it is empty. */
  void transmit() {
    while (!sendBuffer.isEmpty()) {
      int window = receiveCapacity() - receiveBuffer.size() - inFlightBytes;
      if (window <= 0) {
        break;
      }
      byte[] bytes = sendBuffer.take(Math.min(window, sendBuffer.size()));
      if (net.resetInstead(this, bytes.length)) {
        // a middlebox's reset in both directions in place of the data: each end learns of it one link delay later
        // (not as segments of the flows: the first end's reset empties its flows, and must not recall the other's)
        sendBuffer.clear();
        fin = Fin.NONE;
        SimStreamSocket to = receiver;
        SimStreamSocket back = sender;
        net.schedule(net.deliveryDelayNanos(fromHost, toHost), () -> {
          if (to != null) {
            to.reset();
          }
        }, Segment.Kind.RST.event(id, 0));
        net.schedule(net.deliveryDelayNanos(toHost, fromHost), () -> {
          if (back != null) {
            back.reset();
          }
        }, Segment.Kind.RST.event(reverse.id, 0));
        break;
      }
      inFlightBytes += bytes.length;
      int[] pieces = net.slices(this, bytes.length);
      if (pieces == null) {
        send(Segment.Kind.DATA, bytes);
      } else {
        int from = 0;
        for (int p : pieces) {
          // each piece a little after the one before, so the receiver reads it on its own
          sendAfterLast(java.util.Arrays.copyOfRange(bytes, from, from + p));
          from += p;
        }
      }
    }
    if (sendBuffer.isEmpty() && fin == Fin.QUEUED) {
      fin = Fin.IN_FLIGHT;
      send(Segment.Kind.FIN, Segment.NONE);
    }
    if (sender != null) {
      sender.refresh();
    }
  }

  private int receiveCapacity() {
    return receiver != null ? receiver.receiveBufferSize() : net.receiveBufferSize();
  }

  /** The gap between the pieces of a sliced segment: 1 µs, so each arrives in an iteration of its own. */
  static final long SLICE_GAP_NANOS = 1_000;

  /** Puts a segment in flight: it arrives after the link's delay, behind everything sent before it. */
  void send(Segment.Kind kind, byte[] data) {
    send(kind, data, false);
  }

  /** Puts a data piece in flight strictly after everything before it (a piece of a sliced segment). */
  private void sendAfterLast(byte[] piece) {
    send(Segment.Kind.DATA, piece, true);
  }

  private void send(Segment.Kind kind, byte[] data, boolean strictlyAfter) {
    long now = net.now();
    long at = now + net.streamDelayNanos(kind.faultKind(), this, data.length);
    Segment last = flight.peekLast();
    if (last != null && last.arrivesAt() - at > 0) {
      at = last.arrivesAt(); // a stream never overtakes itself
    }
    if (strictlyAfter && last != null && at - last.arrivesAt() < SLICE_GAP_NANOS) {
      at = last.arrivesAt() + SLICE_GAP_NANOS;
    }
    flight.add(new Segment(kind, data, at));
    net.schedule(at - now, this::deliverDue, kind.event(id, data.length));
  }

  /** Whether segments are in flight (or held behind a partition). */
  boolean inFlight() {
    return !flight.isEmpty();
  }

  /** Drops what is buffered to send and in flight (a reset); a FIN not yet arrived is dropped too. */
  void dropAll() {
    sendBuffer.clear();
    flight.clear();
    inFlightBytes = 0;
    if (fin == Fin.QUEUED || fin == Fin.IN_FLIGHT) {
      fin = Fin.NONE;
    }
  }

  /**
   * Delivers, in order, every segment in flight whose time has come; behind a partition, holds them instead (the
   * network releases the flow when the link heals).
   */
  void deliverDue() {
    long now = net.now();
    if (!flight.isEmpty() && net.partitioned(fromHost, toHost)) {
      net.hold(this);
      return;
    }
    Segment s;
    while ((s = flight.peek()) != null && s.arrivesAt() - now <= 0) {
      flight.poll();
      if (s.kind() == Segment.Kind.DATA) {
        inFlightBytes -= s.data().length;
      }
      net.arrive(this, s);
    }
  }

  /** Checks the flow's invariants; tests call it. */
  void checkInvariants() {
    int sum = 0;
    long last = Long.MIN_VALUE;
    for (Segment s : flight) {
      if (s.kind() == Segment.Kind.DATA) {
        sum += s.data().length;
      }
      if (last != Long.MIN_VALUE && s.arrivesAt() - last < 0) {
        throw new AssertionError("flow #" + id + ": segments in flight out of order");
      }
      last = s.arrivesAt();
    }
    if (sum != inFlightBytes) {
      throw new AssertionError("flow #" + id + ": inFlightBytes " + inFlightBytes + " but " + sum + " in flight");
    }
  }

  @Override
  public String toString() {
    return "Flow#" + id + "[" + fromHost + "->" + toHost + ", send " + sendBuffer.size() + ", flight " + inFlightBytes
        + ", receive " + receiveBuffer.size() + ", fin " + fin + "]";
  }
}
