package io.weft.examples.echo;

import io.weft.Weft;
import io.weft.net.Server;
import java.io.PrintStream;
import java.util.List;

/**
 * The echo example end to end on the production loop: both servers (streams and protocols) on free loopback
 * ports, a client that talks to each, then a clean shutdown. Prints the conversation and exits.
 */
public final class EchoDemo {

  private EchoDemo() {}

  /** Runs the demo, printing to standard output. */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the demo on a new production loop, printing to {@code out}.
   *
   * @return the answers, in the order asked: the streams server's, then the protocol server's
   */
  public static List<String> run(PrintStream out) {
    return Weft.run(() -> {
      Server streams = EchoServer.start("127.0.0.1", 0);
      Server protocols = EchoProtocol.start("127.0.0.1", 0);
      List<String> answers = new java.util.ArrayList<>();
      try {
        for (Server s : List.of(streams, protocols)) {
          String kind = s == streams ? "streams" : "protocols";
          int port = EchoServer.port(s);
          out.println("echo server (" + kind + ") listening on 127.0.0.1:" + port);
          for (String m : List.of("Hello World!", "ping " + kind)) {
            String answer = EchoClient.echo("127.0.0.1", port, m);
            out.println("  sent " + m + ", received " + answer);
            answers.add(answer);
          }
        }
      } finally {
        for (Server s : List.of(streams, protocols)) {
          s.close();
          s.waitClosed();
        }
      }
      out.println("both servers closed");
      return answers;
    });
  }
}
