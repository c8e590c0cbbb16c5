/**
 * Fault plans for Weft: seeded latency, loss, reordering, partitions and resets for the simulated network, clock
 * faults and failpoints. The plans arrive with the simulator (see the project's issues); this module holds the
 * place in the build so that the dependency graph is fixed from the start.
 */
module io.weft.fault {
  requires transitive io.weft.core;
}
