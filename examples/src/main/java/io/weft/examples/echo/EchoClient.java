package io.weft.examples.echo;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.weft.Weft;
import io.weft.net.Streams;
import java.io.IOException;

/**
 * An echo client over streams, asyncio's "TCP echo client using streams": connect, send, half-close, read the
 * answer to EOF, close.
 */
public final class EchoClient {

  private EchoClient() {}

  /**
   * Sends {@code message} to the echo server at {@code host}:{@code port} and returns what comes back before the
   * server closes. Call from a task.
   *
   * @param message what to send, in UTF-8; not null
   * @return the answer; for an echo server, {@code message}
   * @throws IOException if the connection fails
   */
  public static String echo(String host, int port, String message) throws IOException {
    Streams.Pair c = Streams.openConnection(host, port);
    try {
      c.writer().write(message.getBytes(UTF_8));
      c.writer().writeEof(); // "that was all": the server echoes the rest and closes
      return new String(c.reader().read(-1), UTF_8);
    } finally {
      c.writer().close();
      c.writer().waitClosed();
    }
  }

  /**
   * Sends each message in a connection of its own to an echo server on the production loop and prints the answers.
   *
   * @param commandLine {@code port [message...]}: the server on {@code 127.0.0.1}; each word is a message (without
   *     one, "Hello World!")
   */
  public static void main(String[] commandLine) {
    String[] args = EchoServer.words(commandLine);
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: EchoClient port [message...], got no arguments");
    }
    int port = EchoServer.parsePort(args[0]);
    String[] messages = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length)
        : new String[] {"Hello World!"};
    Weft.run(() -> {
      for (String m : messages) {
        System.out.println("sent " + m + ", received " + echo("127.0.0.1", port, m));
      }
    });
  }
}
