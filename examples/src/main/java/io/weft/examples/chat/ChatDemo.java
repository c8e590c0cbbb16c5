package io.weft.examples.chat;

import io.weft.Task;
import io.weft.Weft;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The chat example end to end on the production loop: a server on a free loopback port, a scripted conversation of
 * three clients (joins, lines, a leave), then a client that never reads while another floods the chat (the server
 * drops it as too slow, and the client that reads receives every line), then a clean shutdown. Prints the
 * conversation and exits.
 */
public final class ChatDemo {

  /** The settings of the demo's server: small bounds, so the slow client is dropped soon. */
  static final ChatSettings SETTINGS = new ChatSettings(64, 16 * 1024, Duration.ofSeconds(2));

  /** The most lines the flooding client sends before giving up on the slow one being dropped. */
  static final int MAX_FLOOD = 100_000;

  private final PrintStream out;
  private final List<String> transcript = new ArrayList<>();

  private ChatDemo(PrintStream out) {
    this.out = out;
  }

  /** Runs the demo, printing to standard output. */
  public static void main(String[] args) {
    run(System.out);
  }

  /**
   * Runs the demo on a new production loop, printing to {@code out}.
   *
   * @return the lines printed, in order
   * @throws IllegalStateException naming the client, the line expected and the line received if the conversation
   *     does not go as scripted
   */
  public static List<String> run(PrintStream out) {
    ChatDemo demo = new ChatDemo(out);
    Weft.run(demo::script);
    return demo.transcript;
  }

  private void script() throws IOException {
    ChatServer chat = ChatServer.start("127.0.0.1", 0, SETTINGS);
    int port = chat.port();
    print("chat server listening on 127.0.0.1:" + port);
    ChatClient alice = join(port, "alice");
    ChatClient bob = join(port, "bob");
    expect(alice, "* bob joined");
    ChatClient carol = join(port, "carol");
    expect(alice, "* carol joined");
    expect(bob, "* carol joined");

    alice.say("hi all");
    expect(bob, "alice: hi all");
    expect(carol, "alice: hi all");
    bob.say("hello alice");
    expect(alice, "bob: hello alice");
    expect(carol, "bob: hello alice");
    carol.say("bye");
    carol.leave();
    expect(alice, "carol: bye");
    expect(alice, "* carol left");
    expect(bob, "carol: bye");
    expect(bob, "* carol left");
    expect(carol, null);
    carol.close();

    // A client that never reads, while alice floods the chat and bob reads everything.
    ChatClient sloth = join(port, "sloth");
    expect(alice, "* sloth joined");
    expect(bob, "* sloth joined");
    Task<Integer> bobReads = Weft.createTask(() -> countUntil(bob, "* sloth left (too slow)"));
    String filler = "x".repeat(1000);
    int sent = 0;
    while (!bobReads.isDone() && sent < MAX_FLOOD) {
      alice.say(sent++ + " " + filler);
      Weft.sleep(Duration.ZERO); // one line per loop iteration: let the server and bob run
    }
    if (!bobReads.isDone()) {
      throw new IllegalStateException("the server did not drop sloth after " + sent + " lines: " + chat);
    }
    alice.say("done flooding");
    int received = bobReads.await() + countUntil(bob, "alice: done flooding");
    expect(alice, "* sloth left (too slow)");
    print("sloth never read: the server dropped it (too slow) while alice sent " + sent
        + " lines of 1 KB; bob read and received " + (received == sent ? "all of them" : received + " of " + sent));
    long line = ("alice: " + MAX_FLOOD + " " + filler + "\n").length(); // the longest line of the flood
    long bound = SETTINGS.maxQueuedLines() * line + SETTINGS.writeHighWater() + line;
    print("the most the server held for one client: " + (chat.peakBacklogBytes() <= bound ? "within" : "ABOVE")
        + " the bound of " + SETTINGS.maxQueuedLines() + " lines + " + SETTINGS.writeHighWater() / 1024
        + " KiB high water + one line (" + chat.peakBacklogBytes() + " <= " + bound + " bytes)");
    sloth.abort();

    chat.close();
    expect(alice, ChatServer.SHUTDOWN_LINE);
    expect(alice, null);
    expect(bob, ChatServer.SHUTDOWN_LINE);
    expect(bob, null);
    alice.close();
    bob.close();
    print("server closed: " + chat.state() + ", " + chat.dropped() + " client dropped");
  }

  private ChatClient join(int port, String nick) throws IOException {
    ChatClient c = ChatClient.connect("127.0.0.1", port, nick);
    print(nick + " joined");
    return c;
  }

  /** Reads the next line of {@code c}, checks it is {@code expected} (null: the server closed) and prints it. */
  private void expect(ChatClient c, String expected) throws IOException {
    String line = c.readLine();
    if (!Objects.equals(line, expected)) {
      throw new IllegalStateException(c.nick() + " expected " + (expected == null ? "EOF" : "\"" + expected + "\"")
          + " but received " + (line == null ? "EOF" : "\"" + line + "\""));
    }
    print("  " + c.nick() + " <- " + (line == null ? "(connection closed by the server)" : line));
  }

  /** Counts alice's lines that {@code c} reads until {@code last}; anything else is an error. */
  private static int countUntil(ChatClient c, String last) throws IOException {
    int n = 0;
    for (String line = c.readLine(); !last.equals(line); line = c.readLine()) {
      if (line == null || !line.startsWith("alice: ")) {
        throw new IllegalStateException(c.nick() + " expected lines of alice, then \"" + last + "\", but received "
            + (line == null ? "EOF" : "\"" + line + "\"") + " after " + n + " lines");
      }
      n++;
    }
    return n;
  }

  private void print(String line) {
    transcript.add(line);
    out.println(line);
  }
}
