package io.weft.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Task;
import io.weft.Weft;
import io.weft.net.Streams;
import io.weft.sim.Mode;
import io.weft.sim.Simulation;
import io.weft.testengine.AsyncTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat server on the simulated network, under many schedules: clients on hosts of their own with different
 * latencies; ordering per sender, joins and leaves, slow clients (dropped, or backpressured), and shutdown.
 */
class ChatTests {

  static final Duration MS = Duration.ofMillis(1);

  /** Says {@code count} lines "{@code nick} i" from a task of its own. */
  static Task<Void> talk(ChatClient c, int count, String padding) {
    return Weft.createTask(() -> {
      for (int i = 0; i < count; i++) {
        c.say(c.nick() + " " + i + padding);
      }
    });
  }

  /** Reads from a task of its own until {@code count} lines said by {@code from} have arrived; returns every line. */
  static Task<List<String>> readUntil(ChatClient c, String from, int count) {
    return readUntil(c, List.of(from), count);
  }

  /** Reads from a task of its own until each of {@code from} has said {@code count} lines; returns every line. */
  static Task<List<String>> readUntil(ChatClient c, List<String> from, int count) {
    return Weft.createTask(() -> {
      List<String> lines = new ArrayList<>();
      while (!from.stream().allMatch(f -> saidBy(lines, f).size() >= count)) {
        String line = c.readLine();
        assertThat(line).as("%s's line after %s", c.nick(), lines).isNotNull();
        lines.add(line);
      }
      return lines;
    });
  }

  /** The lines of {@code received} that {@code sender} said. */
  static List<String> saidBy(List<String> received, String sender) {
    return received.stream().filter(l -> l.startsWith(sender + ": ")).toList();
  }

