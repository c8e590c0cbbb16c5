package io.weft.sim.net;

import java.util.HashMap;
import java.util.Map;

/**
 * The links of a {@link SimNetwork} whose fault plan gives them a bandwidth: what each carries goes out one thing
 * after another at that rate, so a send waits for the ones before it and then for its own bytes.
 */
final class Bandwidth {

  private final SimNetwork net;
  // Per directed link (from.index << 32 | to.index): when it is next free, in virtual nanoseconds. Looked up only.
  private final Map<Long, Long> freeAt = new HashMap<>();

  Bandwidth(SimNetwork net) {
    this.net = net;
  }

  /** The queueing and transmission time of {@code bytes} on {@code from -> to}: 0 without a plan or a bandwidth. */
  long delay(SimHost from, SimHost to, int bytes) {
    NetFaults faults = net.faults();
    if (faults == null || from == null || to == null) {
      return 0;
    }
    long rate = faults.bandwidth(from.name(), to.name());
    if (rate <= 0) {
      return 0;
    }
    long key = ((long) from.index << 32) | (to.index & 0xffffffffL);
    long now = net.now();
    long start = Math.max(now, freeAt.getOrDefault(key, now));
    long done = start + (long) Math.ceil(bytes * 1e9 / rate);
    freeAt.put(key, done);
    return done - now;
  }
}
