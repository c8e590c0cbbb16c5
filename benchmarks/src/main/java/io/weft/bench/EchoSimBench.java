package io.weft.bench;

import io.weft.EventLoop;
import io.weft.Future;
import io.weft.net.Server;
import io.weft.sim.Schedule;
import io.weft.sim.SimOptions;
import io.weft.sim.Simulation;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Issue-9 case "simulated echo round trips/s at least half the production loop's": {@link EchoBench}'s
 * {@link io.weft.net.Protocol} echo program (server on 127.0.0.1 port 0, 100 clients x 2,000 round trips of 64
 * bytes) run whole, setup and teardown included, on a production loop ({@code EventLoop.create()},
 * {@code runUntilComplete}) and through {@code Simulation.run(Schedule.fifo(), SimOptions.DEFAULTS
 * .withStepLimit(100_000_000), main)} on the simulated network (default latency, trace and checks). Both on the
 * loop-scheduled carrier, checked. Score: round trips/s of the whole program (so lower than
 * {@link EchoBench#protocol}, which leaves the setup out). A run that fails or miscounts throws.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED"})
public class EchoSimBench {
  static final SimOptions OPTIONS = SimOptions.DEFAULTS.withStepLimit(100_000_000);

  /** {@code create} (production loop) or {@code sim} (the simulated network, FIFO schedule). */
  @Param({"create", "sim"})
  public String loop;

  static long program() throws Exception {
    EventLoop l = EventLoop.getRunningLoop();
    Future<Void> done = l.createFuture();
    Server[] server = new Server[1];
    List<EchoBench.EchoClient> clients = EchoBench.protocolSetup(l, server, done);
    for (EchoBench.EchoClient c : clients) {
      c.start();
    }
    done.await();
    server[0].close();
    server[0].waitClosed();
    long n = 0;
    for (EchoBench.EchoClient c : clients) {
      n += c.count;
    }
    return n;
  }

  /** The whole echo program, 200,000 round trips. Score: round trips/s. */
  @Benchmark
  @OperationsPerInvocation(EchoBench.CONNS * EchoBench.ROUNDS)
  public long protocolEcho() {
    long trips;
    if (loop.equals("sim")) {
      trips = SimWorkloads.simulate(Schedule.fifo(), OPTIONS, EchoSimBench::program).value();
    } else {
      try (EventLoop l = SimWorkloads.production(loop)) {
        trips = l.runUntilComplete(EchoSimBench::program);
      }
    }
    Loops.check("round trips", (long) EchoBench.CONNS * EchoBench.ROUNDS, trips);
    return trips;
  }
}
