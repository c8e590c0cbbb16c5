package io.weft.examples.chat;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.net.StreamReader;
import io.weft.net.StreamWriter;
import io.weft.net.Streams;
import io.weft.sync.Queue;
import io.weft.sync.QueueShutDown;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

/**
 * A client of {@link ChatServer}: connects and sends its NICK, then says lines and reads what others say. Call its
 * methods from tasks; one task at a time may read.
 */
public final class ChatClient {

  private final String nick;
  private final StreamReader reader;
  private final StreamWriter writer;

  private ChatClient(String nick, StreamReader reader, StreamWriter writer) {
    this.nick = nick;
    this.reader = reader;
    this.writer = writer;
  }

  /**
   * Connects to the chat server at {@code host}:{@code port} as {@code nick} and waits for its {@code OK}.
   *
   * @throws IOException if the connection fails, or naming the server's answer if it refuses the nick (the
   *     connection is closed then)
   */
  public static ChatClient connect(String host, int port, String nick) throws IOException {
    Streams.Pair c = Streams.openConnection(host, port);
    String answer;
    try {
      c.writer().write(("NICK " + nick + "\n").getBytes(UTF_8));
      answer = ChatServer.readLine(c.reader());
    } catch (IOException | RuntimeException e) {
      c.writer().close();
      c.writer().waitClosed();
      throw e;
    }
    if (!("OK " + nick).equals(answer)) {
      c.writer().close();
      c.writer().waitClosed();
      throw new IOException("the chat server refused NICK " + nick + ": "
          + (answer == null ? "it closed the connection" : "it answered \"" + answer + "\""));
    }
    return new ChatClient(nick, c.reader(), c.writer());
  }

  /** Returns the nick; never null. */
  public String nick() {
    return nick;
  }

  /**
   * Sends {@code text} as one line and waits while the connection's buffer is above its high-water mark.
   *
   * @throws IllegalArgumentException naming the text if it holds a line break
   * @throws IOException if the connection is lost
   */
  public void say(String text) throws IOException {
    if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a chat line must not hold a line break, got \"" + text + "\"");
    }
    writer.write((text + "\n").getBytes(UTF_8));
    writer.drain();
  }

  /**
   * Waits for the next line from the server, without its end; null once the server has closed.
   *
   * @throws IOException if the connection is reset (for instance when the server dropped this client as too slow)
   */
  public String readLine() throws IOException {
    return ChatServer.readLine(reader);
  }

  /**
   * Stops taking bytes from the connection, as a client busy elsewhere: what the server sends piles up in the
   * network's buffers, then in the server. (A client that merely does not call {@link #readLine()} still buffers up
   * to twice the reader's limit, 128 KiB, before its transport stops reading.)
   */
  public void pauseReading() {
    writer.transport().pauseReading();
  }

  /** Takes bytes from the connection again after {@link #pauseReading()}. */
  public void resumeReading() {
    writer.transport().resumeReading();
  }

  /** Leaves the chat but keeps reading: half-closes, so the server sends what this client is owed, then closes. */
  public void leave() {
    writer.writeEof();
  }

  /**
   * Closes the connection (flushing first) and waits until it is gone.
   *
   * @throws IOException the error the connection was lost with, if it did not end cleanly (a reset)
   */
  public void close() throws IOException {
    writer.close();
    writer.waitClosed();
  }

  /**
   * Aborts the connection (RST, nothing flushed) and waits until it is gone.
   *
   * @throws IOException the error the connection was lost with, if it was lost before the abort
   */
  public void abort() throws IOException {
    writer.transport().abort();
    writer.waitClosed();
  }

  /**
   * An interactive client on the production loop: prints what arrives, sends each line typed on standard input,
   * and leaves at the end of the input.
   *
   * @param commandLine {@code port nick [host]}; host defaults to {@code 127.0.0.1}
   */
  public static void main(String[] commandLine) {
    String[] args = io.weft.examples.echo.EchoServer.words(commandLine);
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: ChatClient port nick [host], got " + java.util.List.of(args));
    }
    int port = io.weft.examples.echo.EchoServer.parsePort(args[0]);
    String host = args.length > 2 ? args[2] : "127.0.0.1";
    Weft.run(() -> {
      ChatClient client = connect(host, port, args[1]);
      System.out.println("joined as " + client.nick() + "; type lines, end with Ctrl-D");
      Task<Void> printer = Weft.createTask(() -> {
        for (String line = client.readLine(); line != null; line = client.readLine()) {
          System.out.println(line);
        }
        return null;
      });
      // Standard input blocks: a thread reads it and hands each line to the loop, which is thread-safe.
      EventLoop loop = Weft.getRunningLoop();
      Queue<String> typed = new Queue<>();
      Thread.ofPlatform().daemon().name("chat-stdin").start(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            String l = line;
            loop.callSoonThreadsafe(() -> typed.putNowait(l));
          }
        } catch (IOException e) {
          System.err.println("standard input failed: " + e);
        } finally {
          loop.callSoonThreadsafe(typed::shutdown);
        }
      });
      try {
        while (true) {
          client.say(typed.get());
        }
      } catch (QueueShutDown endOfInput) {
        client.leave();
      }
      printer.await();
      client.close();
    });
  }
}
