package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's main job: exploration finds the bank's bug and then the replicated counter's (under faults), prints
 * the replay lines, and the replays fail alike.
 */
class ExploreTests {

  @Test
  void explore_findsTheBug_printsTheReplayLine_andTheReplayFailsTheSameWay() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      status = Explore.run("200", out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    System.out.println(text);

    assertThat(status).isZero();
    assertThat(text).contains("TEST_FAILED in FAITHFUL mode")
        .contains("money appeared")
        .contains("shrunk schedule:   weft:1:FAITHFUL:REPLAY:")
        .containsPattern("Failure after \\d+ schedule\\(s\\); the other \\d+ were skipped")
        .containsPattern("-Dweft\\.replay=weft:1:FAITHFUL:REPLAY:\\S+")
        .contains("The replay fails the same way: @AsyncTest RacyBankScenario.paydayNeverCreatesMoney failed:"
            + " TEST_FAILED in FAITHFUL mode");
    assertThat(text).contains("a visit was counted twice: the clients made 15 visits")
        .contains("fault plan: client<->leader: partition=2%/300ms")
        .containsPattern("the link client -> leader \\(both ways\\) was partitioned for 300\\.000 ms")
        .containsPattern("\\(1 deviation\\(s\\) from FIFO, was \\d+; \\d+ shrinking run\\(s\\)\\)")
        .contains("The replay fails the same way: @AsyncTest RacyKvScenario.everyVisitIsCountedOnce failed:"
            + " TEST_FAILED in FAITHFUL mode");
    // The README shows this program's output twice (the bank, then the counter under faults): every line of those
    // blocks but the "..." ones must be printed as is.
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    List<String> printed = text.lines().toList();
    for (String marker : List.of("checks every other line against the program's output):\n\n```\n",
        "checks these lines against the program's output):\n\n```\n")) {
      int start = readme.indexOf(marker);
      assertThat(start).as("the README's sample output block after %s", marker).isPositive();
      String block = readme.substring(start + marker.length(), readme.indexOf("```", start + marker.length()));
      List<String> shown = block.lines().filter(l -> !l.equals("...")).toList();
      assertThat(shown).hasSizeGreaterThan(8);
      assertThat(shown).allSatisfy(line -> assertThat(printed).as("README sample line").contains(line));
    }
  }
}
