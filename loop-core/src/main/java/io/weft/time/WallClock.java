package io.weft.time;

import io.weft.Api;
import io.weft.EventLoop;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The wall clock for code that reads wall time (timestamps, leases, certificates, TTLs in absolute time): a
 * {@link java.time.Clock}, so code that takes a {@code Clock} works unchanged.
 *
 * <p>In production it is the system's UTC clock. In a simulation it is the current host's: the simulation's wall
 * clock starts at {@link #SIMULATION_EPOCH} and advances with virtual time, and each host's reading adds its offset
 * and drift ({@link SimHost#setClock}, or the fault plan's {@code host NAME: clock_offset=..., clock_drift=...}), so a
 * three-node service can be tested with clocks that disagree, the same way in every run. The loop's own time
 * ({@code loop.time()}, timers, timeouts) is monotonic and the same on every host; only wall time differs.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class WallClock {

  /** Where a simulation's wall clock starts: 2026-01-01T00:00:00Z. */
  public static final Instant SIMULATION_EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private WallClock() {}

  /**
   * The wall clock of the caller: the system's UTC clock outside a simulation; in a simulation, the current host's,
   * read at each call of its {@code instant()} on the simulation's loop.
   */
  public static Clock current() {
    if (!Simulation.isSimulated()) {
      return Clock.systemUTC();
    }
    Simulation sim = Simulation.current();
    return new HostClock(sim, sim.network().currentHost(), ZoneOffset.UTC);
  }

  /** A simulated host's wall clock. */
  private static final class HostClock extends Clock {
    private final Simulation sim;
    private final SimHost host;
    private final ZoneId zone;

    HostClock(Simulation sim, SimHost host, ZoneId zone) {
      this.sim = sim;
      this.host = host;
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return new HostClock(sim, host, zone);
    }

    @Override
    public Instant instant() {
      EventLoop loop = sim.loop();
      long elapsed = loop.clock().nanoTime();
      long epoch = SIMULATION_EPOCH.getEpochSecond() * 1_000_000_000L;
      long nanos = host.wallNanos(epoch + elapsed, elapsed);
      return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    @Override
    public String toString() {
      return "WallClock[" + host.name() + ", " + zone + "]";
    }
  }
}
