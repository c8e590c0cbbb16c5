package io.weft.examples.kv;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A follower: keeps the values the leader replicates to it. Protocol, one line each way: {@code SET key value} is
 * answered {@code ACK} once the value is stored.
 */
public final class KvFollower implements AutoCloseable {

  private final Map<String, Long> values = new HashMap<>();
  private Server server;

  private KvFollower() {}

  /**
   * Starts a follower listening on {@code host}:{@code port}. Call from a task (in a simulation, on the follower's
   * host).
   *
   * @param port in 0-65535; 0 picks a free port (see {@link #port()})
   * @throws IOException if the address cannot be listened on
   */
  public static KvFollower start(String host, int port) throws IOException {
    KvFollower f = new KvFollower();
    f.server = Streams.startServer(f::serve, host, port);
    return f;
  }

  /** Returns the port this follower listens on. */
  public int port() {
    return io.weft.examples.echo.EchoServer.port(server);
  }

  /** Returns the value stored for {@code key}, 0 if none was replicated. */
  public long value(String key) {
    return values.getOrDefault(key, 0L);
  }

  private void serve(StreamReader reader, StreamWriter writer) {
    try {
      for (byte[] line = reader.readLine(); line.length > 0; line = reader.readLine()) {
        String[] w = new String(line, UTF_8).strip().split(" ");
        if (w.length != 3 || !w[0].equals("SET")) {
          writer.write(("ERR expected \"SET key value\", got \"" + String.join(" ", w) + "\"\n").getBytes(UTF_8));
        } else {
          values.put(w[1], Long.parseLong(w[2]));
          writer.write("ACK\n".getBytes(UTF_8));
        }
        writer.drain();
      }
    } catch (IOException | NumberFormatException gone) {
      // The leader went away or spoke nonsense: this connection is over; the leader reconnects if it lives.
    } finally {
      writer.close();
      try {
        writer.waitClosed();
      } catch (IOException gone) {
        // lost with an error (a reset), as asyncio's wait_closed() says: over all the same
      }
    }
  }

  /** Stops listening and waits until every connection is closed. Call from a task. */
  @Override
  public void close() {
    server.close();
    server.waitClosed();
  }
}
