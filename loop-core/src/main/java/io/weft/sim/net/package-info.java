/**
 * The simulated network: an in-memory {@link io.weft.spi.Network} on virtual time, which a
 * {@link io.weft.sim.Simulation}'s loop has as its {@link io.weft.EventLoop#network()}.
 *
 * <p>Users meet two types: {@link io.weft.sim.net.SimNetwork} (hosts, the name table, latencies, buffer sizes) and
 * {@link io.weft.sim.net.SimHost} (a named machine; the sockets opened on it). Everything else is package-private.
 *
 * <pre>{@code
 * SimNetwork net = Simulation.current().network();
 * SimHost db = net.addHost("db");                      // 10.0.0.2; "db" resolves to it
 * net.setLatency(net.currentHost(), db, Duration.ofMillis(5));
 * loop.createTask(() -> { db.makeCurrent(); return serve(); }, "db", null);   // its sockets are db's
 * }</pre>
 */
package io.weft.sim.net;
