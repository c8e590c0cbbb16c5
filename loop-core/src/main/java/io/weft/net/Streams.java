package io.weft.net;

import io.weft.Api;
import io.weft.EventLoop;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Stream entry points, asyncio's {@code open_connection}, {@code start_server}, {@code open_unix_connection} and
 * {@code start_unix_server}: a {@link StreamReader} and a {@link StreamWriter} per connection, over the transports
 * of {@link Net}. Each takes asyncio's {@code limit=}, the reader's limit (64 KiB by default).
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
   * Connects to {@code host}:{@code port} with a reader of the {@link StreamReader#DEFAULT_LIMIT default limit}; see
   * {@link #openConnection(String, int, int)}.
   */
  public static Pair openConnection(String host, int port) throws IOException {
    return openConnection(host, port, StreamReader.DEFAULT_LIMIT);
  }

  /**
   * Connects to {@code host}:{@code port} as {@link Net#createConnection(java.util.function.Supplier, String, int)}
   * does and returns the connection's reader and writer, as asyncio's {@code open_connection}. Call from a task.
   *
   * @param limit the reader's limit ({@link StreamReader#StreamReader(int)}), asyncio's {@code limit=}
   * @throws IllegalArgumentException naming the limit if it is not positive, before anything is opened
   */
  public static Pair openConnection(String host, int port, int limit) throws IOException {
    EventLoop loop = EventLoop.getRunningLoop();
    StreamReader reader = new StreamReader(limit);
    Net.Connection<StreamProtocol> c = Net.createConnection(() -> new StreamProtocol(loop, reader, null), host,
        port);
    return new Pair(reader, c.protocol().writer);
  }

  /** Connects to a Unix-domain stream socket at {@code path}; see {@link #openUnixConnection(Path, int)}. */
  public static Pair openUnixConnection(Path path) throws IOException {
    return openUnixConnection(path, StreamReader.DEFAULT_LIMIT);
  }

  /**
   * Connects to a Unix-domain stream socket at {@code path} as
   * {@link Net#createUnixConnection(java.util.function.Supplier, Path)} does and returns the connection's reader and
   * writer, as asyncio's {@code open_unix_connection}. Call from a task.
   *
   * @param limit the reader's limit, asyncio's {@code limit=}
   * @throws IllegalArgumentException naming the limit if it is not positive, before anything is opened
   * @throws java.net.ConnectException naming the path if nothing listens there; nothing is left open
   */
  public static Pair openUnixConnection(Path path, int limit) throws IOException {
    Objects.requireNonNull(path, "path must not be null");
    EventLoop loop = EventLoop.getRunningLoop();
    StreamReader reader = new StreamReader(limit);
    Net.Connection<StreamProtocol> c = Net.createUnixConnection(() -> new StreamProtocol(loop, reader, null), path);
    return new Pair(reader, c.protocol().writer);
  }

  /**
   * Starts a server with readers of the {@link StreamReader#DEFAULT_LIMIT default limit}; see
   * {@link #startServer(ClientHandler, String, int, int)}.
   */
  public static Server startServer(ClientHandler handler, String host, int port) throws IOException {
    return startServer(handler, host, port, StreamReader.DEFAULT_LIMIT);
  }

  /**
   * Starts a server as {@link Net#createServer(java.util.function.Supplier, String, int)} does, running
   * {@code handler} in a new task for each connection, as asyncio's {@code start_server}. A handler that throws is
   * reported to the loop's exception handler ("Unhandled exception in client_connected_cb") and its connection
   * closed; a handler that is cancelled has its connection closed. Call from a task.
   *
   * @param limit each connection's reader's limit, asyncio's {@code limit=}
   * @throws IllegalArgumentException naming the limit if it is not positive, before anything is opened
   */
  public static Server startServer(ClientHandler handler, String host, int port, int limit) throws IOException {
    Objects.requireNonNull(handler, "handler must not be null");
    checkLimit(limit);
    EventLoop loop = EventLoop.getRunningLoop();
    return Net.createServer(protocols(loop, handler, limit), host, port);
  }

  /** Starts a Unix-domain stream server at {@code path}; see {@link #startUnixServer(ClientHandler, Path, int)}. */
  public static Server startUnixServer(ClientHandler handler, Path path) throws IOException {
    return startUnixServer(handler, path, StreamReader.DEFAULT_LIMIT);
  }

  /**
   * Starts a Unix-domain stream server at {@code path} as
   * {@link Net#createUnixServer(java.util.function.Supplier, Path, int, boolean)} does (a stale socket file there is
   * replaced; closing the server removes its file), running {@code handler} in a new task for each connection, as
   * asyncio's {@code start_unix_server}. Call from a task.
   *
   * @param limit each connection's reader's limit, asyncio's {@code limit=}
   * @throws IllegalArgumentException naming the limit if it is not positive, before anything is opened
   * @throws java.net.BindException naming the path if it is in use; nothing is left open
   */
  public static Server startUnixServer(ClientHandler handler, Path path, int limit) throws IOException {
    Objects.requireNonNull(handler, "handler must not be null");
    Objects.requireNonNull(path, "path must not be null");
    checkLimit(limit);
    EventLoop loop = EventLoop.getRunningLoop();
    return Net.createUnixServer(protocols(loop, handler, limit), path, Net.DEFAULT_BACKLOG, true);
  }

  static Supplier<StreamProtocol> protocols(EventLoop loop, ClientHandler handler, int limit) {
    return () -> new StreamProtocol(loop, new StreamReader(limit), p ->
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
        }));
  }

  private static void checkLimit(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("Limit cannot be <= 0, got " + limit);
    }
  }
}
