package io.weft.internal.jfr;

/**
 * The hooks the runtime calls to commit Weft's flight-recorder events, and the events' names.
 *
 * <p>Each {@code ...Enabled()} check is what JFR's own pattern costs, a static read and a field read of the event
 * type's state, with no allocation; callers check before they build anything a hook needs (names, stacks, strings),
 * and call the hook only after the check said yes. When {@code jdk.jfr} is not in the runtime (a jlinked image
 * without it; {@code io.weft.core} requires it only statically), every check is a constant false and nothing here
 * touches {@code jdk.jfr}.
 */
public final class WeftEvents {

  /** Event name: a task was created. */
  public static final String TASK_CREATED = "weft.TaskCreated";
  /** Event name: a task finished. */
  public static final String TASK_DONE = "weft.TaskDone";
  /** Event name: a callback or task step was slow. */
  public static final String SLOW_CALLBACK = "weft.SlowCallback";
  /** Event name: a task blocked outside await. */
  public static final String BLOCKING_CALL = "weft.BlockingCall";
  /** Event name: a transport's socket failed, or a connect, an accept or a TLS handshake did. */
  public static final String TRANSPORT_ERROR = "weft.TransportError";
  /** Event name: an internal, empty event; see {@link WriterSyncEvent}. */
  public static final String WRITER_SYNC = "weft.WriterSync";

  // Whether jdk.jfr is in the runtime and readable from this module; fixed for the JVM's life.
  private static final boolean AVAILABLE = jfrReadable();

  /** How a task ended. */
  public enum Outcome {
    /** The body returned. */
    RESULT,
    /** The body threw. */
    EXCEPTION,
    /** The task was cancelled. */
    CANCELLED
  }

  private WeftEvents() {}

  private static boolean jfrReadable() {
    Module self = WeftEvents.class.getModule();
    ModuleLayer layer = self.getLayer() != null ? self.getLayer() : ModuleLayer.boot();
    return layer.findModule("jdk.jfr").map(self::canRead).orElse(false);
  }

  /** Returns whether the runtime has {@code jdk.jfr}, so that Weft's events can be recorded at all. */
  public static boolean available() {
    return AVAILABLE;
  }

  /** Returns whether {@code weft.TaskCreated} or {@code weft.TaskDone} is enabled in a running recording. */
  public static boolean taskEventsEnabled() {
    return AVAILABLE && Recorder.taskEventsEnabled();
  }

  /**
   * Commits {@code weft.TaskCreated} (if enabled) and returns the begun {@code weft.TaskDone} the task keeps until it
   * ends, for {@link #taskDone}; null if that event is off. Call only after {@link #taskEventsEnabled()}.
   */
  public static Object taskCreated(long taskId, String taskName, long parentTaskId, Object loop) {
    return Recorder.taskCreated(taskId, taskName, parentTaskId, loop);
  }

  /** Ends and commits the {@code weft.TaskDone} that {@link #taskCreated} returned (subject to its threshold). */
  public static void taskDone(Object done, String taskName, Outcome outcome, Throwable error) {
    Recorder.taskDone((TaskDoneEvent) done, taskName, outcome, error);
  }

  /** Returns whether {@code weft.SlowCallback} is enabled in a running recording. */
  public static boolean slowCallbackEnabled() {
    return AVAILABLE && Recorder.slowCallbackEnabled();
  }

  /** Commits {@code weft.SlowCallback}: {@code callback} held the loop for {@code elapsedNanos}. */
  public static void slowCallback(String callback, long elapsedNanos, long taskId, String taskName,
      StackTraceElement[] taskStack, long thresholdNanos, Object loop) {
    Recorder.slowCallback(callback, elapsedNanos, taskId, taskName, taskStack, thresholdNanos, loop);
  }

  /** Returns whether {@code weft.BlockingCall} is enabled in a running recording. */
  public static boolean blockingCallEnabled() {
    return AVAILABLE && Recorder.blockingCallEnabled();
  }

  /** Commits {@code weft.BlockingCall} for a task whose body parked outside await. */
  public static void blockingCall(long taskId, String taskName, boolean threadLock, StackTraceElement[] stack,
      Object loop) {
    Recorder.blockingCall(taskId, taskName, threadLock, stack, loop);
  }

  /** Returns whether {@code weft.TransportError} is enabled in a running recording. */
  public static boolean transportErrorEnabled() {
    return AVAILABLE && Recorder.transportErrorEnabled();
  }

  /**
   * Commits {@code weft.TransportError}: {@code operation} ("read", "write", "shutdown", "send", "receive",
   * "connect", "accept", "handshake") on a {@code transport} ("stream", "datagram", "tls") failed.
   */
  public static void transportError(String transport, String operation, Object localAddress, Object remoteAddress,
      Throwable error) {
    Recorder.transportError(transport, operation, localAddress, remoteAddress, error);
  }
}
