/** JMH benchmarks of Weft: the same cases as the anchors in shared/bench/anchors. */
open module io.weft.benchmarks {
  requires io.weft.core;
  requires io.weft.fault;
  requires io.weft.examples;
  requires jmh.core;
  requires java.management;
}
