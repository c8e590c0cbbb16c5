/**
 * Wall time for code that reads it: {@link io.weft.time.WallClock#current()}, the system clock in production and the
 * current simulated host's clock, with its offset and drift, in a simulation.
 */
package io.weft.time;
