package io.weft.examples.kv;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.weft.examples.echo.EchoServer;
import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import io.weft.sync.Lock;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What both leaders share: the client protocol, the values, and synchronous replication to the followers. How an
 * {@code INCR} is applied, once or as often as it arrives, is the subclass's.
 *
 * <p>Protocol, one line each way: {@code INCR client seq key delta} is answered {@code OK value} (the value after
 * the increment, once every follower has it) or {@code ERR reason}. {@code client seq} names the request: a client
 * sends a retry with the same name.
 */
abstract class LeaderServer implements AutoCloseable {

  /** One follower's connection; the lock keeps each SET paired with its ACK. */
  private record Replica(String address, Streams.Pair connection, Lock lock) {}

  private final Map<String, Long> values = new HashMap<>();
  private final List<Replica> replicas = new ArrayList<>();
  private Server server;

  /** Connects to the followers ({@code host:port} each), then listens for clients. Call from a task. */
  final void listen(String host, int port, List<String> followers) throws IOException {
    for (String f : followers) {
      int colon = f.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("a follower is \"host:port\", got \"" + f + "\"");
      }
      replicas.add(new Replica(f, Streams.openConnection(f.substring(0, colon),
          Integer.parseInt(f.substring(colon + 1))), new Lock()));
    }
    server = Streams.startServer(this::serve, host, port);
  }

  /** Returns the port this leader listens on. */
  public final int port() {
    return EchoServer.port(server);
  }

  /** Returns the leader's value for {@code key}, 0 if none. */
  public final long value(String key) {
    return values.getOrDefault(key, 0L);
  }

  /** Handles one {@code INCR}: returns the value to answer. May await. */
  abstract long increment(String client, long seq, String key, long delta) throws IOException;

  /** Adds {@code delta} to {@code key} and replicates the new value to every follower; returns it. */
  final long apply(String key, long delta) throws IOException {
    long value = values.merge(key, delta, Long::sum);
    for (Replica r : replicas) {
      try (Lock.Held held = r.lock().hold()) {
        r.connection().writer().write(("SET " + key + " " + value + "\n").getBytes(UTF_8));
        r.connection().writer().drain();
        String ack = new String(r.connection().reader().readLine(), UTF_8);
        if (!ack.equals("ACK\n")) {
          throw new IOException("follower " + r.address() + " answered \"" + ack.strip() + "\" to SET " + key
              + " " + value + ", expected ACK");
        }
      }
    }
    return value;
  }

  private void serve(StreamReader reader, StreamWriter writer) {
    try {
      for (byte[] line = reader.readLine(); line.length > 0; line = reader.readLine()) {
        writer.write((answer(new String(line, UTF_8).strip()) + "\n").getBytes(UTF_8));
        writer.drain();
      }
    } catch (IOException gone) {
      // The client timed out and closed, or the connection was reset: it retries on a new connection.
    } finally {
      writer.close();
      try {
        writer.waitClosed();
      } catch (IOException gone) {
        // lost with an error (a reset), as asyncio's wait_closed() says: the client retries all the same
      }
    }
  }

  private String answer(String request) throws IOException {
    String[] w = request.split(" ");
    if (w.length != 5 || !w[0].equals("INCR")) {
      return "ERR expected \"INCR client seq key delta\", got \"" + request + "\"";
    }
    try {
      return "OK " + increment(w[1], Long.parseLong(w[2]), w[3], Long.parseLong(w[4]));
    } catch (NumberFormatException e) {
      return "ERR seq and delta must be integers, got \"" + request + "\"";
    } catch (IllegalStateException refused) {
      return "ERR " + refused.getMessage();
    }
  }

  /** Stops listening, waits until the clients' connections are closed, then closes the followers' connections. */
  @Override
  public final void close() {
    server.close();
    server.waitClosed();
    for (Replica r : replicas) {
      r.connection().writer().close();
      try {
        r.connection().writer().waitClosed();
      } catch (IOException lost) {
        // lost with an error (a reset), as asyncio's wait_closed() says: closed all the same
      }
    }
  }
}
