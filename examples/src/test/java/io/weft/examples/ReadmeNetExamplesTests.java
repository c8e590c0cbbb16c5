package io.weft.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Task;
import io.weft.Weft;
import io.weft.examples.chat.ChatClient;
import io.weft.examples.chat.ChatServer;
import io.weft.examples.chat.ChatSettings;
import io.weft.net.Server;
import io.weft.net.Streams;
import io.weft.sync.Queue;
import io.weft.sync.QueueFull;
import io.weft.sync.QueueShutDown;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's section "Examples: echo and chat", compiled and run on the production loop over loopback: each
 * method's body is, verbatim, one of its blocks.
 */
class ReadmeNetExamplesTests {

  /** The README's chat from a program, verbatim. */
  static String readmeChat() {
    String heard = Weft.run(() -> {
      ChatServer chat = ChatServer.start("127.0.0.1", 0, ChatSettings.DEFAULTS);
      ChatClient alice = ChatClient.connect("127.0.0.1", chat.port(), "alice");
      ChatClient bob = ChatClient.connect("127.0.0.1", chat.port(), "bob");
      alice.readLine();                                  // "* bob joined"
      bob.say("hi alice");
      String line = alice.readLine();                    // "bob: hi alice"
      chat.close();                                      // each client gets "* server shutting down", then EOF
      alice.close();
      bob.close();
      return line;
    });
    return heard;
  }

  @Test
  @Timeout(30)
  void readmeChat_aliceHearsBob() {
    assertThat(readmeChat()).isEqualTo("bob: hi alice");
  }

  /** The README's outbox-and-writer-task pattern, verbatim: an echo of lines through a bounded outbox. */
  static String readmeOutbox() {
    String echoed = Weft.run(() -> {
      Server server = Streams.startServer((reader, writer) -> {
        Queue<byte[]> outbox = new Queue<>(256);         // bounded: what the server holds for this client
        Task<Void> writerTask = Weft.createTask(() -> {
          try {
            while (true) {
              writer.write(outbox.get());
              writer.drain();                            // a slow client holds up only its own writer task
            }
          } catch (QueueShutDown done) {
            writer.close();                              // everything queued was sent
          }
        });
        for (byte[] line : reader) {                     // asyncio's `async for line in reader`
          try {
            outbox.putNowait(line);                      // never waits: a full outbox means a client too slow
          } catch (QueueFull tooSlow) {
            writer.transport().abort();
            break;
          }
        }
        outbox.shutdown();
        writerTask.await();
      }, "127.0.0.1", 0);
      int port = ((InetSocketAddress) server.sockets().get(0).localAddress()).getPort();
      Streams.Pair c = Streams.openConnection("127.0.0.1", port);
      c.writer().write("one\ntwo\n".getBytes(UTF_8));
      c.writer().writeEof();
      String answer = new String(c.reader().read(-1), UTF_8);   // "one\ntwo\n"
      c.writer().close();
      server.close();
      server.waitClosed();
      return answer;
    });
    return echoed;
  }

  @Test
  @Timeout(30)
  void readmeOutbox_echoesEveryLineInOrder() {
    assertThat(readmeOutbox()).isEqualTo("one\ntwo\n");
  }
}
