/**
 * TLS over Weft's transports: asyncio's {@code ssl=} support, written once as a protocol over a plain transport
 * (asyncio's {@code sslproto}), so it runs on NIO and on the simulated network alike. Start at
 * {@link io.weft.net.tls.Tls} and {@link io.weft.net.tls.TlsOptions}.
 */
package io.weft.net.tls;
