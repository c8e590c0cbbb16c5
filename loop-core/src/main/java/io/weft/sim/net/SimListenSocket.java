package io.weft.sim.net;

import io.weft.spi.Network;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A simulated listening socket: connections whose SYN arrived wait in its accept queue, at most {@code backlog} of
 * them; a SYN that finds the queue full is refused (Linux with {@code net.ipv4.tcp_abort_on_overflow = 1}; by default
 * Linux drops it and the client retries, which a test cannot tell from a slow server).
 */
final class SimListenSocket extends SimSocket implements Network.ListenSocket {

  private static final List<SocketOption<?>> OPTIONS =
      List.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);
  private static final List<SocketOption<?>> UNIX_OPTIONS = List.of(StandardSocketOptions.SO_RCVBUF);

  // An InetSocketAddress, or the UnixDomainSocketAddress of a Unix-domain listener.
  final SocketAddress local;
  final int backlog;
  // Invariant: holds at most backlog sockets, each OPEN or RESET, in the order their SYNs arrived.
  private final ArrayDeque<SimStreamSocket> queue = new ArrayDeque<>();
  private boolean open = true;
  // Connections whose handshake is done but that reach the queue later (a fault plan's accept_delay); they count
  // against the backlog, as they would sit in a real accept queue.
  private int delayed;

  SimListenSocket(SimNetwork net, SimHost host, SocketAddress local, int backlog) {
    super(net, host, "listen");
    this.local = local;
    this.backlog = backlog;
  }

  /** Whether a connect to {@code target} (an address of this socket's host) reaches this socket. */
  boolean accepts(InetSocketAddress target) {
    InetAddress bound = ((InetSocketAddress) local).getAddress();
    return bound.isAnyLocalAddress() || bound.equals(target.getAddress());
  }

  boolean queueFull() {
    return queue.size() + delayed >= backlog;
  }

  /**
   * Queues {@code s} after {@code nanos} of virtual time (a fault plan's accept delay); if this listener has closed
   * by then, {@code s} is reset, as Linux resets what is left in a closed listener's queue.
   */
  void enqueueAfter(SimStreamSocket s, long nanos, long event) {
    delayed++;
    net.schedule(nanos, () -> {
      delayed--;
      if (open) {
        enqueue(s);
      } else {
        s.abort();
      }
    }, event);
  }

  void enqueue(SimStreamSocket s) {
    s.acceptedBy(this);
    queue.add(s);
    refresh();
  }

  @Override
  String addresses() {
    return "listening on " + local + ", " + queue.size() + " of " + backlog + " queued";
  }

  @Override
  void checkInvariants() {
    if (queue.size() > backlog) {
      throw new AssertionError(this + ": " + queue.size() + " queued, over the backlog of " + backlog);
    }
  }

  @Override
  int readyOps() {
    return queue.isEmpty() ? 0 : Poller.ACCEPT;
  }

  @Override
  List<SocketOption<?>> options() {
    return local instanceof InetSocketAddress ? OPTIONS : UNIX_OPTIONS;
  }

  @Override
  public Network.StreamSocket accept() throws IOException {
    checkOpen();
    SimStreamSocket s = queue.poll();
    refresh();
    return s;
  }

  @Override
  public SocketAddress localAddress() throws IOException {
    checkOpen();
    return local;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Closes the socket; connections not yet accepted are reset, as Linux does. */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    markClosed();
    if (local instanceof InetSocketAddress inet) {
      host.releaseTcp(inet.getPort(), this);
    } else {
      host.releaseUnix((UnixDomainSocketAddress) local, this);
    }
    SimStreamSocket s;
    while ((s = queue.poll()) != null) {
      s.abort();
    }
    refresh();
  }
}
