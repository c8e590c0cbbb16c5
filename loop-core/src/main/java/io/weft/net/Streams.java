package io.weft.net;

import io.weft.Api;
import io.weft.EventLoop;
import java.io.IOException;

/**
 * Stream entry points, asyncio's {@code open_connection} and {@code start_server}: a {@link StreamReader} and a
 * {@link StreamWriter} per connection, over the transports of {@link Net}.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class Streams {

  private Streams() {}

  /**
   * A connection's two halves.
   *
   * @param reader what arrives; never null
   * @param writer what to send; never null
   */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  public record Pair(StreamReader reader, StreamWriter writer) {}

  /** Handles one connection of a stream server, in a task of its own. */
  @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
  @FunctionalInterface
  public interface ClientHandler {
    /** Serves one connection; may await. */
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
  }

  /**
   * Connects to {@code host}:{@code port} as {@link Net#createConnection(java.util.function.Supplier, String, int)}
   * does and returns the connection's reader and writer. Call from a task.
   */
  public static Pair openConnection(String host, int port) throws IOException {
    EventLoop loop = EventLoop.getRunningLoop();
    StreamReader reader = new StreamReader();
    Net.Connection<StreamProtocol> c = Net.createConnection(() -> new StreamProtocol(loop, reader, null), host,
        port);
    return new Pair(reader, c.protocol().writer);
  }

  /**
   * Starts a server as {@link Net#createServer(java.util.function.Supplier, String, int)} does, running
   * {@code handler} in a new task for each connection. A handler that throws is reported to the loop's exception
   * handler ("Unhandled exception in client_connected_cb") and its connection closed; a handler that is cancelled
   * has its connection closed. Call from a task.
   */
  public static Server startServer(ClientHandler handler, String host, int port) throws IOException {
    java.util.Objects.requireNonNull(handler, "handler must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    return Net.createServer(() -> new StreamProtocol(loop, new StreamReader(), p ->
        loop.createTask(() -> {
          handler.handle(p.reader, p.writer);
          return null;
        }).addDoneCallback(task -> {
          // as asyncio's client_connected_cb: a handler that failed or was cancelled closes its connection
          if (!task.isCancelled() && task.exception() != null) {
            loop.callExceptionHandler(new io.weft.ExceptionContext("Unhandled exception in client_connected_cb",
                task.exception(), null, null, null, java.util.Map.of("transport", p.writer.transport())));
          }
          if (task.isCancelled() || task.exception() != null) {
            p.writer.close();
          }
        })), host, port);
  }
}
