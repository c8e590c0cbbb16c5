package io.weft.examples.echo;

import io.weft.Weft;
import io.weft.net.Server;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * An echo server over streams, asyncio's "TCP echo server using streams": each connection's handler reads what
 * arrives, writes it back and drains, until the client half-closes; then it closes its side.
 *
 * <p>Run it with {@code EchoServer [port [host]]} (port 0, the default, picks a free one and prints it); add
 * {@code --protocols} to serve with {@link EchoProtocol} instead. It serves until the process is stopped.
 */
public final class EchoServer {

  /** How much one read takes at most. */
  static final int CHUNK = 4096;

  private EchoServer() {}

  /**
   * Starts an echo server over streams on {@code host}:{@code port}, serving at once. Call from a task.
   *
   * @param host a host name or literal address to listen on
   * @param port in 0-65535; 0 picks a free port (see {@link #port(Server)})
   * @return the server; never null
   * @throws IOException if the address cannot be listened on
   */
  public static Server start(String host, int port) throws IOException {
    return Streams.startServer(EchoServer::handle, host, port);
  }

  /** Serves one connection: echoes until EOF (or a reset), then closes and waits until the connection is gone. */
  static void handle(StreamReader reader, StreamWriter writer) {
    try {
      echo(reader, writer);
    } catch (IOException reset) {
      // The client reset the connection: nothing to answer, only to clean up.
    } finally {
      writer.close();
      try {
        writer.waitClosed();
      } catch (IOException reset) {
        // lost with the reset caught above: asyncio's wait_closed() raises it again
      }
    }
  }

  private static void echo(StreamReader reader, StreamWriter writer) throws IOException {
    for (byte[] data = reader.read(CHUNK); data.length > 0; data = reader.read(CHUNK)) {
      writer.write(data);
      writer.drain(); // a client that does not read stops this handler here, not the server's memory
    }
  }

  /**
   * Returns the port {@code server} listens on (its first socket's).
   *
   * @throws IllegalStateException naming the server if it has no listening socket (it is closed)
   */
  public static int port(Server server) {
    if (server.sockets().isEmpty()) {
      throw new IllegalStateException("server has no listening socket (closed?): " + server);
    }
    try {
      return ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the address of " + server, e);
    }
  }

  /**
   * Starts an echo server on the production loop and serves until the process is stopped.
   *
   * @param commandLine {@code [port [host]] [--protocols]}: port defaults to 0 (a free port, printed), host to
   *     {@code 127.0.0.1}; {@code --protocols} serves with {@link EchoProtocol} instead of streams
   */
  public static void main(String[] commandLine) {
    String[] args = words(commandLine);
    boolean protocols = java.util.Arrays.asList(args).contains("--protocols");
    String[] rest = java.util.Arrays.stream(args).filter(a -> !a.equals("--protocols")).toArray(String[]::new);
    int port = rest.length > 0 ? parsePort(rest[0]) : 0;
    String host = rest.length > 1 ? rest[1] : "127.0.0.1";
    Weft.run(() -> {
      Server server = protocols ? EchoProtocol.start(host, port) : start(host, port);
      System.out.println("echo server (" + (protocols ? "protocols" : "streams") + ") listening on " + host + ":"
          + port(server) + "; stop it with Ctrl-C");
      server.serveForever();
    });
  }

  /**
   * Splits each argument at whitespace and drops empty ones, so that {@code -Dexec.appArgs="7000 alice"} (one
   * argument) and {@code 7000 alice} (two) mean the same.
   */
  public static String[] words(String[] args) {
    return java.util.Arrays.stream(args).flatMap(a -> java.util.Arrays.stream(a.trim().split("\\s+")))
        .filter(w -> !w.isEmpty()).toArray(String[]::new);
  }

  /**
   * Parses a port argument.
   *
   * @throws IllegalArgumentException naming the argument unless it is a number in 0-65535
   */
  public static int parsePort(String arg) {
    int port;
    try {
      port = Integer.parseInt(arg);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port must be a number in 0-65535, got \"" + arg + "\"", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0-65535, got " + port);
    }
    return port;
  }
}
