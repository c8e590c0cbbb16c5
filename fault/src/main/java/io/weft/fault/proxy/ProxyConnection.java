package io.weft.fault.proxy;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Transport;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One client connection through a {@link FaultProxy}: the client's transport, the transport to the upstream, and a
 * {@link Pipe} each way. Loop thread only.
 *
 * <p>Its life: {@link State#CONNECTING} (the client's reading is paused while the upstream connects), {@link
 * State#OPEN} (both pipes run), {@link State#ENDED} (closed or reset; the transports are going). A reset from either
 * side resets the other; an orderly close of either side closes the other, once what is queued for it has gone.
 */
final class ProxyConnection {

  /** Where a connection is in its life; it only moves forward. */
  enum State {
    /** The client is accepted; the upstream is being connected. */
    CONNECTING,
    /** Both sides are connected and piped. */
    OPEN,
    /** Closed or reset: nothing more is piped. */
    ENDED
  }

  final long id;
  private final ProxyServer server;
  private final EventLoop loop;
  private final Pipe up;
  private final Pipe down;
  private final List<String> applied = new ArrayList<>();
  private State state = State.CONNECTING;
  private String endedBy;
  private String clientAddress = "?";
  private Transport client;
  private Transport upstream;
  private Task<?> connecting;
  // Invariant: live counts this connection's transports whose connectionLost has not run.
  private int live;
  private boolean finished;

  ProxyConnection(long id, ProxyServer server, EventLoop loop, RandomGenerator decide, RandomGenerator random) {
    this.id = id;
    this.server = server;
    this.loop = loop;
    this.up = new Pipe(Direction.UPSTREAM, this, loop, decide, random);
    this.down = new Pipe(Direction.DOWNSTREAM, this, loop, decide, random);
  }

  /** The protocol of the client's side. */
  Protocol clientProtocol() {
    return new Protocol() {
      @Override
      public void connectionMade(Transport transport) {
        client = transport;
        live++;
        transport.pauseReading();
        SocketAddress peer = (SocketAddress) transport.getExtraInfo("peername");
        clientAddress = String.valueOf(peer).replaceFirst("^/", "");
        log("accepted " + clientAddress + ", connecting to " + server.upstreamText());
        up.refresh(server.plan().toxics(Direction.UPSTREAM));
        down.refresh(server.plan().toxics(Direction.DOWNSTREAM));
        connecting = loop.createTask(ProxyConnection.this::connectUpstream);
        connecting.addDoneCallback(t -> {
          connecting = null;
          maybeFinished();
        });
      }

      @Override
      public void dataReceived(byte[] data) {
        up.data(data);
      }

      @Override
      public boolean eofReceived() {
        up.eof();
        return true;
      }

      @Override
      public void pauseWriting() {
        down.destPaused(true);
      }

      @Override
      public void resumeWriting() {
        down.destPaused(false);
      }

      @Override
      public void connectionLost(Throwable cause) {
        lost("client", cause);
      }
    };
  }

  private Void connectUpstream() {
    Net.Connection<Protocol> c;
    try {
      c = Net.createConnection(this::upstreamProtocol, server.upstreamHost(), server.upstreamPort());
    } catch (java.io.IOException | RuntimeException e) {
      log("upstream " + server.upstreamText() + " failed: " + e);
      close("upstream connect failed: " + e.getMessage());
      return null;
    }
    if (state != State.CONNECTING) {
      c.transport().abort();
      return null;
    }
    state = State.OPEN;
    up.attach(client, upstream);
    down.attach(upstream, client);
    client.resumeReading();
    log("connected to " + server.upstreamText());
    return null;
  }

  private Protocol upstreamProtocol() {
    return new Protocol() {
      @Override
      public void connectionMade(Transport transport) {
        upstream = transport;
        live++;
      }

      @Override
      public void dataReceived(byte[] data) {
        down.data(data);
      }

      @Override
      public boolean eofReceived() {
        down.eof();
        return true;
      }

      @Override
      public void pauseWriting() {
        up.destPaused(true);
      }

      @Override
      public void resumeWriting() {
        up.destPaused(false);
      }

      @Override
      public void connectionLost(Throwable cause) {
        lost("upstream", cause);
      }
    };
  }

  /** Takes a new plan. */
  void refresh(ToxicPlan plan) {
    if (state == State.ENDED) {
      return;
    }
    up.refresh(plan.toxics(Direction.UPSTREAM));
    down.refresh(plan.toxics(Direction.DOWNSTREAM));
  }

  /** One pipe delivered its end of stream; once both have, the connection closes. */
  void eofForwarded() {
    if (up.eofSent() && down.eofSent()) {
      close("both sides ended their streams");
    }
  }

  /** Whether the connection is closed or reset. */
  boolean isEnded() {
    return state == State.ENDED;
  }

  /** Closes both sides in order: each flushes what it holds, then FIN. */
  void close(String why) {
    if (!end(why)) {
      return;
    }
    if (client != null) {
      client.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  /** Resets both sides: buffers dropped, RST. */
  void reset(String why) {
    if (!end(why)) {
      return;
    }
    log("resetting both sides: " + why);
    if (client != null) {
      client.abort();
    }
    if (upstream != null) {
      upstream.abort();
    }
  }

  private boolean end(String why) {
    if (state == State.ENDED) {
      return false;
    }
    state = State.ENDED;
    endedBy = why;
    log("ending: " + why);
    up.stop();
    down.stop();
    if (connecting != null) {
      connecting.cancel();
    }
    return true;
  }

  private void lost(String side, Throwable cause) {
    live--;
    if (cause != null) {
      log(side + " lost: " + cause);
      reset(side + " lost: " + cause.getMessage());
    } else if (state != State.ENDED) {
      close(side + " closed");
    }
    maybeFinished();
  }

  private void maybeFinished() {
    if (live == 0 && connecting == null && state == State.ENDED && !finished) {
      finished = true;
      server.finished(this);
    }
  }

  /** Notes a toxic that applies, for the stats. */
  void noteApplied(String toxic) {
    applied.add(toxic);
  }

  /** Logs a line about this connection. */
  void log(String line) {
    server.log("conn " + id + " " + line);
  }

  /** A snapshot of the counters. */
  ConnectionStats stats() {
    return new ConnectionStats(id, clientAddress, up.bytesIn, up.bytesOut, up.bytesDropped, down.bytesIn,
        down.bytesOut, down.bytesDropped, List.copyOf(applied), endedBy);
  }

  /** Checks the invariants of the connection and its pipes; for tests. */
  void checkInvariants() {
    if (live < 0 || live > 2) {
      throw new IllegalStateException("conn " + id + ": " + live + " live transports, expected 0-2");
    }
    up.checkInvariants();
    down.checkInvariants();
  }
}
