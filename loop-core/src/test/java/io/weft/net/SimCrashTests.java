package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.CancelledError;
import io.weft.EventLoop;
import io.weft.Future;
import io.weft.Task;
import io.weft.Weft;
import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import io.weft.sim.net.SimHost;
import io.weft.sim.net.SimNetwork;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host crash and restart on the simulated network, as Jepsen's process kill: the host's connections end at the
 * peer (EOF, or a reset where it had unread data), connects to it are refused while it is down, its tasks are
 * cancelled, and its restart hook starts its service again with nothing of what it held; in the trace, repeatably.
 */
class SimCrashTests {

  static final Duration WAIT = Duration.ofSeconds(60);

  /** A counter service: each line "inc" adds one and answers the new count; state lives in the process. */
  static final class Counter {
    int count;

    Server start() throws Exception {
      return Streams.startServer((reader, writer) -> {
        for (byte[] line : reader) {
          if (new String(line, StandardCharsets.UTF_8).strip().equals("inc")) {
            count++;
            writer.write((count + "\n").getBytes(StandardCharsets.UTF_8));
            writer.drain();
          }
        }
        writer.close();
      }, "db", 5432);
    }
  }

  static String ask(Streams.Pair c) throws Exception {
    c.writer().write("inc\n".getBytes(StandardCharsets.UTF_8));
    return new String(c.reader().readLine(), StandardCharsets.UTF_8).strip();
  }

  static String program() throws Exception {
    Simulation sim = Simulation.current();
    EventLoop loop = sim.loop();
    SimNetwork net = sim.network();
    SimHost db = net.addHost("db");
    SimHost app = net.addHost("app");
    net.setLatency(db, app, Duration.ofMillis(1));
    List<Server> servers = new ArrayList<>();
    List<Task<?>> dbTasks = new ArrayList<>();
    db.onRestart(() -> {
      servers.add(new Counter().start());
      return null;
    });
    loop.createTask(() -> {
      db.makeCurrent();
      servers.add(new Counter().start());
      dbTasks.add(Weft.createTask(() -> {
        Weft.sleep(Duration.ofHours(1)); // a background job of the db process
        return null;
      }));
      return null;
    }).await();
    List<String> log = new ArrayList<>();
    loop.createTask(() -> {
      app.makeCurrent();
      Streams.Pair c = Streams.openConnection("db", 5432);
      log.add("count " + ask(c) + ", " + ask(c));
      db.crash();
      log.add("db up: " + db.isUp());
      byte[] rest = c.reader().read(-1);
      log.add("after the crash the client reads " + rest.length + " bytes, then EOF: " + c.reader().atEof());
      try {
        Streams.openConnection("db", 5432);
        log.add("connected to a down host?");
      } catch (ConnectException e) {
        log.add("while down: " + e.getClass().getSimpleName());
      }
      c.writer().close();
      c.writer().waitClosed();
      Weft.sleep(Duration.ofMillis(1));
      log.add("db's background job cancelled: " + dbTasks.get(0).isCancelled());
      for (Task<Object> t : db.restart()) {
        t.await();
      }
      Streams.Pair again = Streams.openConnection("db", 5432);
      log.add("after the restart: count " + ask(again));
      again.writer().close();
      again.writer().waitClosed();
      return null;
    }).await();
    servers.get(servers.size() - 1).close();
    servers.get(servers.size() - 1).waitClosed();
    return String.join("\n", log);
  }

  @Test
  void aCrash_endsTheHostsConnections_refusesConnects_cancelsItsTasks_andARestartStartsFresh() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), SimCrashTests::program);
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("""
        count 1, 2
        db up: false
        after the crash the client reads 0 bytes, then EOF: true
        while down: ConnectException
        db's background job cancelled: true
        after the restart: count 1""");
    assertThat(String.join("\n", r.trace().render(0, Integer.MAX_VALUE))).contains("net crash").contains("net restart");
  }

  @Test
  void aCrashAndRestart_repeatExactly_underRandomSchedules() {
    for (long seed = 1; seed <= 5; seed++) {
      Schedule s = Schedule.of(io.weft.sim.Mode.FAITHFUL, "RANDOM", seed);
      SimResult<String> a = Simulation.run(s, SimCrashTests::program);
      SimResult<String> b = Simulation.run(s, SimCrashTests::program);
      assertThat(a.passed()).as("seed %d: %s", seed, a.failure()).isTrue();
      assertThat(b.traceHash()).isEqualTo(a.traceHash());
    }
  }

  @Test
  void crashingADownHost_orRestartingAnUpOne_isAClearError() {
    SimResult<Void> r = Simulation.run(Schedule.fifo(), () -> {
      SimHost h = Simulation.current().network().addHost("h");
      assertThatThrownBy(h::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("h is up");
      h.crash();
      assertThatThrownBy(h::crash).hasMessageContaining("h is already down");
      h.restart();
      return null;
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
  }

  @Test
  void aTaskOnTheCrashedHost_seesTheCrashAsCancellation() {
    SimResult<String> r = Simulation.run(Schedule.fifo(), () -> {
      SimHost h = Simulation.current().network().addHost("h");
      Future<Void> forever = Weft.getRunningLoop().createFuture();
      Task<String> onHost = Weft.createTask(() -> {
        h.makeCurrent();
        try {
          forever.await();
          return "not cancelled";
        } catch (CancelledError e) {
          return e.getMessage();
        }
      });
      Weft.sleep(Duration.ZERO);
      h.crash();
      return onHost.await();
    });
    assertThat(r.passed()).as("%s", r.failure()).isTrue();
    assertThat(r.value()).isEqualTo("host h crashed");
  }
}
