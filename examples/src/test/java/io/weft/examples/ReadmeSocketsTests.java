package io.weft.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Task;
import io.weft.Weft;
import io.weft.net.Server;
import io.weft.net.Sockets;
import io.weft.net.Streams;
import io.weft.spi.Network;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's section "Low-level socket operations and Unix-domain streams", verbatim, compiled and run (the README
 * check of {@link ReadmeExampleTests} reads this file too).
 */
@Timeout(30)
class ReadmeSocketsTests {

  /** The README's low-level socket block, verbatim. */
  static String readmeSockets() {
    String reply = Weft.run(() -> {
      Network.ListenSocket listener =
          Weft.getRunningLoop().network().listen(new InetSocketAddress("127.0.0.1", 0), 8, true, false);
      Task<Void> echo = Weft.createTask(() -> {
        try (Network.StreamSocket peer = Sockets.accept(listener)) {              // sock_accept
          for (byte[] b = Sockets.recv(peer, 1024); b.length > 0; b = Sockets.recv(peer, 1024)) {
            Sockets.sendAll(peer, b);                                              // sock_recv, sock_sendall
          }
        }
      });
      try (listener; Network.StreamSocket s = Sockets.connect(listener.localAddress())) {   // sock_connect
        Sockets.sendAll(s, "ping".getBytes(UTF_8));
        s.shutdownOutput();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (byte[] b = Sockets.recv(s, 1024); b.length > 0; b = Sockets.recv(s, 1024)) {
          got.writeBytes(b);
        }
        echo.await();
        return got.toString(UTF_8);                                                // "ping"
      }
    });
    return reply;
  }

  /** The README's Unix-domain stream block, verbatim; returns the line and whether the socket file is gone. */
  static Object[] readmeUnixStreams() throws Exception {
    Path path = Files.createTempDirectory("weft").resolve("echo.sock");
    String line = Weft.run(() -> {
      Server server = Streams.startUnixServer((reader, writer) -> {
        writer.write(reader.readLine());                                           // echo one line
        writer.close();
      }, path, 1024);                                                              // limit: the longest line
      Streams.Pair pair = Streams.openUnixConnection(path);
      pair.writer().write("hello\n".getBytes(UTF_8));
      String echoed = new String(pair.reader().readLine(), UTF_8);
      pair.writer().close();
      server.close();                                                              // removes echo.sock
      server.waitClosed();
      return echoed;                                                               // "hello\n"
    });
    boolean removed = !Files.exists(path);
    Files.delete(path.getParent());
    return new Object[] {line, removed};
  }

  @Test
  void theSocketBlock_echoesPing() {
    assertThat(readmeSockets()).isEqualTo("ping");
  }

  @Test
  void theUnixBlock_echoesALine_andTheServerRemovesItsSocketFile() throws Exception {
    Object[] result = readmeUnixStreams();
    assertThat(result[0]).isEqualTo("hello\n");
    assertThat(result[1]).as("the socket file is gone after close").isEqualTo(true);
  }
}
