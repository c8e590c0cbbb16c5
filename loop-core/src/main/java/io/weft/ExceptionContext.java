package io.weft;

import java.util.Map;
import java.util.Objects;

/**
 * What the loop tells its exception handler: asyncio's context dictionary as a record.
 *
 * @param message what happened; never null
 * @param exception the error, or null
 * @param handle the callback that failed, or null
 * @param future the future concerned, or null
 * @param task the task concerned, or null
 * @param extras further entries (such as {@code source_traceback} in debug mode); never null, possibly empty
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record ExceptionContext(
    String message, Throwable exception, Handle handle, Future<?> future, Task<?> task, Map<String, Object> extras) {

  /** Checks that the message and extras are present, and copies the extras. */
  public ExceptionContext {
    Objects.requireNonNull(message, "message must not be null");
    // Insertion order, not Map.copyOf's per-JVM order: reports must read the same in every run.
    extras = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(Objects.requireNonNull(extras, "extras must not be null")));
  }

  /** A context with only a message and an exception. */
  public static ExceptionContext of(String message, Throwable exception) {
    return new ExceptionContext(message, exception, null, null, null, Map.of());
  }

  /** Returns a copy with {@code key} set to {@code value} in the extras. */
  public ExceptionContext with(String key, Object value) {
    java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>(extras);
    m.put(key, value);
    return new ExceptionContext(message, exception, handle, future, task, m);
  }

  /** Formats the context as asyncio's default handler does: the message, then each entry on its own line. */
  public String format() {
    StringBuilder sb = new StringBuilder(message);
    if (handle != null) {
      sb.append("\nhandle: ").append(handle);
    }
    if (future != null) {
      sb.append("\nfuture: ").append(future);
    }
    if (task != null) {
      sb.append("\ntask: ").append(task);
    }
    extras.forEach((k, v) -> {
      sb.append('\n').append(k).append(": ");
      if (v instanceof StackTraceElement[] frames) {
        for (StackTraceElement f : frames) {
          sb.append("\n    at ").append(f);
        }
      } else {
        sb.append(v);
      }
    });
    if (exception != null) {
      java.io.StringWriter w = new java.io.StringWriter();
      exception.printStackTrace(new java.io.PrintWriter(w));
      sb.append('\n').append(w.toString().stripTrailing());
    }
    return sb.toString();
  }
}
