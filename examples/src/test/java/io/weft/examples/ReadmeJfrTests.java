package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import io.weft.examples.jfr.JfrDemo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's section "JFR events": its Java block verbatim (the README check of {@link ReadmeExampleTests} reads
 * this file too), and the demo program whose recording the section prints.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeJfrTests {

  /** The README's in-process watcher, verbatim. */
  static RecordingStream readmeWatchSlowSteps(Consumer<String> report) {
    RecordingStream rs = new RecordingStream();          // this JVM's events, as they are committed
    rs.enable("weft.SlowCallback");
    rs.onEvent("weft.SlowCallback", e -> report.accept(
        e.getString("taskName") + " held the loop for " + e.getDuration("elapsed").toMillis() + " ms"));
    rs.startAsync();
    return rs;                                           // close() it to stop watching
  }

  @Test
  void theWatcher_reportsASlowStep_byTaskName() throws Exception {
    List<String> reports = new CopyOnWriteArrayList<>();
    try (RecordingStream rs = readmeWatchSlowSteps(reports::add)) {
      Weft.run(() -> {
        Weft.getRunningLoop().setSlowCallbackDuration(Duration.ofMillis(50));
        Weft.createTask(() -> {
          long end = System.nanoTime() + Duration.ofMillis(80).toNanos();
          while (System.nanoTime() - end < 0) {
            Thread.onSpinWait(); // CPU-bound
          }
          return null;
        }, "crunch", null).await();
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // the stream flushes about once a second
      while (reports.stream().noneMatch(r -> r.startsWith("crunch held the loop for "))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
    assertThat(reports).anySatisfy(r -> assertThat(r).matches("crunch held the loop for \\d+ ms"));
  }

  @Test
  void theDemo_givesEachEventAReason_underTheSettingsTheReadmeShows() throws Exception {
    Path file = Files.createTempFile("weft-demo", ".jfr");
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Recording r = new Recording(jdk.jfr.Configuration.getConfiguration("default"))) {
      r.enable("weft.TaskCreated");
      r.enable("weft.TaskDone");
      r.start();
      try (PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8)) {
        System.setOut(p);
        JfrDemo.main(new String[0]);
      } finally {
        System.setOut(original);
      }
      r.stop();
      r.dump(file);
      Map<String, List<RecordedEvent>> byType = RecordingFile.readAllEvents(file).stream()
          .filter(e -> e.getEventType().getName().startsWith("weft."))
          .collect(Collectors.groupingBy(e -> e.getEventType().getName()));
      assertThat(byType.get("weft.TaskDone")).extracting(e -> e.getString("taskName") + "=" + e.getString("outcome"))
          .contains("fetch=result", "parse=exception", "poll=cancelled", "demo-main=result");
      assertThat(byType.get("weft.TaskCreated")).extracting(e -> e.getString("taskName"))
          .contains("demo-main", "fetch", "parse", "poll", "checksum", "legacy-client");
      assertThat(byType.get("weft.SlowCallback")).extracting(e -> e.getString("taskName")).contains("checksum");
      boolean loopCarrier;
      try (io.weft.EventLoop probe = io.weft.EventLoop.create()) {
        loopCarrier = probe.carrierName().equals("loop"); // the blocking-call detector's carrier
      }
      if (loopCarrier) {
        assertThat(byType.get("weft.BlockingCall")).extracting(e -> e.getString("taskName"))
            .contains("legacy-client");
      }
      assertThat(byType.get("weft.TransportError")).singleElement()
          .satisfies(e -> assertThat(e.getString("operation")).isEqualTo("read"));
    } finally {
      Files.deleteIfExists(file);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("read failed: java.net.SocketException");
  }
}
