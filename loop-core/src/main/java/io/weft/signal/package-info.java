/**
 * Signals from the operating system, as asyncio's {@code loop.add_signal_handler}: {@link io.weft.signal.Signals}
 * runs a callback on a loop when the process receives a signal, and delivers signals deterministically to simulated
 * loops.
 */
package io.weft.signal;
