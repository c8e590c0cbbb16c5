/**
 * An echo server and client, asyncio's "TCP echo server and client" in its two shapes: over streams
 * ({@link io.weft.examples.echo.EchoServer}, {@link io.weft.examples.echo.EchoClient}) and over a protocol
 * ({@link io.weft.examples.echo.EchoProtocol}). {@link io.weft.examples.echo.EchoDemo} runs both end to end.
 */
package io.weft.examples.echo;
