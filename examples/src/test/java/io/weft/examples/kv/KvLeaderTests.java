package io.weft.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.Weft;
import io.weft.testengine.AsyncTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fixed leader: every visit counted once under thousands of schedules with the racy scenario's fault plan; and
 * the same service on the production loop over loopback.
 */
class KvLeaderTests {

  @AsyncTest(schedules = 2000, faults = RacyKvScenario.FAULTS)
  void underTheFaultPlan_everyVisitIsCountedOnce() throws Exception {
    try (KvCluster cluster = KvCluster.simulated(KvCluster.Version.FIXED)) {
      Visits.countOnce(cluster, 3, 5);
    }
  }

  @AsyncTest(schedules = 500,
      faults = "client<->leader: latency=uniform(0ms,30ms), reset=3%, partition=1%/300ms, refuse=5%")
  void underLatencyResetsRefusalsAndPartitions_everyVisitIsCountedOnce() throws Exception {
    try (KvCluster cluster = KvCluster.simulated(KvCluster.Version.FIXED)) {
      Visits.countOnce(cluster, 3, 5);
    }
  }

  @Test
  @Timeout(30)
  void onLoopback_bothVersionsCountEachVisitOnce_andTheFollowersAgree() {
    for (KvCluster.Version v : KvCluster.Version.values()) {
      long[] seen = Weft.run(() -> {
        try (KvCluster cluster = KvCluster.local(v)) {
          Visits.countOnce(cluster, 3, 5);
          KvClient late = cluster.client("late");
          long value;
          try (late) {
            value = late.increment(Visits.KEY, 10);
          }
          return new long[] {value, cluster.leaderValue(Visits.KEY), cluster.followerValues(Visits.KEY).get(1)};
        }
      });
      assertThat(seen).as("%s: answer, leader, follower", v).containsExactly(25, 25, 25);
    }
  }

  @Test
  void aClientNameWithASpace_isRefused_naming_it() {
    assertThatThrownBy(() -> new KvClient("h", 1, "a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a b\"");
  }
}
