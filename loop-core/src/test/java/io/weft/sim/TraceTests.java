package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TraceTests {

  private static Trace callbacks(int limit, int events) {
    Trace t = new Trace(limit);
    for (int i = 0; i < events; i++) {
      t.record(Trace.CALLBACK, 0);
    }
    return t;
  }

  @Nested
  class Ring {

    @Test
    void keepsTheLastEvents_inOrder_afterWrappingManyTimes() {
      Trace t = new Trace(100);
      for (int i = 0; i < 1_000; i++) {
        t.record(Trace.CLOCK, i * 1_000_000_000L);
      }
      t.checkInvariants();
      assertThat(t.eventCount()).isEqualTo(1_000);
      assertThat(t.keptCount()).isEqualTo(100);
      assertThat(t.firstKept()).isEqualTo(900);
      List<String> lines = t.render(0, 1_000);
      assertThat(lines.get(0)).isEqualTo("(events 0-899 dropped: the trace keeps the last 100)");
      assertThat(lines.get(1)).isEqualTo("900 clock 900.000000s");
      assertThat(lines.get(100)).isEqualTo("999 clock 999.000000s");
    }

    @Test
    void hash_coversEveryEvent_whateverTheLimit() {
      assertThat(callbacks(3, 500).hash()).isEqualTo(callbacks(100_000, 500).hash());
      assertThat(callbacks(0, 500).hash()).isEqualTo(callbacks(3, 500).hash()).isNotEqualTo(callbacks(3, 499).hash());
    }

    @Test
    void limitZero_keepsNothing_andSaysSo() {
      Trace t = callbacks(0, 5);
      assertThat(t.keptCount()).isZero();
      assertThat(t.tail(3)).containsExactly("no events of 5 kept");
    }

    @Test
    void tail_ofAPassingRun_saysWhichEventsItShows_withThousandsSeparators() {
      Trace t = callbacks(100_000, 345_606);
      List<String> tail = t.tail(2);
      assertThat(tail).containsExactly("events 345,604-345,605 of 345,606", "345604 callback", "345605 callback");
      assertThat(t.tail(200_000)).hasSize(100_001)
          .startsWith("events 245,606-345,605 of 345,606; earlier ones dropped", "245606 callback");
    }
  }

  @Nested
  class Failure {

    @Test
    void tail_endsAtTheFailure_andLastEventsIncludeTheCleanUp() {
      Trace t = callbacks(1_000, 10);
      t.markFailure();
      t.markCleanup();
      t.record(Trace.STEP, 3);
      t.record(Trace.STEP, 4);

      assertThat(t.failureIndex()).isEqualTo(10);
      assertThat(t.tail(2)).containsExactly(
          "events 8-9 of 12; up to the failure, recorded before event 10 (2 clean-up event(s) follow)",
          "8 callback", "9 callback");
      assertThat(t.lastEvents(3)).containsExactly("events 9-11 of 12", "9 callback", Trace.FAILURE_LINE,
          "10 step task #3", "11 step task #4");
    }

    @Test
    void aLongCleanUp_cannotPushTheEventsBeforeTheFailureOutOfTheRing() {
      Trace t = callbacks(8, 20);
      t.markFailure();
      for (int i = 0; i < 100; i++) {
        t.record(Trace.STEP, 1);
      }
      t.checkInvariants();
      // A quarter of the limit (2) is left to the clean-up; the rest keeps what led to the failure.
      assertThat(t.eventCount()).isEqualTo(120);
      assertThat(t.firstKept()).isEqualTo(14);
      assertThat(t.tail(100)).containsExactly(
          "events 14-19 of 120; earlier ones dropped; up to the failure, recorded before event 20 (100 clean-up"
              + " event(s) follow)",
          "14 callback", "15 callback", "16 callback", "17 callback", "18 callback", "19 callback");
      assertThat(t.lastEvents(3)).containsExactly("events 19-21 of 120; 98 later clean-up event(s) not kept",
          "19 callback", Trace.FAILURE_LINE, "20 step task #1", "21 step task #1");
    }

    @Test
    void onlyTheFirstFailureCounts() {
      Trace t = callbacks(100, 4);
      t.markFailure();
      t.record(Trace.CALLBACK, 0);
      t.markFailure();
      assertThat(t.failureIndex()).isEqualTo(4);
    }
  }

  @Nested
  class Timers {

    @Test
    void aTimerIsShownWithItsTask_orWhereItWasSet() {
      Trace t = new Trace(10);
      t.nameTask(2, "Task-2 (Payday.run:21)");
      t.nameTask(3, "rent");
      t.recordTimer(7, 2, null);
      t.recordTimer(8, -1, "Foo.bar(Foo.java:12)");
      t.recordTimer(9, -1, null);
      t.checkInvariants();
      t.record(Trace.STEP, 2);
      t.record(Trace.STEP, 3);
      assertThat(t.render(0, 10)).containsExactly("0 timer #7 of Task-2 (Payday.run:21)",
          "1 timer #8 set at Foo.bar(Foo.java:12)", "2 timer #9", "3 step Task-2 (Payday.run:21)", "4 step rent (#3)");
    }
  }
}
