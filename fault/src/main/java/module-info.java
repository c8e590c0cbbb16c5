/**
 * Fault plans for Weft's simulated network: per-link latency distributions, datagram loss and duplication, as
 * choices of the run's scheduling strategy that replay exactly and shrink toward none ({@link io.weft.fault.FaultPlan}).
 * Failpoints in user code ({@link io.weft.fault.Failpoints}): named points a plan (or, in production, a system
 * property) makes throw, delay or return early. Partitions, clogging, resets, host crashes, clock faults and a fault
 * proxy for the production loop are the rest of issue 10.
 */
module io.weft.fault {
  requires transitive io.weft.core;

  exports io.weft.fault;
  exports io.weft.fault.proxy;
}
