/**
 * {@code @AsyncTest}: Weft's JUnit Jupiter extension that runs a test method as the main task of a simulated loop
 * under many schedules, shrinks a failing schedule toward asyncio's own order, reports it with the exact line that
 * replays it, and keeps every failure in a regression file that later runs replay first.
 */
module io.weft.testengine {
  requires transitive io.weft.core;
  requires io.weft.fault;
  requires transitive org.junit.jupiter.api;
  requires org.junit.platform.commons;
  requires static org.junit.platform.engine;
  requires static org.junit.platform.launcher;

  exports io.weft.testengine;

  // Enabled only in the nested launches of FreshRuns (extension autodetection restricted to it).
  provides org.junit.jupiter.api.extension.Extension with io.weft.testengine.internal.FreshRunLifecycle;
}
