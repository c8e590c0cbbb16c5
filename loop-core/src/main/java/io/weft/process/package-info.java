/**
 * Child processes, as asyncio's subprocess support: {@link io.weft.process.Subprocesses} starts a program (or a
 * shell command) and returns a {@link io.weft.process.Process} with a {@link io.weft.net.StreamWriter} on its stdin
 * and {@link io.weft.net.StreamReader}s on its stdout and stderr, or drives a
 * {@link io.weft.process.SubprocessProtocol} through a {@link io.weft.process.SubprocessTransport}. The JDK's blocking
 * pipe streams are read and written on platform threads whose results enter the loop as declared real work, so a
 * simulation replays them.
 */
package io.weft.process;
