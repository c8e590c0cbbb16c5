package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineTests {

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> traceEvents(String json) {
    Map<String, Object> root = (Map<String, Object>) MiniJson.parse(json);
    return (List<Map<String, Object>>) root.get("traceEvents");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> args(Map<String, Object> e) {
    return (Map<String, Object>) e.get("args");
  }

  private static double num(Map<String, Object> e, String key) {
    return ((Number) e.get(key)).doubleValue();
  }

  private static Map<String, Object> only(List<Map<String, Object>> events, String what,
      java.util.function.Predicate<Map<String, Object>> p) {
    List<Map<String, Object>> found = events.stream().filter(p).toList();
    assertThat(found).as(what).hasSize(1);
    return found.get(0);
  }

  @Nested
  class WakeupCauses {

    @Test
    void aStep_knowsTheEventThatQueuedIt_andTheHashDoesNotDependOnIt() {
      Trace with = new Trace(100);
      Trace without = new Trace(100);
      for (Trace t : List.of(with, without)) {
        t.record(Trace.STEP, 1); // 0: main runs
        if (t == with) {
          t.queued(2); // main creates task 2
        }
        t.record(Trace.CLOCK, 5_000); // 1
        t.recordTimer(7, 1, null); // 2: a timer runs
        if (t == with) {
          t.queued(1); // and wakes main
        }
        t.record(Trace.STEP, 2); // 3
        t.record(Trace.STEP, 1); // 4
      }
      assertThat(with.hash()).isEqualTo(without.hash());
      List<Trace.Event> e = with.events();
      assertThat(e.get(3).cause()).isEqualTo(0);
      assertThat(e.get(4).cause()).isEqualTo(2);
      assertThat(without.events().get(4).cause()).isEqualTo(-1);
      with.checkInvariants();
    }

    @Test
    void aCopy_keepsTheCausesAndDeviations_ofTheEventsItKeeps() {
      Trace t = new Trace(3);
      t.record(Trace.STEP, 1); // 0
      t.queued(2);
      t.record(Trace.CLOCK, 7_000); // 1
      t.record(Trace.CHOICE, (1L << 48) | (2L << 24) | 1); // 2
      t.record(Trace.STEP, 2); // 3
      Trace c = t.copy();
      c.checkInvariants();
      assertThat(c.hash()).isEqualTo(t.hash());
      assertThat(c.events()).extracting(Trace.Event::number).containsExactly(1L, 2L, 3L);
      assertThat(c.events().get(1).deviation()).isZero();
      assertThat(c.events().get(2).cause()).isZero();
      assertThat(c.clockAt(3)).isEqualTo(7_000);
    }

    @Test
    void nonzeroChoices_areNumberedAsDeviations_inOrder() {
      Trace t = new Trace(100);
      t.record(Trace.CHOICE, (1L << 48) | (2L << 24)); // TIE 0 of 2
      t.record(Trace.CHOICE, (1L << 48) | (2L << 24) | 1); // TIE 1 of 2
      t.record(Trace.CHOICE, (3L << 48) | (4L << 24) | 3); // LATE 3 of 4
      assertThat(t.events()).extracting(Trace.Event::deviation).containsExactly(-1, 0, 1);
    }

    @Test
    void theClockBeforeTheFirstKeptEvent_isKnown_afterTheRingWraps() {
      Trace t = new Trace(4);
      t.record(Trace.CLOCK, 1_000);
      t.record(Trace.CLOCK, 2_000);
      for (int i = 0; i < 4; i++) {
        t.record(Trace.CALLBACK, 0);
      }
      t.checkInvariants();
      assertThat(t.firstKept()).isEqualTo(2);
      assertThat(t.clockAtFirstKept()).isEqualTo(2_000);
      assertThat(t.clockAt(4)).isEqualTo(2_000);
      t.record(Trace.CLOCK, 3_000); // 6
      t.record(Trace.CALLBACK, 0); // 7
      assertThat(t.clockAt(6)).isEqualTo(2_000);
      assertThat(t.clockAt(7)).isEqualTo(3_000);
    }

    @Test
    void inARealRun_theTimerWakesTheSleeper_andTheCreatingStepStartsTheNewTask() {
      SimResult<String> r = TimelineFixture.failingRun();
      List<Trace.Event> events = r.trace().events();
      Trace.Event firstOfAlice = events.stream().filter(e -> e.text().equals("step alice (#2)")).findFirst()
          .orElseThrow();
      Trace.Event creator = events.get((int) (firstOfAlice.cause() - r.trace().firstKept()));
      assertThat(creator.text()).isEqualTo("step main (#1)");
      Trace.Event secondOfAlice = events.stream().filter(e -> e.text().equals("step alice (#2)")).skip(1).findFirst()
          .orElseThrow();
      Trace.Event waker = events.get((int) (secondOfAlice.cause() - r.trace().firstKept()));
      assertThat(waker.text()).startsWith("timer #").endsWith(" of alice");
    }

    @Test
    void theSameRun_givesTheSameHash_asTheSameRunReplayed() {
      SimResult<String> r = TimelineFixture.failingRun();
      SimResult<String> again = Simulation.run(r.replay(), TimelineFixture::program);
      assertThat(again.traceHash()).isEqualTo(r.traceHash());
      assertThat(again.failure()).isNotNull();
    }
  }

  @Nested
  class ChromeTrace {

    @Test
    void hasATrackPerTask_aSlicePerStep_theDeviation_aWakeupFlow_andTheFailure() {
      SimResult<String> r = TimelineFixture.failingRun();
      assertThat(r.failure()).isNotNull();
      assertThat(r.deviations()).hasSize(1);
      List<Map<String, Object>> events = traceEvents(Timeline.chromeTrace(r));

      // One named track per task.
      Map<String, Double> tids = new java.util.HashMap<>();
      events.stream().filter(e -> "thread_name".equals(e.get("name")))
          .forEach(e -> tids.put((String) args(e).get("name"), num(e, "tid")));
      assertThat(tids).containsKeys("main (#1)", "alice (#2)", "bob (#3)", "choices and deviations",
          "timers and callbacks");

      // A slice per step, on its task's track, in order.
      List<Map<String, Object>> aliceSteps = events.stream()
          .filter(e -> "X".equals(e.get("ph")) && "step".equals(e.get("cat")) && tids.get("alice (#2)")
              .equals(num(e, "tid"))).toList();
      assertThat(aliceSteps).hasSize((int) r.trace().events().stream()
          .filter(e -> e.text().equals("step alice (#2)")).count()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(num(aliceSteps.get(1), "ts")).isGreaterThan(num(aliceSteps.get(0), "ts"));
      assertThat(args(aliceSteps.get(1)).get("virtual time")).isEqualTo("0.001000 s");

      // The deviation: an instant on the choices track, with its sentence.
      Map<String, Object> dev = only(events, "deviation instants", e -> "deviation".equals(e.get("cat")));
      assertThat(dev.get("ph")).isEqualTo("i");
      assertThat(dev.get("name")).isEqualTo("DEVIATION TIE 1 of 2");
      assertThat(num(dev, "tid")).isEqualTo(tids.get("choices and deviations"));
      assertThat(args(dev).get("sentence")).isEqualTo(r.deviations().get(0));
      assertThat(events).anyMatch(e -> "choice".equals(e.get("cat")) && "i".equals(e.get("ph")));

      // Flows: each start has its finish; the one into alice's second step starts inside the timer that woke her.
      List<Map<String, Object>> starts = events.stream().filter(e -> "s".equals(e.get("ph"))).toList();
      List<Map<String, Object>> finishes = events.stream().filter(e -> "f".equals(e.get("ph"))).toList();
      assertThat(starts).isNotEmpty().hasSameSizeAs(finishes);
      Map<String, Object> into = only(finishes, "flow into alice's second step",
          e -> Objects.equals(e.get("id"), args(aliceSteps.get(1)).get("event")));
      assertThat(into.get("bp")).isEqualTo("e");
      assertThat(num(into, "tid")).isEqualTo(tids.get("alice (#2)"));
      assertThat(num(into, "ts")).isBetween(num(aliceSteps.get(1), "ts"),
          num(aliceSteps.get(1), "ts") + num(aliceSteps.get(1), "dur"));
      Map<String, Object> from = only(starts, "flow start", e -> Objects.equals(e.get("id"), into.get("id")));
      Map<String, Object> timer = only(events, "the timer the flow starts in",
          e -> "X".equals(e.get("ph")) && Objects.equals(e.get("tid"), from.get("tid"))
              && num(e, "ts") <= num(from, "ts") && num(from, "ts") <= num(e, "ts") + num(e, "dur"));
      assertThat((String) timer.get("name")).startsWith("timer #").endsWith(" of alice");
      assertThat(args(aliceSteps.get(1)).get("woken by")).isEqualTo("#" + args(timer).get("event").toString()
          .replace(".0", "") + " " + timer.get("name"));

      // The failure: a global instant after the last step before it.
      Map<String, Object> failure = only(events, "failure instants", e -> "failure".equals(e.get("cat")));
      assertThat(failure.get("s")).isEqualTo("g");
      assertThat(failure.get("name")).isEqualTo("FAILURE TEST_FAILED");
      assertThat((String) args(failure).get("message")).contains("bob finished before alice");
    }

    @Test
    void eventsNeverShareAPlace_andFollowVirtualTime() {
      SimResult<String> r = TimelineFixture.failingRun();
      List<Map<String, Object>> slices = traceEvents(Timeline.chromeTrace(r)).stream()
          .filter(e -> "X".equals(e.get("ph"))).toList();
      for (int i = 1; i < slices.size(); i++) {
        assertThat(num(slices.get(i), "ts")).as("slice %d", i)
            .isGreaterThanOrEqualTo(num(slices.get(i - 1), "ts") + 1);
      }
      // The timers fall due at 1 ms of virtual time: their slices are at 1,000 us or just after.
      assertThat(slices).filteredOn(e -> "timer".equals(e.get("cat")))
          .allSatisfy(e -> assertThat(num(e, "ts")).isBetween(1000.0, 1010.0));
    }

    @Test
    void aPassingRun_hasNoFailure_andNoDeviation(@TempDir Path tmp) throws Exception {
      SimResult<String> r = Simulation.run(Schedule.fifo(), TimelineFixture::program);
      assertThat(r.passed()).isTrue();
      Path file = tmp.resolve("sub/run.json");
      Timeline.writeChromeTrace(r, file);
      List<Map<String, Object>> events = traceEvents(Files.readString(file));
      assertThat(events).noneMatch(e -> "failure".equals(e.get("cat")) || "deviation".equals(e.get("cat")))
          .anyMatch(e -> "step".equals(e.get("cat")));
    }
  }

  @Nested
  class Html {

    @Test
    @SuppressWarnings("unchecked")
    void isOnePage_withTheDataInside_andNothingToFetch() {
      SimResult<String> r = TimelineFixture.failingRun();
      String html = Timeline.html(r, "TimelineTests <fixture> & \"friends\"");
      assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("/*WEFT_TIMELINE_DATA*/")
          .doesNotContainPattern("(?i)<(script|link|img|iframe)[^>]*(src|href)=")
          .doesNotContainPattern("(?i)(fetch\\(|XMLHttpRequest|import\\s*\\(|@import|url\\((?!#))");
      // The title is data, escaped: it cannot close the script.
      assertThat(html).contains("TimelineTests \\u003cfixture\\u003e \\u0026 \\\"friends\\\"");
      int start = html.indexOf("const DATA = ") + "const DATA = ".length();
      int end = html.indexOf(";\n(function", start);
      Map<String, Object> data = (Map<String, Object>) MiniJson.parse(html.substring(start, end));
      assertThat(data.get("kind")).isEqualTo("TEST_FAILED");
      assertThat((List<Object>) data.get("deviations")).containsExactlyElementsOf(List.copyOf(r.deviations()));
      assertThat((List<?>) data.get("tracks")).hasSize(5);
    }

    @Test
    void aLongRun_showsTheLastEventsUpToTheFailure() {
      SimResult<Object> r = Simulation.run(Schedule.fifo(), () -> {
        for (int i = 0; i < Timeline.HTML_EVENTS; i++) {
          io.weft.Weft.sleep(java.time.Duration.ZERO);
        }
        throw new AssertionError("the end");
      });
      TimelineModel m = TimelineModel.of(r, Timeline.HTML_EVENTS);
      assertThat(m.items).hasSize(Timeline.HTML_EVENTS);
      long fail = r.trace().failureIndex();
      // At most a tenth of the page goes to the clean-up after the failure; the rest is what led to it.
      assertThat(m.items).filteredOn(i -> i.number() < fail)
          .hasSizeGreaterThanOrEqualTo(Timeline.HTML_EVENTS - Timeline.HTML_EVENTS / 10);
      assertThat(m.items.get(m.items.size() - 1).number()).isLessThan(fail + Timeline.HTML_EVENTS / 10);
      assertThat(m.firstShown).isGreaterThan(r.trace().firstKept());
    }
  }
}
