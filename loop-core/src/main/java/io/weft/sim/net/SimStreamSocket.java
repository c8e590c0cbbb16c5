package io.weft.sim.net;

import io.weft.spi.Network;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.util.List;
import java.util.Objects;

/** One end of a simulated TCP connection: reads from its incoming {@link Flow}, writes to its outgoing one. */
final class SimStreamSocket extends SimSocket implements Network.StreamSocket {

  /** Where the connection is, seen from this end. */
  enum State {
    /** The SYN is on its way, or its answer is. */
    CONNECTING,
    /** The connect was refused; finishConnect throws. */
    REFUSED,
    /** No host has the address; finishConnect throws. */
    UNREACHABLE,
    /** The connect's handshake stayed behind a partition past the stream timeout; finishConnect throws. */
    TIMED_OUT,
    /** Connected. */
    OPEN,
    /** The peer's RST arrived: reads and writes fail. */
    RESET,
    /** Closed or aborted by this side. */
    CLOSED
  }

  private static final List<SocketOption<?>> OPTIONS = List.of(StandardSocketOptions.TCP_NODELAY,
      StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
      StandardSocketOptions.SO_REUSEADDR);
  private static final List<SocketOption<?>> UNIX_OPTIONS =
      List.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF);

  // An InetSocketAddress for TCP; a UnixDomainSocketAddress (the unnamed one for a client) for a Unix-domain stream.
  final SocketAddress local;
  final SocketAddress remote;
  // What a read or write says once the connection is RESET.
  private String resetMessage = "Connection reset by peer";
  // Whether this is a Unix-domain stream: no RST (an abort closes; the peer reads EOF unless this side left data
  // unread), no ports.
  private final boolean unix;
  final Flow out;
  final Flow in;
  private State state;
  // Whether finishConnect has returned true (an accepted socket starts connected).
  private boolean connectFinished;
  // Whether this end holds its local port in its host's table (a client's does; an accepted one shares the listener's).
  private final boolean ownsPort;

  SimStreamSocket(SimNetwork net, SimHost host, SocketAddress local, SocketAddress remote, Flow out, Flow in,
      boolean accepted) {
    super(net, host, accepted ? "accepted" : "stream");
    this.local = local;
    this.remote = remote;
    this.out = out;
    this.in = in;
    out.sender = this;
    in.receiver = this;
    this.state = accepted ? State.OPEN : State.CONNECTING;
    this.connectFinished = accepted;
    this.unix = remote instanceof java.net.UnixDomainSocketAddress;
    this.ownsPort = !accepted && !unix;
  }

  State state() {
    return state;
  }

  @Override
  List<SocketOption<?>> options() {
    return unix ? UNIX_OPTIONS : OPTIONS;
  }

  @Override
  int readyOps() {
    return switch (state) {
      case CONNECTING, CLOSED -> 0;
      case REFUSED, UNREACHABLE, TIMED_OUT -> Poller.CONNECT;
      case RESET -> connectFinished ? Poller.READ | Poller.WRITE : Poller.CONNECT;
      case OPEN -> {
        if (!connectFinished) {
          yield Poller.CONNECT;
        }
        int ops = 0;
        if (!in.receiveBuffer.isEmpty() || in.fin == Flow.Fin.ARRIVED) {
          ops |= Poller.READ;
        }
        if (out.fin == Flow.Fin.NONE && out.sendBuffer.size() < sendBufferSize()) {
          ops |= Poller.WRITE;
        }
        yield ops;
      }
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // What arrives
  // ------------------------------------------------------------------------------------------------------------

  /** The listener's answer arrived. */
  void connected() {
    if (state == State.CONNECTING && unix) {
      state = State.OPEN; // a Unix-domain connect completes at once
      connectFinished = true;
      refresh();
    } else if (state == State.CONNECTING) {
      state = State.OPEN;
      refresh();
    } else if (state == State.CLOSED) {
      out.send(Segment.Kind.RST, Segment.NONE); // closed while connecting: the server's end must not linger
    }
  }

  /** The connect failed: REFUSED or UNREACHABLE. */
  void connectFailed(State why) {
    if (state == State.CONNECTING) {
      state = why;
      refresh();
    }
  }

  /**
   * What this end sent stayed behind a partition past the network's stream timeout (TCP gave up retransmitting): a
   * connect fails with a timeout; an open connection's next read or write fails with "Connection timed out". No RST
   * is sent (Linux sends none after a retransmission timeout): the peer learns when it next sends.
   */
  void timedOut() {
    if (state == State.CONNECTING) {
      state = State.TIMED_OUT;
      refresh();
    } else if (state == State.OPEN) {
      state = State.RESET;
      resetMessage = "Connection timed out";
      in.receiveBuffer.clear();
      out.dropAll();
      refresh();
    }
  }

  /** The peer's RST arrived: what this end holds is dropped, and its next read or write fails. */
  void reset() {
    if (state == State.OPEN || state == State.CONNECTING) {
      state = State.RESET;
      in.receiveBuffer.clear();
      out.dropAll();
      refresh();
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Network.StreamSocket
  // ------------------------------------------------------------------------------------------------------------

  @Override
  public boolean finishConnect() throws IOException {
    switch (state) {
      case CONNECTING:
        return false;
      case REFUSED:
        close();
        throw new ConnectException("Connection refused: " + remote);
      case UNREACHABLE:
        close();
        throw new NoRouteToHostException("No route to host: " + remote);
      case TIMED_OUT:
        close();
        throw new java.net.SocketTimeoutException("Connection timed out: " + remote);
      case CLOSED:
        throw new ClosedChannelException();
      default:
        if (!connectFinished) {
          connectFinished = true;
          refresh();
        }
        return true;
    }
  }

  private void checkConnected() throws IOException {
    checkOpen();
    if (!connectFinished) {
      throw new NotYetConnectedException();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    Objects.requireNonNull(dst, "dst must not be null");
    checkConnected();
    if (state == State.RESET) {
      throw new IOException(resetMessage + ": " + remote);
    }
    if (!in.receiveBuffer.isEmpty()) {
      int n = in.receiveBuffer.get(dst);
      if (n > 0) {
        in.transmit(); // the window opened: the peer's send buffer moves on
        refresh();
      }
      return n;
    }
    return in.fin == Flow.Fin.ARRIVED ? -1 : 0;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    Objects.requireNonNull(src, "src must not be null");
    checkConnected();
    if (out.fin != Flow.Fin.NONE) {
      throw new ClosedChannelException(); // output shut down
    }
    if (state == State.RESET) {
      throw new IOException(resetMessage + ": " + remote);
    }
    int n = out.write(src, sendBufferSize());
    refresh();
    return n;
  }

  @Override
  public void shutdownOutput() throws IOException {
    checkConnected();
    if (state == State.OPEN) {
      out.shutdown();
      refresh();
    }
  }

  @Override
  public void abort() {
    if (state == State.CLOSED) {
      return;
    }
    if (unix && state == State.OPEN && in.receiveBuffer.isEmpty()) {
      close(); // a Unix-domain stream has no reset: the peer reads what was written, then EOF
      return;
    }
    State was = state;
    state = State.CLOSED;
    out.dropAll();
    in.receiveBuffer.clear();
    if (was == State.OPEN || was == State.CONNECTING) {
      out.send(Segment.Kind.RST, Segment.NONE);
    }
    released();
  }

  @Override
  public void close() {
    switch (state) {
      case CLOSED:
        return;
      case OPEN:
        if (!in.receiveBuffer.isEmpty()) {
          abort(); // as Linux does: closing with unread data resets the connection
          return;
        }
        state = State.CLOSED;
        out.shutdown(); // the send buffer still drains, then the FIN
        released();
        return;
      default:
        abort();
    }
  }

  private void released() {
    markClosed();
    if (ownsPort) {
      host.releaseTcp(((InetSocketAddress) local).getPort(), this);
    }
    refresh();
  }

  /** Data or a FIN arrived for this end after it closed: as Linux does, it answers with a RST. */
  void arrivedAfterClose() {
    out.dropAll();
    out.send(Segment.Kind.RST, Segment.NONE);
  }

  @Override
  public boolean isOpen() {
    return state != State.CLOSED;
  }

  @Override
  public SocketAddress localAddress() throws IOException {
    checkOpen();
    return local;
  }

  @Override
  public SocketAddress remoteAddress() throws IOException {
    checkOpen();
    return remote;
  }

  @Override
  String addresses() {
    return local + " -> " + remote + " " + state;
  }

  @Override
  void checkInvariants() {
    out.checkInvariants();
    in.checkInvariants();
    if (out.sender != this || in.receiver != this || out.reverse != in || in.reverse != out) {
      throw new AssertionError(this + ": its flows are not wired to it");
    }
  }

  @Override
  void buffersChanged() {
    if (state == State.OPEN) {
      in.transmit(); // a larger receive buffer opens the peer's window
      out.transmit();
    }
    refresh();
  }
}
