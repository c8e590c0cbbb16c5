package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.CancelledError;
import io.weft.Task;
import io.weft.Weft;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's code, compiled and run, so the README cannot rot.
 *
 * <p>The body of {@link #readmeQuickStart()} is, verbatim, the quick-start block of the README; change both
 * together.
 */
class ReadmeExampleTests {

  /** The README's quick start, verbatim. */
  static void readmeQuickStart() {
    List<String> breakfast = Weft.run(() -> {
      // Three tasks start at once; each runs until its first await, then the loop runs the others.
      Task<String> tea = Weft.createTask(() -> {
        Weft.sleep(Duration.ofMillis(30));
        return "tea";
      });
      Task<String> toast = Weft.createTask(() -> {
        Weft.sleep(Duration.ofMillis(10));
        return "toast";
      });
      Task<String> eggs = Weft.createTask(() -> {
        Weft.sleep(Duration.ofSeconds(10));
        return "eggs";
      });

      // Await them in order: toast is ready first, but results keep the order asked for.
      List<String> served = new ArrayList<>();
      for (Task<String> t : List.of(tea, toast)) {
        served.add(t.await());
      }

      // Eggs are too slow: cancellation reaches the task at its await, as a CancelledError.
      eggs.cancel("no time for eggs");
      try {
        served.add(eggs.await());
      } catch (CancelledError e) {
        served.add("no eggs: " + e.getMessage());
      }
      return served;
    });
    System.out.println(breakfast); // [tea, toast, no eggs: no time for eggs]
  }

  @Test
  @Timeout(30)
  void readmeQuickStart_printsResultsInArgumentOrder_andTheCaughtCancellation() {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      readmeQuickStart();
    } finally {
      System.setOut(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly("[tea, toast, no eggs: no time for eggs]");
  }
}
