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
    while ((n = Math.min(src.remaining(), sendCapacity - sendBuffer.size())) > 0) {
      sendBuffer.put(src, n);
      taken += n;
      transmit();
    }
    return taken;
  }

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
      inFlightBytes += bytes.length;
      send(Segment.Kind.DATA, bytes);
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

  /** Puts a segment in flight: it arrives after the link's delay, behind everything sent before it. */
  void send(Segment.Kind kind, byte[] data) {
    long now = net.now();
    long at = now + net.streamDelayNanos(kind.faultKind(), fromHost, toHost, id, data.length);
    Segment last = flight.peekLast();
    if (last != null && last.arrivesAt() - at > 0) {
      at = last.arrivesAt(); // a stream never overtakes itself
    }
    flight.add(new Segment(kind, data, at));
    net.schedule(at - now, this::deliverDue, kind.event(id, data.length));
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

  /** Delivers, in order, every segment in flight whose time has come. */
  private void deliverDue() {
    long now = net.now();
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
