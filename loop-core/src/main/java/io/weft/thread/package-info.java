/**
 * Blocking code off the loop, as asyncio's {@code run_in_executor} and {@code to_thread}: {@link io.weft.thread.Threads}
 * runs a callable on an executor (the loop's default thread pool, or one given) and hands back a {@link io.weft.Future}
 * the loop completes; {@code toThread} does the same with the caller's context variables.
 */
package io.weft.thread;
