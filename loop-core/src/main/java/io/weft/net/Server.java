package io.weft.net;

import io.weft.Api;
import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.ExceptionContext;
import io.weft.Future;
import io.weft.internal.jfr.WeftEvents;
import io.weft.spi.Network.ListenSocket;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A listening server made by {@link Net#createServer}: asyncio's {@code asyncio.Server}.
 *
 * <p>It accepts connections on its sockets while {@linkplain #isServing() serving}, giving each a {@link Transport}
 * and a protocol from its factory. {@link #close()} stops listening but leaves the connections alone;
 * {@link #closeClients()} and {@link #abortClients()} end them; {@link #waitClosed()} returns once the server is
 * closed and every connection it accepted is gone. Loop thread only.
 *
 * <p>asyncio's {@code async with server:} is try-with-resources here ({@code try (Server s = Net.createServer(...))
 * { ... }}), which closes the listening sockets at the end of the block; since {@code close()} cannot wait, call
 * {@link #waitClosed()} in the block when the connections must be gone too.
 *
 * <p>In debug mode a server not closed when its loop closes is reported to the loop's exception handler as
 * "unclosed server ...", with where it was made; so is each connection it accepted that is still open.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Server implements AutoCloseable {

  /** Where a server is in its life. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public enum State {
    /** Listening, but not accepting yet ({@code startServing} false). */
    NOT_SERVING,
    /** Accepting connections. */
    SERVING,
    /** Closed: the listening sockets are closed; connections already accepted may live on. */
    CLOSED
  }

  /** How long a listening socket rests after a failed accept, asyncio's {@code ACCEPT_RETRY_DELAY}. */
  static final java.time.Duration ACCEPT_RETRY_DELAY = java.time.Duration.ofSeconds(1);

  private final EventLoop loop;
  private final List<ListenSocket> sockets;
  private final List<Watch> watches = new ArrayList<>();
  private final Supplier<? extends Protocol> factory;
  private final int backlog;
  // Invariant: clients holds exactly the accepted transports whose connectionLost has not run yet.
  private final Set<Transport> clients = new LinkedHashSet<>();
  private final List<Future<Void>> closeWaiters = new ArrayList<>();
  private final List<io.weft.TimerHandle> retries = new ArrayList<>();
  private State state = State.NOT_SERVING;
  private Future<Void> servingForever;
  // Debug mode: where the server was made, while OpenResources lists it as open; null outside debug mode.
  private final Throwable createdAt;

  Server(EventLoop loop, List<ListenSocket> sockets, Supplier<? extends Protocol> factory, int backlog) {
    this.loop = loop;
    this.sockets = List.copyOf(sockets);
    this.factory = factory;
    this.backlog = backlog;
    for (ListenSocket s : this.sockets) {
      Watch w = new Watch(loop, s);
      w.target(ops -> acceptReady(s));
      watches.add(w);
    }
    this.createdAt = OpenResources.register(loop, "server", this, null);
  }

  /** Returns the server's state. */
  public State state() {
    return state;
  }

  /** Returns whether the server accepts connections. */
  public boolean isServing() {
    return state == State.SERVING;
  }

  /** Returns the listening sockets (their {@code localAddress()} is where to connect); empty once closed. */
  public List<ListenSocket> sockets() {
    return state == State.CLOSED ? List.of() : sockets;
  }

  /**
   * Starts accepting connections; a no-op if serving already.
   *
   * @throws IllegalStateException naming the state if the server is closed
   */
  public void startServing() {
    if (state == State.SERVING) {
      return;
    }
    if (state != State.NOT_SERVING) {
      throw new IllegalStateException("cannot start serving: server is " + state);
    }
    state = State.SERVING;
    watches.forEach(w -> w.set(Poller.ACCEPT));
  }

  /**
   * Serves until the calling task is cancelled, then closes the server and waits until it is closed, as asyncio's
   * {@code serve_forever}. Call from a task.
   *
   * @throws IllegalStateException if the server is closed, or another task serves it forever already
   * @throws CancelledError when cancelled, after closing
   */
  public void serveForever() {
    if (servingForever != null) {
      throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
    }
    if (state == State.CLOSED) {
      throw new IllegalStateException("server " + this + " is closed");
    }
    startServing();
    servingForever = loop.createFuture();
    try {
      servingForever.await();
    } catch (CancelledError e) {
      try {
        close();
        waitClosed();
      } finally {
        throw e;
      }
    } finally {
      servingForever = null;
    }
  }

  /**
   * Stops listening: closes the listening sockets, leaving accepted connections open. Idempotent. Cancels a
   * {@link #serveForever()} in progress.
   */
  @Override
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    OpenResources.unregister(loop, this, createdAt);
    retries.forEach(io.weft.TimerHandle::cancel);
    retries.clear();
    for (Watch w : watches) {
      w.cancel();
    }
    try {
      loop.poller().flushCancelled(); // so the listening sockets really close now: asyncio's close is immediate
    } catch (java.io.IOException e) {
      loop.callExceptionHandler(new io.weft.ExceptionContext("could not flush the poller's cancelled keys", e, null,
          null, null, java.util.Map.of()));
    }
    for (ListenSocket s : sockets) {
      s.close();
    }
    if (servingForever != null && !servingForever.isDone()) {
      servingForever.cancel();
      servingForever = null;
    }
    wakeupIfDone();
  }

  /** Closes every accepted connection that is still open (each flushes first); see {@link Transport#close()}. */
  public void closeClients() {
    new ArrayList<>(clients).forEach(Transport::close);
  }

  /** Aborts every accepted connection that is still open; see {@link Transport#abort()}. */
  public void abortClients() {
    new ArrayList<>(clients).forEach(Transport::abort);
  }

  /** Waits, in a task, until the server is closed and every connection it accepted has been lost. */
  public void waitClosed() {
    if (state == State.CLOSED && clients.isEmpty()) {
      return;
    }
    Future<Void> waiter = loop.createFuture();
    closeWaiters.add(waiter);
    waiter.await();
  }

  private void acceptReady(ListenSocket listener) {
    for (int i = 0; i < backlog && state == State.SERVING; i++) {
      StreamSocket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (WeftEvents.transportErrorEnabled()) {
          WeftEvents.transportError("stream", "accept", localAddressOf(listener), null, e);
        }
        // Out of descriptors, most likely: stop accepting on this socket for a while instead of spinning on its
        // readiness, as asyncio does (ACCEPT_RETRY_DELAY).
        loop.callExceptionHandler(new ExceptionContext("socket.accept() out of system resource", e, null, null,
            null, Map.of("socket", listener)));
        Watch w = watches.get(sockets.indexOf(listener));
        w.remove(Poller.ACCEPT);
        retries.add(loop.callLater(ACCEPT_RETRY_DELAY, () -> {
          if (state == State.SERVING) {
            w.add(Poller.ACCEPT);
          }
        }));
        return;
      }
      if (socket == null) {
        return;
      }
      Protocol protocol;
      try {
        protocol = java.util.Objects.requireNonNull(factory.get(), "the protocol factory returned null");
      } catch (RuntimeException | Error e) {
        Transport.rethrowIfEscaping(e);
        socket.close();
        loop.callExceptionHandler(new ExceptionContext("Error on transport creation for incoming connection", e,
            null, null, null, Map.of("socket", socket)));
        continue;
      }
      Transport transport = new Transport(loop, socket, new Watch(loop, socket), protocol, this);
      clients.add(transport);
      transport.start();
    }
  }

  private static Object localAddressOf(ListenSocket listener) {
    try {
      return listener.localAddress();
    } catch (IOException e) {
      return null; // closed meanwhile
    }
  }

  /** Called by a client transport once its connection is lost. */
  void detach(Transport transport) {
    clients.remove(transport);
    wakeupIfDone();
  }

  private void wakeupIfDone() {
    if (state != State.CLOSED || !clients.isEmpty()) {
      return;
    }
    for (Future<Void> w : closeWaiters) {
      if (!w.isDone()) {
        w.setResult(null);
      }
    }
    closeWaiters.clear();
  }

  @Override
  public String toString() {
    List<Object> addresses = new ArrayList<>();
    for (ListenSocket s : sockets) {
      try {
        addresses.add(s.localAddress());
      } catch (IOException e) {
        addresses.add("?");
      }
    }
    return "Server[" + state.name().toLowerCase(java.util.Locale.ROOT) + ", " + addresses + ", " + clients.size()
        + " clients]";
  }
}
