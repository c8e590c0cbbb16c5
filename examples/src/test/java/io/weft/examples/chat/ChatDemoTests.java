package io.weft.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chat demo on the production loop, over loopback: what it prints, never how fast. */
class ChatDemoTests {

  private static List<String> lines;

  @BeforeAll
  @Timeout(60)
  static void runDemo() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      lines = ChatDemo.run(out);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(lines);
  }

  @Test
  void theScriptedConversation_goesAsScripted() {
    // ChatDemo checks each line a client reads and throws if one differs; here, the whole transcript's shape.
    assertThat(lines.get(0)).matches("chat server listening on 127\\.0\\.0\\.1:\\d+");
    assertThat(lines.subList(1, 20)).containsExactly(
        "alice joined",
        "bob joined",
        "  alice <- * bob joined",
        "carol joined",
        "  alice <- * carol joined",
        "  bob <- * carol joined",
        "  bob <- alice: hi all",
        "  carol <- alice: hi all",
        "  alice <- bob: hello alice",
        "  carol <- bob: hello alice",
        "  alice <- carol: bye",
        "  alice <- * carol left",
        "  bob <- carol: bye",
        "  bob <- * carol left",
        "  carol <- (connection closed by the server)",
        "sloth joined",
        "  alice <- * sloth joined",
        "  bob <- * sloth joined",
        "  alice <- * sloth left (too slow)");
  }

  @Test
  void aClientThatNeverReads_isDropped_whileTheOneThatReadsReceivesEveryLine() {
    assertThat(lines.get(20)).matches("sloth never read: the server dropped it \\(too slow\\) while alice sent \\d+ "
        + "lines of 1 KB; bob read and received all of them");
    assertThat(lines.get(21)).startsWith("the most the server held for one client: within the bound of 64 lines");
  }

  @Test
  void closingTheServer_sendsTheShutdownLine_andClosesEveryClient() {
    assertThat(lines.subList(22, lines.size())).containsExactly(
        "  alice <- * server shutting down",
        "  alice <- (connection closed by the server)",
        "  bob <- * server shutting down",
        "  bob <- (connection closed by the server)",
        "server closed: CLOSED, 1 client dropped");
  }
}
