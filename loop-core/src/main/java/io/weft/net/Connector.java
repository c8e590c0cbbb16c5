package io.weft.net;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.ReturnWhen;
import io.weft.Task;
import io.weft.Weft;
import io.weft.internal.jfr.WeftEvents;
import io.weft.spi.Network.StreamSocket;
import io.weft.spi.Poller;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Connecting a stream socket through the loop: one address, each address in turn, or a staggered race (happy
 * eyeballs, RFC 8305, as asyncio's {@code staggered_race}). Whatever fails or loses is closed.
 */
final class Connector {

  private Connector() {}

  /** A connected socket and its one poller registration, which the transport takes over. */
  record Attempt(StreamSocket socket, Watch watch) {
    void close() {
      watch.cancel();
      socket.close();
    }
  }

  /**
   * Connects to the first address that takes the connection: one after another when {@code delay} is null, else
   * starting the next attempt each {@code delay} (or as soon as one fails) while earlier ones go on.
   */
  static Attempt first(EventLoop loop, List<? extends SocketAddress> addresses, SocketAddress local,
      Duration delay) throws IOException {
    List<IOException> errors = new ArrayList<>();
    if (delay == null || addresses.size() == 1) {
      for (SocketAddress address : addresses) {
        List<Attempt> opened = new ArrayList<>(1);
        try {
          return connect(loop, address, local, opened);
        } catch (IOException e) {
          errors.add(e);
        }
      }
      throw failed(addresses, local, error(addresses, errors));
    }
    try {
      return staggered(loop, addresses, local, delay, errors);
    } catch (IOException e) {
      throw failed(addresses, local, e);
    }
  }

  /** Records {@code weft.TransportError} for a connect that failed everywhere, if a recording wants it. */
  private static IOException failed(List<? extends SocketAddress> addresses, SocketAddress local, IOException e) {
    if (WeftEvents.transportErrorEnabled()) {
      WeftEvents.transportError("stream", "connect", local, addresses.size() == 1 ? addresses.get(0) : addresses, e);
    }
    return e;
  }

  private static Attempt staggered(EventLoop loop, List<? extends SocketAddress> addresses, SocketAddress local,
      Duration delay, List<IOException> errors) throws IOException {
    List<Attempt> opened = new ArrayList<>();
    List<Task<Attempt>> running = new ArrayList<>();
    Attempt winner = null;
    int next = 0;
    try {
      while (true) {
        if (next < addresses.size()) {
          SocketAddress address = addresses.get(next++);
          running.add(loop.createTask(() -> connect(loop, address, local, opened)));
        }
        if (running.isEmpty()) {
          throw error(addresses, errors);
        }
        Weft.wait(running, ReturnWhen.FIRST_COMPLETED, next < addresses.size() ? delay : null);
        for (Task<Attempt> t : List.copyOf(running)) {
          if (!t.isDone()) {
            continue;
          }
          running.remove(t);
          Throwable e = t.exception();
          if (e == null) {
            winner = t.result();
            return winner;
          }
          if (e instanceof IOException io) {
            errors.add(io);
          } else {
            throw (RuntimeException) (e instanceof RuntimeException r ? r : new IllegalStateException(e));
          }
        }
      }
    } finally {
      running.forEach(Task::cancel);
      for (Attempt a : opened) {
        if (a != winner) {
          a.close();
        }
      }
    }
  }

  /** Connects to one address, noting the attempt in {@code opened} as soon as its socket exists. */
  static Attempt connect(EventLoop loop, SocketAddress address, SocketAddress local, List<Attempt> opened)
      throws IOException {
    Attempt attempt = null;
    boolean connected = false;
    try {
      StreamSocket socket = loop.network().connect(address, local);
      attempt = new Attempt(socket, new Watch(loop, socket));
      opened.add(attempt);
      awaitConnected(loop, attempt);
      connected = true;
      return attempt;
    } catch (ConnectException e) {
      ConnectException named = new ConnectException("Connect call failed " + address + ": " + e.getMessage());
      named.initCause(e);
      throw named;
    } finally {
      if (!connected && attempt != null) {
        attempt.close();
      }
    }
  }

  /** Takes over a socket connected (or connecting) elsewhere, waiting for its connect to finish. */
  static Attempt adopt(EventLoop loop, StreamSocket socket) throws IOException {
    Attempt attempt = new Attempt(socket, new Watch(loop, socket));
    boolean connected = false;
    try {
      awaitConnected(loop, attempt);
      connected = true;
      return attempt;
    } catch (IOException e) {
      if (WeftEvents.transportErrorEnabled()) {
        WeftEvents.transportError("stream", "connect", null, remoteOf(socket), e);
      }
      throw e;
    } finally {
      if (!connected) {
        attempt.close();
      }
    }
  }

  private static SocketAddress remoteOf(StreamSocket socket) {
    try {
      return socket.remoteAddress();
    } catch (IOException e) {
      return null; // not connected: the error says why
    }
  }

  private static void awaitConnected(EventLoop loop, Attempt attempt) throws IOException {
    Watch watch = attempt.watch();
    try {
      while (!attempt.socket().finishConnect()) {
        Future<Void> ready = loop.createFuture();
        watch.target(ops -> {
          if (!ready.isDone()) {
            ready.setResult(null);
          }
        });
        watch.set(Poller.CONNECT);
        ready.await();
      }
    } finally {
      watch.set(0);
      watch.target(null);
    }
  }

  /** The error for a connect that failed everywhere: the one error, or all of them if they differ. */
  static IOException error(List<? extends SocketAddress> addresses, List<IOException> errors) {
    if (errors.size() == 1) {
      return errors.get(0);
    }
    String first = String.valueOf(errors.get(0).getMessage());
    if (errors.stream().allMatch(e -> first.equals(String.valueOf(e.getMessage())))) {
      return errors.get(0);
    }
    StringBuilder sb = new StringBuilder("Multiple exceptions connecting to " + addresses + ":");
    errors.forEach(e -> sb.append(' ').append(e.getMessage()).append(';'));
    ConnectException all = new ConnectException(sb.toString());
    errors.forEach(all::addSuppressed);
    return all;
  }
}
