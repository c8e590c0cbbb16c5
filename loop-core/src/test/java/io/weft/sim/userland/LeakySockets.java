package io.weft.sim.userland;

import io.weft.sim.Simulation;
import io.weft.sim.net.SimNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;

/** User code outside Weft's packages that opens a socket and never closes it: a leak report names this file. */
public final class LeakySockets {

  private LeakySockets() {}

  /** Listens on port 80 of the current host and forgets the socket. */
  public static Void listenAndForget() throws IOException {
    SimNetwork net = Simulation.current().network();
    net.listen(new InetSocketAddress(net.currentHost().address(), 80), 1, false, false);
    return null;
  }
}
