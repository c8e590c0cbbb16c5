package io.weft.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.sim.Mode;
import io.weft.sim.Schedule;
import io.weft.sim.SimFailure;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import org.junit.jupiter.api.Test;

/** The payday scenario through the simulation API directly (the @AsyncTest tests use the same scenario). */
class PaydaySimulationTests {

  @Test
  void racyBank_passesAsyncioPlainOrder() {
    SimResult<Object> r = Simulation.run(Schedule.fifo(), () -> {
      Payday.racy();
      return null;
    });
    assertThat(r.failure()).isNull();
  }

  @Test
  void racyBank_failsUnderSomeFaithfulSchedule_andTheReplayFailsTheSameWay() {
    SimResult<Object> found = null;
    for (long seed = 0; seed < 200 && found == null; seed++) {
      SimResult<Object> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), () -> {
        Payday.racy();
        return null;
      });
      if (!r.passed()) {
        found = r;
      }
    }
    assertThat(found).as("a faithful random schedule that overdraws").isNotNull();
    assertThat(found.failure().kind()).isEqualTo(SimFailure.Kind.TEST_FAILED);
    assertThat(found.failure().getMessage()).contains("money appeared").contains("FAITHFUL");
    SimResult<Object> replay = Simulation.run(Schedule.parse(found.replay().toString()), () -> {
      Payday.racy();
      return null;
    });
    assertThat(replay.traceHash()).isEqualTo(found.traceHash());
    assertThat(replay.failure().getMessage()).isEqualTo(found.failure().getMessage());
  }

  /** Regression: the fixed bank once wrote back the balance it read before the audit, losing a deposit made meanwhile. */
  @Test
  void fixedBank_keepsADepositThatLandsWhileATransferOutWaitsForTheAudit() {
    for (long seed = 0; seed < 50; seed++) {
      SimResult<Long> r = Simulation.run(Schedule.of(Mode.FAITHFUL, "RANDOM", seed), () -> {
        try (AuditLog audit = new AuditLog()) {
          Bank bank = new Bank(audit);
          bank.open("alice", 100);
          bank.open("bob", 100);
          bank.open("shop", 0);
          // The deposit starts first, so it finishes while the transfer out of alice waits for its audit.
          io.weft.Task<Boolean> in = io.weft.Weft.createTask(() -> bank.transfer("bob", "alice", 50));
          io.weft.Task<Boolean> out = io.weft.Weft.createTask(() -> bank.transfer("alice", "shop", 30));
          assertThat(out.await()).isTrue();
          assertThat(in.await()).isTrue();
          assertThat(bank.total()).isEqualTo(200);
          return bank.balance("alice");
        }
      });
      assertThat(r.failure()).as("seed %d", seed).isNull();
      assertThat(r.value()).as("seed %d", seed).isEqualTo(120L);
    }
  }

  @Test
  void fixedBank_passesManySchedulesInBothModes() {
    for (long seed = 0; seed < 300; seed++) {
      for (Mode mode : Mode.values()) {
        SimResult<Object> r = Simulation.run(Schedule.of(mode, "RANDOM", seed), () -> {
          Payday.fixed();
          return null;
        });
        assertThat(r.failure()).as("seed %d %s", seed, mode).isNull();
      }
    }
  }
}
