package io.weft.internal.jfr;

/**
 * The code that touches {@code jdk.jfr}: the probes and the commits behind {@link WeftEvents}. Loaded only when
 * {@code jdk.jfr} is readable, so a runtime image without that module never links it.
 */
final class Recorder {

  // Probes: never committed, asked only whether their event type is enabled in a running recording.
  private static final TaskCreatedEvent CREATED_PROBE = new TaskCreatedEvent();
  private static final TaskDoneEvent DONE_PROBE = new TaskDoneEvent();
  private static final SlowCallbackEvent SLOW_PROBE = new SlowCallbackEvent();
  private static final BlockingCallEvent BLOCKING_PROBE = new BlockingCallEvent();
  private static final TransportErrorEvent TRANSPORT_PROBE = new TransportErrorEvent();

  // At most this many frames of a task's stack go into an event's stack field.
  private static final int MAX_FRAMES = 64;

  private Recorder() {}

  /** Returns whether {@code weft.TaskCreated} or {@code weft.TaskDone} is enabled in a running recording. */
  static boolean taskEventsEnabled() {
    return CREATED_PROBE.isEnabled() || DONE_PROBE.isEnabled();
  }

  /**
   * Commits {@code weft.TaskCreated} (if enabled) and returns the begun {@code weft.TaskDone} the task keeps until it
   * ends (null if that event is off).
   */
  static TaskDoneEvent taskCreated(long taskId, String taskName, long parentTaskId, Object loop) {
    TaskCreatedEvent created = new TaskCreatedEvent();
    if (created.shouldCommit()) {
      created.taskId = taskId;
      created.taskName = taskName;
      created.parentTaskId = parentTaskId;
      created.loop = System.identityHashCode(loop);
      syncWriter();
      created.commit();
    }
    if (!DONE_PROBE.isEnabled()) {
      return null;
    }
    TaskDoneEvent done = new TaskDoneEvent();
    done.taskId = taskId;
    done.loop = System.identityHashCode(loop);
    done.begin();
    return done;
  }

  /** Ends and commits the task's {@code weft.TaskDone} (subject to the recording's threshold). */
  static void taskDone(TaskDoneEvent done, String taskName, WeftEvents.Outcome outcome, Throwable error) {
    done.end();
    if (done.shouldCommit()) {
      done.taskName = taskName;
      done.outcome = outcome.name().toLowerCase(java.util.Locale.ROOT);
      if (error != null) {
        done.exceptionClass = error.getClass();
        done.exceptionMessage = error.getMessage();
      }
      syncWriter();
      done.commit();
    }
  }

  /** Returns whether {@code weft.SlowCallback} is enabled in a running recording. */
  static boolean slowCallbackEnabled() {
    return SLOW_PROBE.isEnabled();
  }

  /** Commits {@code weft.SlowCallback}: {@code callback} held the loop for {@code elapsedNanos}. */
  static void slowCallback(String callback, long elapsedNanos, long taskId, String taskName,
      StackTraceElement[] taskStack, long thresholdNanos, Object loop) {
    SlowCallbackEvent e = new SlowCallbackEvent();
    if (e.shouldCommit()) {
      e.callback = callback;
      e.elapsed = elapsedNanos;
      e.taskId = taskId;
      e.taskName = taskName;
      e.taskStack = taskStack == null || taskStack.length == 0 ? null : format(taskStack); // none: the step ended it
      e.threshold = thresholdNanos;
      e.loop = System.identityHashCode(loop);
      syncWriter();
      e.commit();
    }
  }

  /** Returns whether {@code weft.BlockingCall} is enabled in a running recording. */
  static boolean blockingCallEnabled() {
    return BLOCKING_PROBE.isEnabled();
  }

  /** Commits {@code weft.BlockingCall} for a task whose body parked outside await. */
  static void blockingCall(long taskId, String taskName, boolean threadLock, StackTraceElement[] stack,
      Object loop) {
    BlockingCallEvent e = new BlockingCallEvent();
    if (e.shouldCommit()) {
      e.taskId = taskId;
      e.taskName = taskName;
      e.kind = threadLock ? "thread lock" : "blocking call";
      e.taskStack = format(stack);
      e.loop = System.identityHashCode(loop);
      syncWriter();
      e.commit();
    }
  }

  /** Returns whether {@code weft.TransportError} is enabled in a running recording. */
  static boolean transportErrorEnabled() {
    return TRANSPORT_PROBE.isEnabled();
  }

  /** Commits {@code weft.TransportError}: {@code operation} on a {@code transport} ("stream", "datagram") failed. */
  static void transportError(String transport, String operation, Object localAddress, Object remoteAddress,
      Throwable error) {
    TransportErrorEvent e = new TransportErrorEvent();
    if (e.shouldCommit()) {
      e.transport = transport;
      e.operation = operation;
      e.localAddress = localAddress == null ? null : localAddress.toString();
      e.remoteAddress = remoteAddress == null ? null : remoteAddress.toString();
      e.exceptionClass = error.getClass();
      e.exceptionMessage = error.getMessage();
      syncWriter();
      e.commit();
    }
  }

  /**
   * On a platform thread (a loop's thread, which may have run virtual threads since it last committed an event),
   * commits an empty {@link WriterSyncEvent} first: the JDK drops the first event such a thread commits after a
   * virtual thread committed one on it, and this one is the event dropped, not the caller's.
   */
  private static void syncWriter() {
    if (!Thread.currentThread().isVirtual()) {
      new WriterSyncEvent().commit();
    }
  }

  private static String format(StackTraceElement[] stack) {
    StringBuilder sb = new StringBuilder();
    int n = Math.min(stack.length, MAX_FRAMES);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : "\n").append("at ").append(stack[i]);
    }
    if (stack.length > n) {
      sb.append("\n... ").append(stack.length - n).append(" more");
    }
    return sb.toString();
  }
}
