package io.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Weft;
import io.weft.examples.kv.KvClient;
import io.weft.examples.kv.KvCluster;
import io.weft.examples.kv.Visits;
import io.weft.testengine.AsyncTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's section "Fault injection": each block, verbatim, run here (the {@code @AsyncTest} under its fault
 * plan on the simulated network, the program on the production loop over loopback).
 */
class ReadmeFaultsTests {

  @AsyncTest(schedules = 1000, faults = "client<->leader: partition=2%/300ms")
  void everyVisitIsCountedOnce() throws Exception {
    try (KvCluster cluster = KvCluster.simulated(KvCluster.Version.FIXED)) {   // hosts f1, f2, leader, client
      Visits.countOnce(cluster, 3, 5);              // 3 clients count 5 visits each; the leader and followers hold 15
    }
  }

  /** The README's program on the production loop, verbatim. */
  static long readmeLocalCounter() {
    long visits = Weft.run(() -> {
      try (KvCluster cluster = KvCluster.local(KvCluster.Version.FIXED);   // leader and followers on 127.0.0.1
          KvClient client = cluster.client("alice")) {
        client.increment("visits", 1);
        return client.increment("visits", 1);         // 2, answered once both followers hold it
      }
    });
    return visits;
  }

  @Test
  @Timeout(30)
  void readmeLocalCounter_answersTwo() {
    assertThat(readmeLocalCounter()).isEqualTo(2);
  }
}