  /** What {@code sender} says with {@link #talk}, as others receive it. */
  static List<String> expected(String sender, int count, String padding) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(sender + ": " + sender + " " + i + padding);
    }
    return lines;
  }

  /** Closes the server; each client reads the shutdown line and EOF, then closes; nothing is left. */
  static void closeAll(ChatWorld w, ChatClient... clients) throws IOException {
    w.server.close();
    for (ChatClient c : clients) {
      assertThat(c.readLine()).as("%s's last line", c.nick()).isEqualTo(ChatServer.SHUTDOWN_LINE);
      assertThat(c.readLine()).as("%s after the shutdown line", c.nick()).isNull();
      c.close();
    }
    assertThat(w.server.state()).isEqualTo(ChatServer.State.CLOSED);
    assertThat(w.net.openSocketReports()).as("sockets left open").isEmpty();
    assertThat(Weft.allTasks()).as("tasks left").containsExactly(Weft.currentTask());
  }

  /** Three clients join, talk at once, one leaves, the server closes. */
  static void conversation(Simulation sim, EventLoop loop) throws IOException {
    ChatWorld w = new ChatWorld(sim, ChatSettings.DEFAULTS);
    ChatClient alice = w.join("alice", MS);
    ChatClient bob = w.join("bob", MS.multipliedBy(4));
    assertThat(alice.readLine()).isEqualTo("* bob joined");
    ChatClient carol = w.join("carol", MS.multipliedBy(7));
    assertThat(alice.readLine()).isEqualTo("* carol joined");
    assertThat(bob.readLine()).isEqualTo("* carol joined");
    assertThat(w.server.members()).containsExactly("alice", "bob", "carol");

    int n = 20;
    List<ChatClient> all = List.of(alice, bob, carol);
    List<Task<List<String>>> reads = new ArrayList<>();
    for (ChatClient c : all) {
      List<String> others = all.stream().filter(o -> o != c).map(ChatClient::nick).toList();
      reads.add(readUntil(c, others, n));
    }
    List<Task<Void>> talks = all.stream().map(c -> talk(c, n, "")).toList();
    for (Task<Void> t : talks) {
      t.await();
    }
    for (int i = 0; i < all.size(); i++) {
      List<String> received = reads.get(i).await();
      for (ChatClient sender : all) {
        if (sender == all.get(i)) {
          assertThat(saidBy(received, sender.nick())).as("%s hears itself", sender.nick()).isEmpty();
        } else {
          assertThat(saidBy(received, sender.nick())).as("what %s heard from %s", all.get(i).nick(), sender.nick())
              .containsExactlyElementsOf(expected(sender.nick(), n, ""));
        }
      }
      assertThat(received).as("everything %s heard", all.get(i).nick()).hasSize(2 * n);
    }

    carol.leave();
    assertThat(carol.readLine()).as("carol after leaving").isNull();
    carol.close();
    assertThat(alice.readLine()).isEqualTo("* carol left");
    assertThat(bob.readLine()).isEqualTo("* carol left");
    assertThat(w.server.members()).containsExactly("alice", "bob");

    double closing = loop.time();
    closeAll(w, alice, bob);
    assertThat(loop.time() - closing).as("virtual seconds to close with clients that read")
        .isLessThan(w.server.settings().closeGrace().toMillis() / 1000.0);
    assertThat(w.server.dropped()).isZero();
  }

  @AsyncTest(schedules = 200)
  void everyClientHearsEveryOther_inTheOrderSaid_withJoinsAndLeaves(Simulation sim, EventLoop loop)
      throws IOException {
    conversation(sim, loop);
  }

  @AsyncTest(schedules = 100, mode = Mode.CHAOS)
  void everyClientHearsEveryOther_evenWithReadyBatchesPermuted(Simulation sim, EventLoop loop) throws IOException {
    conversation(sim, loop);
  }

  @AsyncTest(schedules = 100)
  void aClientThatStopsReading_isDropped_whileTheOthersHearEverything(Simulation sim) throws IOException {
    sim.network().setBufferSizes(4096, 4096);
    ChatSettings settings = new ChatSettings(32, 1024, Duration.ofSeconds(1));
    ChatWorld w = new ChatWorld(sim, settings);
    ChatClient alice = w.join("alice", MS.multipliedBy(2));
    ChatClient bob = w.join("bob", MS.multipliedBy(2));
    assertThat(alice.readLine()).isEqualTo("* bob joined");
    ChatClient sloth = w.join("sloth", MS.multipliedBy(2));
    assertThat(alice.readLine()).isEqualTo("* sloth joined");
    assertThat(bob.readLine()).isEqualTo("* sloth joined");
    sloth.pauseReading(); // from now on what the server sends it piles up

    int n = 250;
    String padding = " and some words to make the line longer";
    Task<List<String>> aliceHears = readUntil(alice, "bob", n);
    Task<List<String>> bobHears = readUntil(bob, "alice", n);
    Task<Void> aliceTalks = talk(alice, n, padding);
    Task<Void> bobTalks = talk(bob, n, padding);
    aliceTalks.await();
    bobTalks.await();
    List<String> heardByAlice = aliceHears.await();
    List<String> heardByBob = bobHears.await();
    assertThat(saidBy(heardByAlice, "bob")).containsExactlyElementsOf(expected("bob", n, padding));
    assertThat(saidBy(heardByBob, "alice")).containsExactlyElementsOf(expected("alice", n, padding));
    for (List<String> heard : List.of(heardByAlice, heardByBob)) {
      // The drop is announced once, somewhere among the lines (where depends on the schedule).
      assertThat(heard.stream().filter(l -> !l.contains(": ")).toList()).containsExactly("* sloth left (too slow)");
    }
    assertThat(w.server.dropped()).isEqualTo(1);
    assertThat(w.server.members()).containsExactly("alice", "bob");
    long line = ("alice: alice 249" + padding + "\n").length();
    assertThat(w.server.peakBacklogBytes()).as("the most held for one client")
        .isLessThanOrEqualTo(settings.maxQueuedLines() * line + settings.writeHighWater() + line);

    // The sloth's connection was aborted: it reads some lines at most, then the reset or EOF.
    sloth.resumeReading();
    int slothHeard = 0;
    IOException slothReset = null;
    try {
      while (sloth.readLine() != null) {
        slothHeard++;
      }
    } catch (IOException reset) {
      assertThat(reset).hasMessageContaining("reset");
      slothReset = reset;
    }
    assertThat(slothHeard).as("lines the sloth got").isLessThan(2 * n);
    closeSloth(sloth, slothReset);
    closeAll(w, alice, bob);
  }

  @AsyncTest(schedules = 100)
  void aClientThatReadsSlowly_isBackpressured_notDropped_andTheOthersKeepUp(Simulation sim, EventLoop loop)
      throws IOException {
    sim.network().setBufferSizes(8192, 8192);
    ChatSettings settings = new ChatSettings(256, 16 * 1024, Duration.ofSeconds(1));
    ChatWorld w = new ChatWorld(sim, settings);
    ChatClient alice = w.join("alice", MS);
    ChatClient bob = w.join("bob", MS);
    assertThat(alice.readLine()).isEqualTo("* bob joined");
    ChatClient turtle = w.join("turtle", MS);
    assertThat(alice.readLine()).isEqualTo("* turtle joined");
    assertThat(bob.readLine()).isEqualTo("* turtle joined");

    // 70 lines of 4 KB: more than the turtle's reader (128 KiB), both socket buffers and the high-water mark hold,
    // so lines wait in the turtle's outbox while its writer task waits in drain().
    int n = 70;
    String padding = " " + "x".repeat(4000);
    double[] bobDone = new double[1];
    Task<List<String>> bobHears = Weft.createTask(() -> {
      List<String> heard = readUntil(bob, "alice", n).await();
      bobDone[0] = loop.time();
      return heard;
    });
    Task<List<String>> turtleHears = Weft.createTask(() -> {
      List<String> heard = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        heard.add(turtle.readLine());
        Weft.sleep(MS.multipliedBy(5)); // five milliseconds per line
      }
      return heard;
    });
    talk(alice, n, padding).await();
    assertThat(bobHears.await()).containsExactlyElementsOf(expected("alice", n, padding));
    assertThat(turtleHears.await()).containsExactlyElementsOf(expected("alice", n, padding));
    double turtleDone = loop.time();
    assertThat(bobDone[0]).as("when bob had every line (virtual s)").isLessThan(turtleDone / 2);
    assertThat(turtleDone).as("when the turtle had every line (virtual s)").isGreaterThanOrEqualTo(n * 5 / 1000.0);
    assertThat(w.server.dropped()).isZero();
    assertThat(w.server.peakBacklogBytes()).as("lines waited in the turtle's outbox, beyond its transport's buffer")
        .isGreaterThan(settings.writeHighWater() + padding.length() + 20L);
    closeAll(w, alice, bob, turtle);
  }

  @AsyncTest(schedules = 100)
  void close_abortsAClientThatCannotTakeWhatItIsOwed_afterTheGrace_andLeavesNothingBehind(Simulation sim,
      EventLoop loop) throws IOException {
    sim.network().setBufferSizes(2048, 2048);
    ChatSettings settings = new ChatSettings(1000, 1024, Duration.ofSeconds(1)); // never dropped: too big a queue
    ChatWorld w = new ChatWorld(sim, settings);
    ChatClient alice = w.join("alice", MS.multipliedBy(3));
    ChatClient sloth = w.join("sloth", MS.multipliedBy(3));
    assertThat(alice.readLine()).isEqualTo("* sloth joined");
    sloth.pauseReading();
    // A client that connected but never sent its NICK.
    Streams.Pair lurker = w.onNewHost("lurker", MS, () -> Streams.openConnection("chat", ChatWorld.PORT));
    talk(alice, 100, " " + "y".repeat(100)).await();
    Weft.sleep(Duration.ofMillis(100)); // the server has relayed everything it could
    assertThat(w.server.dropped()).isZero();

    double closing = loop.time();
    w.server.close();
    assertThat(loop.time() - closing).as("virtual seconds to close: the grace, then the abort")
        .isBetween(1.0 - 1e-9, 1.1);
    assertThat(alice.readLine()).isEqualTo(ChatServer.SHUTDOWN_LINE);
    assertThat(alice.readLine()).isNull();
    assertThat(lurker.reader().read(-1)).as("what the lurker got").isEmpty();
    sloth.resumeReading();
    List<String> slothHeard = new ArrayList<>();
    IOException slothReset = null;
    try {
      for (String l = sloth.readLine(); l != null; l = sloth.readLine()) {
        slothHeard.add(l);
      }
    } catch (IOException reset) {
      assertThat(reset).hasMessageContaining("reset");
      slothReset = reset;
    }
    assertThat(slothHeard).as("the sloth was aborted before the shutdown line").doesNotContain(
        ChatServer.SHUTDOWN_LINE);
    alice.close();
    closeSloth(sloth, slothReset);
    lurker.writer().close();
    lurker.writer().waitClosed();
    assertThat(w.server.state()).isEqualTo(ChatServer.State.CLOSED);
    assertThat(w.net.openSocketReports()).as("sockets left open").isEmpty();
    assertThat(Weft.allTasks()).as("tasks left").containsExactly(Weft.currentTask());
  }

  @AsyncTest(schedules = 100)
  void aNickThatIsTakenOrMalformed_isRefused_andTheChatGoesOn(Simulation sim) throws IOException {
    ChatWorld w = new ChatWorld(sim, ChatSettings.DEFAULTS);
    ChatClient alice = w.join("alice", MS);
    w.join("alice2", MS).close();
    assertThat(alice.readLine()).isEqualTo("* alice2 joined");
    assertThatThrownBy(() -> w.onNewHost("h1", MS, () -> ChatClient.connect("chat", ChatWorld.PORT, "alice")))
        .isInstanceOf(IOException.class).hasMessage("the chat server refused NICK alice: it answered \"ERR nick alice"
            + " is taken\"");
    assertThatThrownBy(() -> w.onNewHost("h2", MS, () -> ChatClient.connect("chat", ChatWorld.PORT, "no spaces")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ERR expected NICK <name> with 1-16 letters, digits, _ or -, got \"NICK no spaces\"");
    assertThat(alice.readLine()).isEqualTo("* alice2 left");
    assertThat(w.server.members()).containsExactly("alice");
    closeAll(w, alice);
  }

  @AsyncTest(schedules = 100)
  void aClientThatResets_orSendsALineOverTheLimit_leaves_andIsAnnounced(Simulation sim) throws IOException {
    ChatWorld w = new ChatWorld(sim, ChatSettings.DEFAULTS);
    ChatClient alice = w.join("alice", MS);
    ChatClient bob = w.join("bob", MS.multipliedBy(2));
    assertThat(alice.readLine()).isEqualTo("* bob joined");
    ChatClient carol = w.join("carol", MS.multipliedBy(3));
    assertThat(alice.readLine()).isEqualTo("* carol joined");
    bob.abort(); // RST
    assertThat(alice.readLine()).isEqualTo("* bob left");
    assertThat(carol.readLine()).isEqualTo("* bob left");
    carol.say("x".repeat(70_000)); // over the server's 64 KiB line limit
    assertThat(alice.readLine()).isEqualTo("* carol left");
    assertThat(carol.readLine()).as("carol after her overlong line").isNull();
    carol.close();
    assertThat(w.server.members()).containsExactly("alice");
    closeAll(w, alice);
  }

  /**
   * Closes a client the server aborted: as asyncio's {@code wait_closed()}, the close raises the reset the connection
   * was lost with; the client's reads saw it, or an EOF first (the schedule decides), and a reset they saw must be
   * raised.
   */
  private static void closeSloth(ChatClient sloth, IOException resetSeen) {
    Throwable closing = org.assertj.core.api.Assertions.catchThrowable(sloth::close);
    if (resetSeen != null) {
      assertThat(closing).as("close after the reset").isNotNull();
    }
    if (closing != null) {
      assertThat(closing).as("what close raises").isInstanceOf(IOException.class).hasMessageContaining("reset");
    }
  }
}
