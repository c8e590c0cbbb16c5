package io.weft.testengine;

import io.weft.Weft;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

/**
 * Fixture (run only through EngineTestKit, with short bounds): three ways a task can keep the loop from ever getting
 * control back. Each must be reported with a stack, not hang the build.
 */
class SpinTestCase {

  /** Set by the test once the report is in, so the abandoned spin ends and gives its core back. */
  static volatile boolean stop;
  /** Closed by the test once the report is in, so the abandoned accept ends. */
  static volatile ServerSocket server;

  @AsyncTest(schedules = 1)
  void busySpin() {
    while (!stop) {
      Thread.onSpinWait(); // no await: the step never returns to the loop
    }
  }

  @AsyncTest(schedules = 1)
  void sleepZeroSpin() {
    while (!stop) {
      Weft.sleep(Duration.ZERO); // awaits, but virtual time never moves and the run never ends
    }
  }

  @AsyncTest(schedules = 1)
  void blockingAccept() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.accept(); // a blocking call nobody will answer
  }
}
