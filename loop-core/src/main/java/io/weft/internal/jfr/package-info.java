/**
 * Weft's Java Flight Recorder events ({@code weft.TaskCreated}, {@code weft.TaskDone}, {@code weft.SlowCallback},
 * {@code weft.BlockingCall}, {@code weft.TransportError}, category "Weft") and the hooks the runtime calls to commit
 * them.
 *
 * <p>Not exported: users meet the events by name, in a recording, never by type. Every hook is guarded by the event
 * type's own enabled check, read before anything is allocated, so a JVM with no recording (or one that leaves
 * Weft's events off) pays that check and nothing else. JFR registers these event classes from the named module
 * {@code io.weft.core} without the package being exported or opened (checked on JDK 25). The module requires
 * {@code jdk.jfr} statically: only {@code Recorder} links against it, and only when the runtime
 * has it.
 */
package io.weft.internal.jfr;
