package io.weft.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * Carries nothing: committed on a platform thread just before one of Weft's events, to work around a JDK 25 behaviour.
 *
 * <p>A loop on the loop-scheduled carrier runs its tasks' virtual threads on its own platform thread. When such a
 * virtual thread has committed an event (any event, JDK's included) and yields, the next event the loop's thread
 * commits is silently dropped: the thread's event writer is marked invalid for one write. This event absorbs that
 * write, so the event after it (a slow callback, a blocked task, a transport error) is recorded. It is enabled with
 * the other Weft events; ignore it when reading a recording.
 */
@Name(WeftEvents.WRITER_SYNC)
@Label("Writer Sync (internal)")
@Category("Weft")
@Description("Internal: committed before a Weft event on a loop's platform thread, so that event is not dropped"
    + " after a virtual thread ran there; carries nothing")
@StackTrace(false)
final class WriterSyncEvent extends jdk.jfr.Event {}
