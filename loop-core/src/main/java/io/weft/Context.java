package io.weft;

import io.weft.internal.ContextMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A mapping of {@link ContextVar}s to values: Python's {@code contextvars.Context}.
 *
 * <p>Every task runs in its own context, copied from its creator's when the task is created (or in one given to
 * {@link EventLoop#createTask(AsyncCallable, String, Context)}, shared, not copied). All steps of a task run in that
 * one context, so a value a task sets survives its awaits. Every callback runs in a copy of the context that was
 * current when it was scheduled. Outside any loop each thread has a context of its own.
 *
 * <p>Copies are cheap: a context holds an immutable map that copies share, and {@link ContextVar#set} replaces the
 * map of the current context only.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public final class Context {

  private static final ThreadLocal<Context> OUTSIDE_LOOP = ThreadLocal.withInitial(Context::new);

  ContextMap map;
  private boolean entered;

  /** Creates an empty context. */
  public Context() {
    this(ContextMap.EMPTY);
  }

  private Context(ContextMap map) {
    this.map = map;
  }

  /** Returns the context the calling code runs in; never null. */
  public static Context current() {
    Task<?> task = Task.current();
    if (task != null) {
      return task.currentContext;
    }
    if (EventLoop.RUNNING.isBound()) {
      Context c = EventLoop.RUNNING.get().handleContext;
      if (c != null) {
        return c;
      }
    }
    return OUTSIDE_LOOP.get();
  }

  /** Returns a copy of the current context: Python's {@code copy_context()}. */
  public static Context copyCurrent() {
    return current().copy();
  }

  private static void setCurrent(Context context) {
    Task<?> task = Task.current();
    if (task != null) {
      task.currentContext = context;
    } else if (EventLoop.RUNNING.isBound() && EventLoop.RUNNING.get().handleContext != null) {
      EventLoop.RUNNING.get().handleContext = context;
    } else {
      OUTSIDE_LOOP.set(context);
    }
  }

  /** Returns a new context with the same values; changes to either are not seen by the other. */
  public Context copy() {
    return new Context(map);
  }

  /**
   * Runs {@code body} with this context current, then restores the previous one.
   *
   * @throws IllegalStateException if this context is already entered (a context can be entered once at a time)
   */
  public <T> T call(Callable<T> body) throws Exception {
    Objects.requireNonNull(body, "body must not be null");
    Context previous = enter();
    try {
      return body.call();
    } finally {
      exit(previous);
    }
  }

  /** Runs {@code body} with this context current, then restores the previous one; see {@link #call}. */
  public void run(Runnable body) {
    Objects.requireNonNull(body, "body must not be null");
    Context previous = enter();
    try {
      body.run();
    } finally {
      exit(previous);
    }
  }

  /** Marks this context entered for a callback or task step, as asyncio's {@code Handle._run} does. */
  void enterForStep() {
    if (entered) {
      throw new IllegalStateException("cannot enter context: " + this + " is already entered");
    }
    entered = true;
  }

  void exitForStep() {
    entered = false;
  }

  private Context enter() {
    if (entered) {
      throw new IllegalStateException("cannot enter context: " + this + " is already entered");
    }
    Context previous = current();
    entered = true;
    setCurrent(this);
    return previous;
  }

  private void exit(Context previous) {
    entered = false;
    setCurrent(previous);
  }

  /** Returns the value of {@code var} in this context, or null if it has none (its default is not consulted). */
  public <T> T get(ContextVar<T> var) {
    Object v = map.get(var);
    @SuppressWarnings("unchecked")
    T t = v == ContextMap.MISSING ? null : (T) v;
    return t;
  }

  /** Returns whether {@code var} has a value in this context. */
  public boolean contains(ContextVar<?> var) {
    return map.get(var) != ContextMap.MISSING;
  }

  /** Returns the number of variables with a value in this context. */
  public int size() {
    return map.size();
  }

  /** Returns the variables and their values, in the order they were first set. */
  public Map<ContextVar<?>, Object> toMap() {
    Map<ContextVar<?>, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < map.size(); i++) {
      out.put((ContextVar<?>) map.keyAt(i), map.valueAt(i));
    }
    return out;
  }

  @Override
  public String toString() {
    return "Context" + toMap();
  }
}
