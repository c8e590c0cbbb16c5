package io.weft.examples.bank;

import io.weft.testengine.AsyncTest;

/**
 * The payday scenario against {@link RacyBank} as an {@code @AsyncTest}: exploration finds the overdraft. It lives in
 * the main sources, not the tests, because it fails on purpose: {@code Explore} (the README's main job) runs it, and
 * the examples' tests run it through the JUnit Platform and check that it fails, shrinks and replays.
 */
public class RacyBankScenario {

  /** Creates the scenario (JUnit instantiates it). */
  public RacyBankScenario() {}

  /**
   * At most one of rent and card payment goes through, and no money appears. The strategy is RANDOM, not the default
   * PORTFOLIO, so that the output the README shows stays that of one strategy.
   */
  @AsyncTest(schedules = 200, strategy = "RANDOM")
  void paydayNeverCreatesMoney() {
    Payday.racy();
  }
}
