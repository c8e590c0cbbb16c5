package io.weft.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * EXPERIMENTAL carrier: every body is a raw {@code jdk.internal.vm.Continuation} (scope {@code "weft"}) that the loop
 * thread runs itself: {@link Coroutine#resume()} is {@code continuation.run()} and {@link Coroutine#suspend()} is
 * {@code Continuation.yield(scope)}. No virtual thread exists per task, which saves most of a parked task's memory.
 *
 * <p>Selected only explicitly ({@code -Dweft.carrier=continuation} or {@code CarrierChoice.CONTINUATION}); needs
 * {@code --add-exports java.base/jdk.internal.vm=...} for the continuation API and {@code --add-opens
 * java.base/java.lang=...} to give each body its own scoped-value bindings. The JDK classes are reached reflectively
 * (javac's {@code --release} forbids exporting a system package at compile time), so the class loads without them.
 *
 * <p>What differs from the virtual-thread carriers, because a body runs on the loop thread:
 *
 * <ul>
 *   <li>{@link Coroutine#thread()} is the loop thread, shared by all the loop's tasks and its callbacks, so
 *       thread-locals are shared too, and thread-owned locks ({@code ReentrantLock}, monitors) do not exclude one
 *       task of the loop from another.
 *   <li>A blocking call in a body blocks the whole loop, as in asyncio; the JDK never resumes a body on its own, so
 *       a task is never {@code BLOCKED}.
 *   <li>A suspend while pinned (a JDK critical section, a native frame such as an FFM or JNI upcall) cannot yield:
 *       it throws an {@link IllegalStateException} naming the pin reason, out of the await (whose done callback is
 *       already registered, so a later wake-up of the finished task is reported by the loop).
 *   <li>On JDK 25 neither a held monitor nor a class initializer pins (JEP 491 freezes monitors with the frames):
 *       {@code synchronized} around an await works while uncontended, but while the body is suspended the monitor
 *       has no running owner, so another task of the same loop entering it blocks the loop thread for good.
 *   <li>{@code Task.stack()} reads the suspended continuation's own stack ({@code Continuation.getStackTrace()}),
 *       and the loop thread's while the body runs.
 *   <li>Scoped values are per body: the carrier swaps the thread's bindings on every switch, so a body sees neither
 *       the loop's bindings nor another body's.
 *   <li>An exception escaping the body goes to the loop thread's uncaught-exception handler.
 * </ul>
 */
final class ContinuationCarrier implements Carrier {

  private volatile Thread loopThread;

  @Override
  public String name() {
    return "continuation";
  }

  @Override
  public Coroutine create(Runnable body) {
    return new ContinuationCoroutine(body);
  }

  @Override
  public Thread loopThread() {
    return loopThread;
  }

  @Override
  public void runLoop(Runnable loopBody) {
    PlatformLoopThread.run(() -> runLoopHere(loopBody));
  }

  private void runLoopHere(Runnable loopBody) {
    loopThread = Thread.currentThread();
    try {
      loopBody.run();
    } finally {
      loopThread = null;
    }
  }

  private final class ContinuationCoroutine implements Coroutine {
    private final Object continuation;
    // The thread that created or last resumed the body: the loop thread.
    private Thread thread;
    // The body's scoped-value bindings while it is suspended; Thread.class is the JDK's "new thread, none bound".
    private Object bindings = Thread.class;
    private boolean started;
    private boolean running;

    ContinuationCoroutine(Runnable body) {
      Thread lt = loopThread;
      this.thread = lt != null ? lt : Thread.currentThread();
      // The body itself, unwrapped: every frame under it stays in each suspended task's stack chunk.
      this.continuation = Access.newContinuation(body);
    }

    @Override
    public void resume() {
      Thread t = Thread.currentThread();
      started = true;
      thread = t;
      Object loopBindings = Access.BINDINGS.get(t);
      Access.BINDINGS.set(t, bindings);
      running = true;
      try {
        Access.run(continuation);
      } catch (Throwable e) {
        // Escaped the body (which has finished): to the loop thread's handler, as a thread's body's would go.
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      } finally {
        running = false;
        bindings = Access.BINDINGS.get(t);
        Access.BINDINGS.set(t, loopBindings);
      }
    }

    @Override
    public void suspend() {
      Access.yieldOrExplain();
    }

    @Override
    public Thread thread() {
      return thread;
    }

    @Override
    public StackTraceElement[] stackTrace() {
      // While the body runs, its frames are on the loop thread's stack; while suspended, in the continuation.
      return running ? thread.getStackTrace() : Access.stackTrace(continuation);
    }

    @Override
    public boolean isStarted() {
      return started;
    }
  }

  /** Returns whether this JVM lets Weft use raw continuations; see {@link Access#FAILURE}. */
  static boolean available() {
    return Access.FAILURE == null;
  }

  static String unavailableReason() {
    return "the continuation carrier needs --add-exports java.base/jdk.internal.vm=" + Builders.moduleName()
        + " and --add-opens java.base/java.lang=" + Builders.moduleName() + ": " + Access.FAILURE;
  }

  /** The reflective access to {@code jdk.internal.vm.Continuation} and {@code Thread.scopedValueBindings}. */
  static final class Access {
    static final String FAILURE;
    private static final Object SCOPE;
    private static final MethodHandle NEW; // (Runnable) -> Object
    private static final MethodHandle RUN; // (Object) -> void
    private static final MethodHandle YIELD; // () -> boolean
    private static final MethodHandle STACK; // (Object) -> StackTraceElement[]
    static final VarHandle BINDINGS;

    static {
      String failure = null;
      Object scope = null;
      MethodHandle newC = null;
      MethodHandle run = null;
      MethodHandle yield = null;
      MethodHandle stack = null;
      VarHandle bindings = null;
      try {
        Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
        Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        scope = lookup.findConstructor(scopeClass, MethodType.methodType(void.class, String.class)).invoke("weft");
        newC = lookup.findConstructor(contClass, MethodType.methodType(void.class, scopeClass, Runnable.class))
            .bindTo(scope)
            .asType(MethodType.methodType(Object.class, Runnable.class));
        run = lookup.findVirtual(contClass, "run", MethodType.methodType(void.class))
            .asType(MethodType.methodType(void.class, Object.class));
        yield = MethodHandles.insertArguments(
            lookup.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass)), 0, scope);
        stack = lookup.findVirtual(contClass, "getStackTrace", MethodType.methodType(StackTraceElement[].class))
            .asType(MethodType.methodType(StackTraceElement[].class, Object.class));
        bindings = MethodHandles.privateLookupIn(Thread.class, lookup)
            .findVarHandle(Thread.class, "scopedValueBindings", Object.class);
      } catch (Throwable e) {
        failure = e.toString();
      }
      FAILURE = failure;
      SCOPE = scope;
      NEW = newC;
      RUN = run;
      YIELD = yield;
      STACK = stack;
      BINDINGS = bindings;
    }

    private Access() {}

    static Object newContinuation(Runnable body) {
      try {
        return (Object) NEW.invokeExact(body);
      } catch (Throwable e) {
        throw Sneaky.<RuntimeException>raise(e);
      }
    }

    static StackTraceElement[] stackTrace(Object continuation) {
      try {
        return (StackTraceElement[]) STACK.invokeExact(continuation);
      } catch (Throwable e) {
        throw Sneaky.<RuntimeException>raise(e);
      }
    }

    static void run(Object continuation) {
      try {
        RUN.invokeExact(continuation);
      } catch (Throwable e) {
        throw Sneaky.<RuntimeException>raise(e);
      }
    }

    static void yieldOrExplain() {
      try {
        boolean unused = (boolean) YIELD.invokeExact();
      } catch (IllegalStateException e) {
        String m = e.getMessage();
        if (m != null && m.startsWith("Pinned")) {
          String reason = m.substring(m.indexOf(':') + 1).trim();
          throw new IllegalStateException("a task on the continuation carrier cannot suspend while pinned ("
              + reason + ": " + explain(reason) + ")", e);
        }
        throw e;
      } catch (Throwable e) {
        throw Sneaky.<RuntimeException>raise(e);
      }
    }

    private static String explain(String reason) {
      return switch (reason) {
        case "MONITOR" -> "the body holds a monitor, inside synchronized";
        case "NATIVE" -> "a native frame is on the body's stack, such as a class initializer or a JNI upcall";
        case "CRITICAL_SECTION" -> "the body is in a JDK critical section";
        default -> "the JDK cannot unmount the body here";
      };
    }

    static Object scope() {
      return SCOPE;
    }
  }
}
