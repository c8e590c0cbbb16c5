package io.weft.examples.kv;

import io.weft.testengine.AsyncTest;

/**
 * The visit counter against {@link RacyKvLeader} as an {@code @AsyncTest} under a fault plan: exploration finds
 * the visit counted twice. It lives in the main sources, not the tests, because it fails on purpose:
 * {@code Explore} (the README's main job) runs it, and the examples' tests run it through the JUnit Platform and
 * check that it fails, shrinks to one fault and replays.
 */
public class RacyKvScenario {

  /** The plan: now and then, a send between the clients and the leader starts a partition of 300 ms. */
  public static final String FAULTS = "client<->leader: partition=2%/300ms";

  /** Creates the scenario (JUnit instantiates it). */
  public RacyKvScenario() {}

  /** Three clients count five visits each; the leader and the followers count fifteen. */
  @AsyncTest(faults = FAULTS)
  void everyVisitIsCountedOnce() throws Exception {
    try (KvCluster cluster = KvCluster.simulated(KvCluster.Version.RACY)) {
      Visits.countOnce(cluster, 3, 5);
    }
  }
}
