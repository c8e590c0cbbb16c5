package io.weft.net.userland;

import io.weft.net.DatagramProtocol;
import io.weft.net.DatagramTransport;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import io.weft.net.Transport;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * User code, outside Weft's runtime packages, that makes the network mistakes debug mode reports: a report names
 * this file and the line of the mistake.
 */
public final class NetMistakes {

  private NetMistakes() {}

  /**
   * Writes 16 KiB chunks without ever calling drain() (the classic mistake) until {@code aboveMark} writes in a row
   * left the buffer above its high-water mark, or {@code maxWrites} writes were made; returns how many were made.
   */
  public static int writeWithoutDrain(StreamWriter writer, int aboveMark, int maxWrites) {
    byte[] chunk = new byte[16 * 1024];
    int high = writer.transport().getWriteBufferLimits().high();
    int inARow = 0;
    int writes = 0;
    while (inARow < aboveMark && writes < maxWrites) {
      writer.write(chunk); // the forgotten drain: line of the write
      writes++;
      inARow = writer.transport().getWriteBufferSize() > high ? inARow + 1 : 0;
    }
    return writes;
  }

  /** Connects to {@code host}:{@code port} and forgets the connection. */
  public static Streams.Pair connectAndForget(String host, int port) throws IOException {
    return Streams.openConnection(host, port); // the leaked client transport: line of its creation
  }

  /**
   * Listens on an ephemeral port of {@code host} and forgets the server; each accepted connection's transport is
   * added to {@code accepted}, and its protocol does nothing else.
   */
  public static Server listenAndForget(String host, List<Transport> accepted) throws IOException {
    Supplier<Protocol> factory = () -> new Protocol() {
      @Override
      public void connectionMade(Transport transport) {
        accepted.add(transport);
      }

      @Override
      public boolean eofReceived() {
        return true;
      }
    };
    return Net.createServer(factory, host, 0); // the leaked server: line of its creation
  }

  /**
   * Serves streams on an ephemeral port of {@code host} with a handler that reads to EOF and never closes its
   * writer: each accepted connection leaks.
   */
  public static Server serveWithoutClosing(String host) throws IOException {
    Streams.ClientHandler handler = (reader, writer) -> reader.read(-1);
    return Streams.startServer(handler, host, 0); // the server whose connections leak: line of its creation
  }

  /** The line of this file whose comment starts with {@code marker} after "// ", for tests of reports. */
  public static int lineOf(String marker) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(
          java.nio.file.Path.of("src/test/java/io/weft/net/userland/NetMistakes.java"));
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains("// " + marker)) {
          return i + 1;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError("no line of NetMistakes.java is marked '" + marker + "'");
  }

  /** Opens a datagram endpoint bound to an ephemeral port of {@code host} and forgets it. */
  public static DatagramTransport bindAndForget(String host) throws IOException {
    DatagramProtocol nothing = new DatagramProtocol() {};
    var endpoint = Net.createDatagramEndpoint(() -> nothing, host, 0, null, 0, false); // the leaked datagram transport
    return endpoint.transport();
  }
}
