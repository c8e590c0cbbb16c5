package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the README's demo program once and checks what it prints (never how fast: it runs on real time). */
class DemoTests {

  private static List<String> lines;

  @BeforeAll
  @Timeout(30)
  static void runDemo() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      Demo.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    original.println(String.join(System.lineSeparator(), lines));
  }

  @Test
  void demo_printsTheFanOutResultsInArgumentOrder() {
    assertThat(lines).last().asString().contains("[ALPHA, BRAVO, CHARLIE, DELTA]");
  }

  @Test
  void demo_printsThatTheSlowTaskWasCancelledWithItsMessage() {
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("slow was cancelled (too slow)"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("slow: cleaning up after 1 cancel request(s)"));
  }

  @Test
  void demo_printsTheResultSentFromAnotherThread() {
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("hello from a thread"));
  }

  @Test
  void demo_fetchesFinishInOrderOfTheirDelays_notOfTheirCreation() {
    List<String> finished = lines.stream()
        .filter(l -> l.matches(".*fetch \\w+: done"))
        .map(l -> l.replaceAll(".*fetch (\\w+): done", "$1"))
        .toList();
    assertThat(finished).containsExactly("delta", "bravo", "charlie", "alpha");
  }

  @Test
  void demo_cancelsTheSlowTask_beforeTheSlowestFetchIsDone() {
    // The 60 ms timer is scheduled before alpha's 120 ms sleep starts; timers run in deadline order.
    int cancelAt = indexOfLineContaining("timer: cancelling slow");
    assertThat(cancelAt).isLessThan(indexOfLineContaining("fetch alpha: done"));
    assertThat(indexOfLineContaining("slow: cleaning up")).isGreaterThan(cancelAt);
  }

  private static int indexOfLineContaining(String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line contains '" + text + "' in:\n" + String.join("\n", lines));
  }
}
