package io.weft.examples.bank;

import io.weft.sim.Mode;
import io.weft.testengine.AsyncTest;

/** The fixed bank passes the payday scenario under thousands of schedules, in both modes. */
class BankTests {

  @AsyncTest(schedules = 2000)
  void payday_neverCreatesMoney_underFaithfulSchedules() {
    Payday.fixed();
  }

  @AsyncTest(schedules = 500, mode = Mode.CHAOS)
  void payday_neverCreatesMoney_evenWithReadyBatchesPermuted() {
    Payday.fixed();
  }

  @AsyncTest(schedules = 500, strategy = "PCT3")
  void payday_neverCreatesMoney_underPct() {
    Payday.fixed();
  }
}
