package io.weft.fault.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.fault.Latency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ToxicPlan} and {@link Toxic} as data: the printable form read and written back, and bad input named. */
class ToxicPlanTests {

  @Test
  void theExampleForm_readsAsItSays() {
    ToxicPlan plan = ToxicPlan.parse("downstream: latency=uniform(1ms,10ms), bandwidth=100KB/s, slicer=64B/16B/1ms;"
        + " upstream: reset_peer=500ms @10%");
    assertThat(plan.toxics(Direction.DOWNSTREAM)).containsExactly(
        new Toxic.Latency(Latency.uniform(1_000_000, 10_000_000), 1),
        new Toxic.Bandwidth(100_000, 1),
        new Toxic.Slicer(64, 16, 1_000_000, 1));
    assertThat(plan.toxics(Direction.UPSTREAM)).containsExactly(new Toxic.ResetPeer(500_000_000, 0.1));
    assertThat(plan).hasToString("upstream: reset_peer=500ms @10%; downstream: latency=uniform(1ms,10ms),"
        + " bandwidth=100KB/s, slicer=64B/16B/1ms");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "none",
      "upstream: latency=fixed(5ms)",
      "downstream: latency=tail(2ms,80ms) @25%, limit_data=1KiB, slow_close=1500us",
      "upstream: timeout=0ms, bandwidth=2MiB/s; downstream: reset_peer=0ms @0.5%",
      "upstream: slicer=1B/0B/0ms, latency=exponential(3ms)",
      "upstream: latency=normal(5ms,1ms); downstream: bandwidth=1B/s @0%"})
  void printedForms_readBackEqual(String text) {
    ToxicPlan plan = ToxicPlan.parse(text);
    assertThat(plan).hasToString(text);
    assertThat(ToxicPlan.parse(plan.toString())).isEqualTo(plan);
  }

  @Test
  void sizesAndRates_takeGigabytesToo_decimalAndBinary() {
    assertThat(Toxic.parse("bandwidth=2GB/s")).isEqualTo(new Toxic.Bandwidth(2_000_000_000L, 1.0));
    assertThat(Toxic.parse("bandwidth=1GiB/s")).isEqualTo(new Toxic.Bandwidth(1L << 30, 1.0));
    assertThat(Toxic.parse(Toxic.parse("bandwidth=2GB/s").toString())).isEqualTo(Toxic.parse("bandwidth=2GB/s"));
  }

  @Test
  void aBareDuration_isAFixedLatency_andPercentsAndFractionsAreToxicities() {
    assertThat(Toxic.parse("latency=2ms")).isEqualTo(new Toxic.Latency(Latency.fixed(2_000_000), 1));
    assertThat(Toxic.parse("timeout=1s @0.25")).isEqualTo(new Toxic.Timeout(1_000_000_000, 0.25));
    assertThat(Toxic.parse("LIMIT_DATA = 10KB @ 50%")).isEqualTo(new Toxic.LimitData(10_000, 0.5));
    assertThat(ToxicPlan.parse("")).isSameAs(ToxicPlan.NONE);
  }

  @Test
  void with_replacesTheToxicOfTheSameName_inPlace() {
    ToxicPlan plan = ToxicPlan.parse("upstream: latency=1ms, bandwidth=1KB/s")
        .with(Direction.UPSTREAM, Toxic.parse("latency=2ms"))
        .with(Direction.DOWNSTREAM, Toxic.parse("timeout=0ms"));
    assertThat(plan).hasToString("upstream: latency=fixed(2ms), bandwidth=1KB/s; downstream: timeout=0ms");
    assertThat(plan.without(Direction.DOWNSTREAM, "timeout")).hasToString(
        "upstream: latency=fixed(2ms), bandwidth=1KB/s");
    assertThat(plan.without(Direction.DOWNSTREAM, "timeout").without(Direction.UPSTREAM, "latency")
        .without(Direction.UPSTREAM, "bandwidth")).isEqualTo(ToxicPlan.NONE);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "sideways: latency=1ms | a direction is upstream or downstream, got \"sideways\"",
      "latency=1ms | toxics are \"direction: toxic, toxic\" (e.g. \"downstream: latency=5ms\"), got \"latency=1ms\"",
      "upstream: jitter=1ms | unknown toxic \"jitter\" in \"jitter=1ms\": expected latency, bandwidth, slicer,"
          + " limit_data, slow_close, timeout or reset_peer",
      "upstream: latency | a toxic is name=value (latency, bandwidth, slicer, limit_data, slow_close, timeout or"
          + " reset_peer), got \"latency\"",
      "upstream: latency=5 | latency is a duration with a unit (ns, us, ms or s, e.g. \"250ms\"), got \"5\"",
      "upstream: bandwidth=100KB | bandwidth is a rate such as \"100KB/s\" (B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s), got"
          + " \"100KB\"",
      "upstream: bandwidth=0B/s | bandwidth must be more than 0 bytes per second, got \"0B/s\"",
      "upstream: limit_data=-1B | limit_data must be a finite number of at least 0, got \"-1B\"",
      "upstream: limit_data=1.5B | limit_data must be a whole number of bytes, got \"1.5B\"",
      "upstream: slicer=64B/16B | slicer is averageSize/variation/delay (e.g. \"64B/16B/1ms\"), got \"64B/16B\"",
      "upstream: slicer=8B/8B/1ms | slicer needs average size >= 1B, 0 <= variation < average and a delay >= 0,"
          + " got 8B/8B/1000000ns",
      "upstream: timeout=1ms @150% | toxicity in \"timeout=1ms @150%\" must be a probability in 0-1 (0%-100%),"
          + " got 1.5",
      "upstream: timeout=1ms @often | toxicity in \"timeout=1ms @often\" is a probability (\"10%\" or \"0.1\"), got"
          + " \"often\"",
      "upstream: latency=1ms, latency=2ms | latency is given twice on upstream in \"upstream: latency=1ms,"
          + " latency=2ms\"; a direction holds one toxic of each name",
      "upstream: latency=1ms, | an empty toxic in \"upstream: latency=1ms,\"",
      "upstream: latency=uniform(5ms,1ms) | uniform latency needs min <= max, got uniform(5ms,1ms)"})
  void badInput_isRefused_namingWhatIsWrong(String text, String message) {
    assertThatThrownBy(() -> ToxicPlan.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
