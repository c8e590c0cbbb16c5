package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A fault plan as data: its printable form, its errors, which rule a link gets, and what it asks the chooser. */
class FaultPlanTests {

  @Nested
  class PrintableForm {
    @Test
    void aPlanReadsBackFromItsPrintedForm() {
      FaultPlan p = FaultPlan.builder()
          .between("client", "server").latency(Latency.uniform(1_000_000, 10_000_000)).loss(0.02).duplicate(0.01)
          .partition(0.001, java.time.Duration.ofMillis(200))
          .link("db", "api").latency(Latency.tail(2_000_000, 80_000_000))
          .everyLink().latency(Latency.fixed(100_000))
          .build();
      assertThat(p.toString()).isEqualTo("client<->server: latency=uniform(1ms,10ms), loss=2%, dup=1%,"
          + " partition=0.1%/200ms;"
          + " db->api: latency=tail(2ms,80ms); *->*: latency=fixed(100us)");
      assertThat(FaultPlan.parse(p.toString())).isEqualTo(p);
    }

    @Test
    void everyFaultReadsBack() {
      String text = "a->b: latency=fixed(1ms), loss=1%, dup=2%, corrupt=3%, partition=4%/5ms, slice=6%, reset=7%,"
          + " refuse=8%, clog=9%/10ms, bandwidth=100KB/s, connect_timeout=11%, burst=2%/4; *<->*: bandwidth=1MiB/s,"
          + " burst=1%/2.5";
      assertThat(FaultPlan.parse(text).toString()).isEqualTo(text);
      assertThat(FaultPlan.parse("x->y: bandwidth=1500B/s").rules().get(0).bandwidth()).isEqualTo(1500);
      assertThatThrownBy(() -> FaultPlan.parse("a->b: bandwidth=10 mbit")).hasMessageContaining("unit")
          .hasMessageContaining("10 mbit");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: bandwidth=0KB/s")).hasMessageContaining("more than 0");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: clog=5%")).hasMessageContaining("probability/duration");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: burst=5%/0.5")).hasMessageContaining("at least 1")
          .hasMessageContaining("0.5");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: burst=5%")).hasMessageContaining("probability/mean length");
    }

    @Test
    void everyDistributionReadsBack() {
      for (String d : List.of("fixed(2ms)", "uniform(0ms,1500us)", "normal(5ms,1ms)", "exponential(3ms)",
          "tail(1ms,50ms)", "fixed(1s)")) {
        assertThat(Latency.parse(d).toString()).isEqualTo(d);
      }
    }

    @Test
    void presetsHaveNames_andNoneIsEmpty() {
      assertThat(FaultPlan.parse("none")).isSameAs(FaultPlan.NONE);
      assertThat(FaultPlan.parse(" Harsh ")).isSameAs(FaultPlan.HARSH);
      assertThat(FaultPlan.parse("mild")).isSameAs(FaultPlan.MILD);
      assertThat(FaultPlan.NONE.rules()).isEmpty();
      assertThat(FaultPlan.NONE.toString()).isEqualTo("none");
      assertThat(FaultPlan.HARSH.toString()).isEqualTo("*->*: latency=tail(1ms,50ms), loss=10%, dup=5%");
    }

    @Test
    void badInput_namesTheValue_andWhatWasExpected() {
      assertThatThrownBy(() -> FaultPlan.parse("a->b: loss=150%")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("loss").hasMessageContaining("1.5").hasMessageContaining("0-1");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: latency=uniform(5ms,1ms)"))
          .hasMessageContaining("min <= max").hasMessageContaining("uniform(5ms,1ms)");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: latency=uniform(5,7ms)"))
          .hasMessageContaining("unit").hasMessageContaining("\"5\"");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: jitter=1ms")).hasMessageContaining("unknown fault \"jitter\"")
          .hasMessageContaining("latency, loss, burst, dup, corrupt, reorder, partition, clog, slice, reset, refuse, connect_timeout,"
              + " accept_delay, slow_close or bandwidth");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: partition=1%")).hasMessageContaining("probability/duration")
          .hasMessageContaining("\"1%\"");
      assertThatThrownBy(() -> FaultPlan.parse("a-b: loss=1%")).hasMessageContaining("from->to")
          .hasMessageContaining("a-b");
      assertThatThrownBy(() -> FaultPlan.parse("loss=1%")).hasMessageContaining("link: fault");
      assertThatThrownBy(() -> FaultPlan.parse("a->b: latency=gamma(1ms)")).hasMessageContaining("gamma");
      assertThatThrownBy(() -> FaultPlan.builder().loss(0.1)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("start a rule first");
    }
  }

  @Nested
  class Distributions {
    @Test
    void bucketsRiseWithTheQuantile_andBucketZeroIsTheFastest() {
      for (Latency l : List.of(Latency.uniform(1_000_000, 10_000_000), Latency.normal(5_000_000, 1_000_000),
          Latency.exponential(3_000_000), Latency.tail(1_000_000, 50_000_000))) {
        long previous = -1;
        for (int i = 0; i < Latency.BUCKETS; i++) {
          long v = l.nanosAt(Latency.quantileOf(i));
          assertThat(v).as("%s bucket %d", l, i).isGreaterThanOrEqualTo(0).isGreaterThan(previous);
          previous = v;
        }
      }
    }

    @Test
    void theTailsMedianAndP99_areWhatItWasGiven() {
      Latency.Tail t = new Latency.Tail(2_000_000, 80_000_000);
      assertThat(t.nanosAt(0.5)).isEqualTo(2_000_000);
      assertThat((double) t.nanosAt(0.99)).isCloseTo(80_000_000, org.assertj.core.data.Offset.offset(1_000.0));
    }
  }

  @Nested
  class Decisions {
    /** A chooser that records what it was asked and answers from a script (then 0). */
    final class Scripted implements io.weft.sim.net.NetFaults.Chooser {
      final List<double[]> asked = new ArrayList<>();
      final List<String> described = new ArrayList<>();
      final int[] answers;
      int next;

      Scripted(int... answers) {
        this.answers = answers;
      }

      @Override
      public int choose(double[] weights, java.util.function.IntFunction<String> describe) {
        asked.add(weights);
        int c = next < answers.length ? answers[next++] : 0;
        if (c != 0) {
          described.add(describe.apply(c));
        }
        return c;
      }
    }

    io.weft.sim.net.NetFaults.Send datagram(String from, String to) {
      return new io.weft.sim.net.NetFaults.Send(io.weft.sim.net.NetFaults.Kind.DATAGRAM, from, to, 3, 512, 0, 0);
    }

    @Test
    void theFirstMatchingRuleDecides_andALinkNoRuleCoversAsksNothing() {
      FaultPlan p = FaultPlan.parse("a->b: loss=50%; *->*: dup=10%");
      Scripted c = new Scripted(1);
      assertThat(p.datagramDelays(datagram("a", "b"), c)).isEmpty();
      assertThat(c.asked).hasSize(1);
      assertThat(c.asked.get(0)).containsExactly(0.5, 0.5);
      assertThat(c.described).containsExactly("the datagram of 512 bytes a -> b was dropped (loss 50%)");

      Scripted back = new Scripted(1);
      assertThat(p.datagramDelays(datagram("b", "a"), back)).as("b -> a falls to *->*: duplicated")
          .containsExactly(0, 0);
      assertThat(back.asked.get(0)).containsExactly(0.9, 0.1);

      FaultPlan narrow = FaultPlan.parse("a->b: loss=50%");
      Scripted none = new Scripted();
      assertThat(narrow.datagramDelays(datagram("c", "d"), none)).containsExactly(0);
      assertThat(narrow.extraDelayNanos(datagram("a", "b"), none)).isZero();
      assertThat(none.asked).as("no rule, no fault, nothing asked").isEmpty();
    }

    @Test
    void aLatencyBucketIsAChoice_whoseZeroIsTheFastest_andAFixedLatencyAsksNothing() {
      FaultPlan p = FaultPlan.parse("a<->b: latency=uniform(0ms,8ms)");
      Scripted c = new Scripted(7);
      long d = p.extraDelayNanos(new io.weft.sim.net.NetFaults.Send(io.weft.sim.net.NetFaults.Kind.SEGMENT, "b", "a",
          4, 64, 1_000_000, 0), c);
      assertThat(d).isEqualTo(7_500_000);
      assertThat(c.asked.get(0)).hasSize(Latency.BUCKETS);
      assertThat(c.described).singleElement().asString()
          .isEqualTo("the segment of 64 bytes b -> a (connection #4) took 8.500 ms to arrive, not 1.500 ms"
              + " (uniform(0ms,8ms) at its p94)");
      Scripted zero = new Scripted();
      assertThat(p.extraDelayNanos(datagram("a", "b"), zero)).isEqualTo(500_000);

      Scripted fixed = new Scripted();
      assertThat(FaultPlan.parse("*->*: latency=fixed(3ms)").extraDelayNanos(datagram("x", "y"), fixed))
          .isEqualTo(3_000_000);
      assertThat(fixed.asked).isEmpty();
    }
  }
}
