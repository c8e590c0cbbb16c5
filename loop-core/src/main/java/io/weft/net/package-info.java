/**
 * asyncio's transports, protocols and servers, written once against the loop's {@link io.weft.spi.Network}: the
 * same code runs on NIO in production and on the simulated network.
 *
 * <p>{@link io.weft.net.Net} opens connections and servers from inside a task; a {@link io.weft.net.Transport}
 * drives a {@link io.weft.net.Protocol}'s callbacks on the loop thread.
 */
package io.weft.net;
