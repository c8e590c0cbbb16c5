package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import io.weft.time.WallClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Per-host wall clocks: code on a host reads its clock through {@link WallClock}, off by the host's offset and
 * drifting by its drift, set on the host or by the plan; the loop's monotonic time stays the same on every host.
 */
class HostClockTests {

  @Test
  void eachHostReadsItsOwnWallClock_offsetAndDrifting_whileTheLoopsTimeIsShared() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
      SimNetwork net = Simulation.current().network();
      FaultPlan.parse("host b: clock_offset=-40ms, clock_drift=1000ppm").applyTo(net);
      SimHost a = net.addHost("a");
      SimHost b = net.addHost("b");
      a.setClock(Duration.ofMillis(250), 0);
      Weft.sleep(Duration.ofSeconds(100));
      Instant onA = Weft.createTask(() -> {
        a.makeCurrent();
        return WallClock.current().instant();
      }).await();
      Instant onB = Weft.createTask(() -> {
        b.makeCurrent();
        return WallClock.current().instant();
      }).await();
      Instant here = WallClock.current().instant();
      return here + " " + onA + " " + onB + " " + Weft.getRunningLoop().time();
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    // 100 s after the simulation's epoch; a is 250 ms ahead; b 40 ms behind and 1,000 ppm fast (+100 ms)
    assertThat(r.value()).isEqualTo("2026-01-01T00:01:40Z 2026-01-01T00:01:40.250Z 2026-01-01T00:01:40.060Z 100.0");
  }

  @Test
  void outsideASimulation_itIsTheSystemsClock() {
    assertThat(WallClock.current()).isEqualTo(Clock.systemUTC());
  }

  @Test
  void hostClockRules_readBack_andBadOnesAreNamed() {
    String text = "a->b: loss=1%; host b: clock_offset=-40ms, clock_drift=1000ppm; host c: clock_drift=-5ppm";
    assertThat(FaultPlan.parse(text).toString()).isEqualTo(text);
    assertThat(FaultPlan.parse("host db: clock_offset=2s").hostClocks()).singleElement()
        .isEqualTo(new FaultPlan.HostClock("db", 2_000_000_000L, 0));
    assertThatThrownBy(() -> FaultPlan.parse("host db: clock_drift=5")).hasMessageContaining("ppm")
        .hasMessageContaining("\"5\"");
    assertThatThrownBy(() -> FaultPlan.parse("host db: skew=5ms")).hasMessageContaining("skew")
        .hasMessageContaining("clock_offset, clock_drift or crash");
    assertThatThrownBy(() -> FaultPlan.parse("host db: clock_drift=2000000ppm")).hasMessageContaining("2000000");
    assertThatThrownBy(() -> FaultPlan.parse("host db: clock_drift=1ppm; host db: clock_drift=2ppm"))
        .hasMessageContaining("db has two clock rules");
  }
}
