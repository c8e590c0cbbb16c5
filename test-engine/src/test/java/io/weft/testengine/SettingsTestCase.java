package io.weft.testengine;

import io.weft.sim.Mode;

/** Fixture: annotations for SettingsTests to read (never run). */
class SettingsTestCase {

  @AsyncTest(schedules = 7, seed = "0x10", strategy = "pos", mode = Mode.CHAOS, stepLimit = 99,
      virtualTimeLimitSeconds = 5, earlyBoundMicros = 2, lateBoundMicros = 0, shrink = false, selfCheck = true)
  void annotated() {}

  @AsyncTest
  void defaults() {}
}
