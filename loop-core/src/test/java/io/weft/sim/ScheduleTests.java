package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Weft;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScheduleTests {

  @Nested
  class PrintedForm {

    @Test
    void toString_thenParse_givesAnEqualSchedule_withLongZeroRunsAndLargeValues() {
      int[] choices = new int[300];
      choices[0] = 3;
      choices[1] = 3;
      choices[2] = 3;
      // 0 .. 199: a long zero run
      choices[200] = Integer.MAX_VALUE;
      choices[201] = 35;
      choices[202] = 36;
      choices[203] = 1_000_000;
      choices[250] = 1;
      choices[299] = 2;
      Schedule s = Schedule.of(Mode.CHAOS, "RANDOM", 0xdeadbeefL).withBounds(123, 456_789).replaying(choices);
      String text = s.toString();
      Schedule back = Schedule.parse(text);
      assertThat(back).isEqualTo(s);
      assertThat(back.choices()).isEqualTo(choices);
      assertThat(back.toString()).isEqualTo(text);
      assertThat(text).startsWith("weft:1:CHAOS:REPLAY:deadbeef:123:456789:3_3.0_");
      assertThat(text).contains("." + Integer.toString(Integer.MAX_VALUE, 36) + ".");
      assertThat(text.length()).as("runs are compressed: %s", text).isLessThan(80);
    }

    @Test
    void roundTrip_keepsEveryStrategyModeAndANegativeSeed() {
      for (Mode mode : Mode.values()) {
        for (String strategy : new String[] {"FIFO", "RANDOM", "PCT3", "PCT17", "POS"}) {
          Schedule s = Schedule.of(mode, strategy, -1L);
          assertThat(Schedule.parse(s.toString())).isEqualTo(s);
          assertThat(s.toString()).isEqualTo("weft:1:" + mode + ":" + strategy + ":ffffffffffffffff:1000000:1000000");
        }
      }
    }

    @Test
    void fifo_printsAsyncioOrderWithDefaultBounds() {
      assertThat(Schedule.fifo().toString()).isEqualTo("weft:1:FAITHFUL:FIFO:0:1000000:1000000");
    }

    @Test
    void replayWithoutChoices_printsNoChoiceField_andParsesBack() {
      Schedule s = Schedule.fifo().replaying(new int[0]);
      assertThat(s.toString()).isEqualTo("weft:1:FAITHFUL:REPLAY:0:1000000:1000000");
      assertThat(s.abbreviated(10)).isEqualTo("weft:1:FAITHFUL:REPLAY:0:1000000:1000000");
      assertThat(Schedule.parse(s.toString())).isEqualTo(s);
    }

    @Test
    void replayOfOnlyZeros_printsNoChoiceField_andTheOlderFormWithAnEmptyFieldStillParses() {
      Schedule s = Schedule.fifo().replaying(new int[] {0, 0, 0});
      assertThat(s.toString()).isEqualTo("weft:1:FAITHFUL:REPLAY:0:1000000:1000000");
      assertThat(Schedule.parse("weft:1:FAITHFUL:REPLAY:0:1000000:1000000:")).isEqualTo(s);
    }

    @Test
    void trailingZeros_areDropped_andTheSchedulesAreEqual() {
      Schedule a = Schedule.fifo().replaying(new int[] {1, 0, 2, 0, 0, 0});
      Schedule b = Schedule.fifo().replaying(new int[] {1, 0, 2});
      assertThat(a.choices()).containsExactly(1, 0, 2);
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a.toString()).endsWith(":1.0.2");
      assertThat(Schedule.parse(a.toString() + ".0_5")).isEqualTo(a);
      assertThat(Schedule.parse(a.toString() + ".0*5")).isEqualTo(a);
    }

    @Test
    void toString_withRuns_isSafeToPasteUnquotedIntoBashAndZsh() {
      int[] choices = {0, 0, 0, 0, 1, 1, 1, 2, 0, 0, 35, 35, 3};
      String text = Schedule.of(Mode.CHAOS, "PCT3", -7).replaying(choices).toString();
      assertThat(text).contains("0_4.1_3.2.0_2.z_2.3");
      for (char c : "*?[]{}~!$&;|<>()'\"\\` #^".toCharArray()) {
        assertThat(text).as("%s has no '%s'", text, c).doesNotContain(String.valueOf(c));
      }
      assertThat(text).matches("[A-Za-z0-9:._]+");
    }

    @Test
    void parse_readsTheOldStarRuns_asTheSameSchedule() {
      Schedule old = Schedule.parse("weft:1:FAITHFUL:REPLAY:5b180362a1e757c3:1000000:1000000:0*4.3");
      Schedule now = Schedule.parse("weft:1:FAITHFUL:REPLAY:5b180362a1e757c3:1000000:1000000:0_4.3");
      assertThat(old).isEqualTo(now);
      assertThat(old.choices()).containsExactly(0, 0, 0, 0, 3);
      assertThat(old.toString()).endsWith(":0_4.3");
    }

    @Test
    void abbreviated_keepsAShortScheduleWhole_andSummarizesTheChoicesOfALongOne() {
      Schedule shortOne = Schedule.fifo().replaying(new int[] {1, 0, 2});
      assertThat(shortOne.abbreviated(200)).isEqualTo(shortOne.toString());
      int[] choices = new int[5000];
      for (int i = 0; i < choices.length; i += 7) {
        choices[i] = 1 + i % 5;
      }
      Schedule longOne = Schedule.fifo().replaying(choices);
      String a = longOne.abbreviated(200);
      assertThat(longOne.toString().length()).isGreaterThan(200);
      assertThat(a).isEqualTo("weft:1:FAITHFUL:REPLAY:0:1000000:1000000:<4,999 choices, 715 deviations, sha "
          + longOne.choicesHash() + ">");
    }

    @Test
    void choicesHash_isEightHexDigits_equalForEqualChoices_andDiffersForOthers() {
      Schedule a = Schedule.fifo().replaying(new int[] {1, 0, 2});
      Schedule b = Schedule.of(Mode.CHAOS, "FIFO", 9).replaying(new int[] {1, 0, 2, 0});
      Schedule c = Schedule.fifo().replaying(new int[] {1, 0, 3});
      assertThat(a.choicesHash()).matches("[0-9a-f]{8}").isEqualTo(b.choicesHash()).isNotEqualTo(c.choicesHash());
      // SHA-256 of no bytes: pinned, so the hash stays the same across versions.
      assertThat(Schedule.fifo().choicesHash()).isEqualTo("e3b0c442");
    }

    @Test
    void choices_areCopied_inAndOut() {
      int[] in = {1, 2};
      Schedule s = Schedule.fifo().replaying(in);
      in[0] = 9;
      s.choices()[1] = 9;
      assertThat(s.choices()).containsExactly(1, 2);
    }
  }

  @Nested
  class Errors {

    @Test
    void badVersion_namesTheVersionAndTheOneExpected() {
      assertThatThrownBy(() -> Schedule.parse("weft:2:FAITHFUL:FIFO:0:1000000:1000000"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("format version 2")
          .hasMessageContaining("reads 1");
    }

    @Test
    void notASchedule_showsTheExpectedForm() {
      assertThatThrownBy(() -> Schedule.parse("hello"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'hello'")
          .hasMessageContaining("weft:1:MODE:STRATEGY:SEED:EARLY:LATE[:CHOICES[:WORLD]]");
    }

    @Test
    void badMode_namesTheValueAndTheModes() {
      assertThatThrownBy(() -> Schedule.parse("weft:1:FAST:FIFO:0:1000000:1000000"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("FAST")
          .hasMessageContaining("FAITHFUL")
          .hasMessageContaining("CHAOS");
    }

    @Test
    void badStrategy_namesTheValueAndTheStrategies() {
      assertThatThrownBy(() -> Schedule.parse("weft:1:FAITHFUL:DFS:0:1000000:1000000"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'DFS'")
          .hasMessageContaining("FIFO, RANDOM, PCT<depth 1-99> (such as PCT3), PCT<depth>_<horizon")
          .hasMessageContaining("POS or REPLAY");
      assertThatThrownBy(() -> Schedule.of(Mode.FAITHFUL, "PCT0", 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'PCT0'");
    }

    @Test
    void negativeChoice_namesTheValueAndWhatIsAllowed() {
      assertThatThrownBy(() -> Schedule.parse("weft:1:FAITHFUL:REPLAY:0:1000000:1000000:1.-1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'-1'")
          .hasMessageContaining(">= 0");
      assertThatThrownBy(() -> Schedule.fifo().replaying(new int[] {0, -3}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-3")
          .hasMessageContaining(">= 0");
    }

    @Test
    void anAbbreviatedSchedule_isRejectedSayingWhereTheFullOneIs() {
      int[] choices = new int[5000];
      for (int i = 0; i < choices.length; i += 7) {
        choices[i] = 1 + i % 5;
      }
      String a = Schedule.fifo().replaying(choices).abbreviated(200);
      assertThat(a).contains("<");
      assertThatThrownBy(() -> Schedule.parse(a))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(a)
          .hasMessageContaining("abbreviated")
          .hasMessageContaining("trace file");
    }

    @Test
    void choicesOnANonReplaySchedule_areRejected() {
      assertThatThrownBy(() -> Schedule.parse("weft:1:FAITHFUL:FIFO:0:1000000:1000000:1"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("only a REPLAY schedule carries choices");
    }

    @Test
    void negativeBound_isRejected() {
      assertThatThrownBy(() -> Schedule.fifo().withBounds(-1, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("early=-1");
    }
  }

  @Nested
  class Deviations {

    @Test
    void deviations_countsTheNonzeroChoices() {
      assertThat(Schedule.fifo().replaying(new int[] {0, 1, 0, 3, 0, 0, 7}).deviations()).isEqualTo(3);
      assertThat(Schedule.fifo().deviations()).isZero();
      assertThat(Schedule.fifo().replaying(new int[] {0, 0}).deviations()).isZero();
    }
  }

  @Nested
  class Replay {

    /** Two pairs of timers with equal deadlines: two TIE choices and nothing else (no jitter). */
    static String twoTies() {
      StringBuilder log = new StringBuilder();
      var loop = Weft.getRunningLoop();
      loop.callLater(Duration.ofMillis(1), () -> log.append('a'));
      loop.callLater(Duration.ofMillis(1), () -> log.append('b'));
      loop.callLater(Duration.ofMillis(2), () -> log.append('c'));
      loop.callLater(Duration.ofMillis(2), () -> log.append('d'));
      Weft.sleep(Duration.ofMillis(3));
      return log.toString();
    }

    static final Schedule NO_JITTER = Schedule.fifo().withBounds(0, 0);

    @Test
    void fifo_takesAlternativeZeroAtEveryTie() {
      SimResult<String> r = Simulation.run(NO_JITTER, Replay::twoTies);
      assertThat(r.value()).isEqualTo("abcd");
      assertThat(r.replay().choices()).isEmpty();
    }

    @Test
    void valueAboveTheAlternativeCount_isClampedToTheLastAlternative() {
      SimResult<String> clamped = Simulation.run(NO_JITTER.replaying(new int[] {99, 1_000_000}), Replay::twoTies);
      SimResult<String> last = Simulation.run(NO_JITTER.replaying(new int[] {1, 1}), Replay::twoTies);
      assertThat(clamped.value()).isEqualTo("badc");
      assertThat(clamped.traceHash()).isEqualTo(last.traceHash());
      assertThat(clamped.replay().choices()).as("the replay records what was chosen").containsExactly(1, 1);
    }

    @Test
    void pastItsEnd_aReplayChoosesZero() {
      SimResult<String> r = Simulation.run(NO_JITTER.replaying(new int[] {1}), Replay::twoTies);
      assertThat(r.value()).isEqualTo("bacd");
      SimResult<String> empty = Simulation.run(NO_JITTER.replaying(new int[0]), Replay::twoTies);
      assertThat(empty.value()).isEqualTo("abcd");
      assertThat(empty.traceHash()).isEqualTo(Simulation.run(NO_JITTER, Replay::twoTies).traceHash());
    }

    @Test
    void anyNonNegativeChoices_areAValidReplay() {
      int[] junk = {5, 0, 17, 3, 2, 2, 9, 0, 1, 40};
      for (Schedule base : new Schedule[] {Schedule.fifo(), Schedule.fifo().withMode(Mode.CHAOS)}) {
        SimResult<String> r = Simulation.run(base.replaying(junk), SimPrograms::mixed);
        assertThat(r.failure()).as("%s", base).isNull();
        assertThat(Simulation.run(r.replay(), SimPrograms::mixed).traceHash()).isEqualTo(r.traceHash());
      }
    }
  }


  @Nested
  class World {

    private final Schedule base = Schedule.fifo().replaying(new int[] {0, 2, 1});

    @Test
    void observations_printAfterTheChoices_andParseBack() {
      Schedule s = base.replaying(new int[] {0, 2, 1}, new int[] {1, 1, 1, 9, 2, 5, 2, 1});
      assertThat(s.toString()).isEqualTo("weft:1:FAITHFUL:REPLAY:0:1000000:1000000:0.2.1:1_3.9.2.5.2.1");
      assertThat(Schedule.parse(s.toString())).isEqualTo(s);
      assertThat(Schedule.parse(s.toString()).world()).containsExactly(1, 1, 1, 9, 2, 5, 2, 1);
    }

    @Test
    void observationsWithoutChoices_leaveTheChoicesFieldEmpty() {
      Schedule s = base.replaying(new int[0], new int[] {1, 3});
      assertThat(s.toString()).isEqualTo("weft:1:FAITHFUL:REPLAY:0:1000000:1000000::1.3");
      assertThat(Schedule.parse(s.toString())).isEqualTo(s);
      assertThat(s.deviations()).as("observations are not deviations").isZero();
    }

    @Test
    void replayingOtherChoices_keepsTheObservations_andTheyTakePartInEquality() {
      Schedule s = base.replaying(new int[] {1}, new int[] {1, 3});
      assertThat(s.replaying(new int[0]).world()).containsExactly(1, 3);
      assertThat(s.withMode(Mode.CHAOS).world()).containsExactly(1, 3);
      assertThat(s).isNotEqualTo(s.replaying(new int[] {1}, new int[] {1, 4}));
      assertThat(s.hashCode()).isEqualTo(base.replaying(new int[] {1}, new int[] {1, 3}).hashCode());
    }

    @Test
    void badObservations_areRefused_naming_what_was_expected() {
      assertThatThrownBy(() -> base.replaying(new int[0], new int[] {1, 2, 3}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pairs").hasMessageContaining("3 numbers");
      assertThatThrownBy(() -> base.replaying(new int[0], new int[] {1, -2}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got -2");
      assertThatThrownBy(() -> new Schedule(Mode.FAITHFUL, "FIFO", 0, 0, 0, new int[0], new int[] {1, 1}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a REPLAY");
    }

    @Test
    void anAbbreviatedSchedule_countsTheObservations_andCannotBeParsed() {
      int[] world = new int[400];
      java.util.Arrays.fill(world, 1);
      for (int i = 1; i < world.length; i += 4) {
        world[i] = 7 + i;
      }
      Schedule s = base.replaying(new int[] {0, 2, 1}, world);
      String a = s.abbreviated(80);
      assertThat(a).startsWith("weft:1:FAITHFUL:REPLAY:0:1000000:1000000:<3 choices, 2 deviations, sha ")
          .endsWith(", 200 observations>");
      assertThatThrownBy(() -> Schedule.parse(a)).hasMessageContaining("abbreviated");
    }
  }
}
