/**
 * Weft's runtime: one event loop per thread, futures, tasks whose bodies suspend at {@code await}, timers, context
 * variables, and the {@link io.weft.spi.Clock}, {@link io.weft.spi.Poller} and {@link io.weft.spi.Network} SPIs that
 * let the same loop run on real time, NIO and the machine's sockets or on virtual time.
 *
 * <p>The loop-scheduled coroutine carrier needs {@code --add-opens java.base/java.lang=io.weft.core} (or
 * {@code =ALL-UNNAMED} on the class path); without it Weft falls back to a slower carrier and says so once.
 */
module io.weft.core {
  requires jdk.unsupported; // sun.misc.Signal, for io.weft.signal and the runner's Ctrl-C
  // Flight-recorder events (io.weft.internal.jfr); without jdk.jfr in the runtime they are simply never recorded.
  requires static jdk.jfr;

  exports io.weft;
  exports io.weft.spi;
  exports io.weft.sync;
  exports io.weft.sim;
  exports io.weft.sim.net;
  exports io.weft.net;
  exports io.weft.net.tls;
  exports io.weft.time;
  exports io.weft.thread;
  exports io.weft.signal;
  exports io.weft.process;
}
