package io.weft.internal;

import java.util.Optional;
import java.util.Set;

/**
 * Where user code called into Weft: the first stack frame outside Weft's runtime packages and the JDK. Reports name
 * tasks and timers by it ({@code Task-3 (RacyBank.transfer:31)}).
 *
 * <p>Only the runtime's own packages are skipped, by exact name: user code in other {@code io.weft.*} packages (the
 * examples) counts as user code. Walking the stack costs a few microseconds, so only simulated loops do it.
 */
public final class CallSite {

  /** Weft's runtime packages: their frames are the runtime's, not the caller's. */
  private static final Set<String> RUNTIME_PACKAGES = Set.of("io.weft", "io.weft.spi", "io.weft.sync", "io.weft.sim",
      "io.weft.sim.net", "io.weft.internal", "io.weft.net", "io.weft.testengine");

  // Deep enough for a call through a few layers of the runtime (TaskGroup.createTask, Timeout), short enough to stay
  // cheap; a call site deeper than this is not found.
  private static final int FRAME_LIMIT = 24;
  private static final StackWalker WALKER = StackWalker.getInstance();

  private CallSite() {}

  /** Whether a frame of {@code className} belongs to the runtime or the platform rather than to user code. */
  public static boolean isRuntime(String className) {
    int dot = className.lastIndexOf('.');
    String pkg = dot < 0 ? "" : className.substring(0, dot);
    return RUNTIME_PACKAGES.contains(pkg) || className.startsWith("java.") || className.startsWith("jdk.")
        || className.startsWith("sun.") || className.startsWith("org.junit.");
  }

  /**
   * The first user frame below the innermost frame of {@code className.method} on the caller's stack, as
   * {@code RacyBank.transfer:31}, or null if there is no such frame: the user code that called into the runtime at
   * that method, however deep in the runtime the question is asked.
   */
  public static String below(String className, String method) {
    Optional<StackWalker.StackFrame> f = WALKER.walk(s -> s
        .dropWhile(x -> !(x.getClassName().equals(className) && x.getMethodName().equals(method)))
        .filter(x -> !isRuntime(x.getClassName())).findFirst());
    return f.map(x -> shortForm(x.getClassName(), x.getMethodName(), x.getLineNumber())).orElse(null);
  }

  /** The caller's site as {@code RacyBank.transfer:31} (a lambda named after its method), or null if none is found. */
  public static String here() {
    Optional<StackWalker.StackFrame> f = WALKER.walk(s -> s.limit(FRAME_LIMIT)
        .filter(x -> !isRuntime(x.getClassName())).findFirst());
    return f.map(x -> shortForm(x.getClassName(), x.getMethodName(), x.getLineNumber())).orElse(null);
  }

  /** The caller's site as {@code RacyBank.transfer(RacyBank.java:31)}, or null if none is found. */
  public static String hereLong() {
    Optional<StackWalker.StackFrame> f = WALKER.walk(s -> s.limit(FRAME_LIMIT)
        .filter(x -> !isRuntime(x.getClassName())).findFirst());
    return f.map(x -> {
      String c = simpleName(x.getClassName());
      String file = x.getFileName();
      return c + "." + x.getMethodName() + "(" + (file == null ? "Unknown Source" : file + ":" + x.getLineNumber())
          + ")";
    }).orElse(null);
  }

  /** The first user frame of {@code stack} as {@code RacyBank.transfer:31}, or null if there is none. */
  public static String of(StackTraceElement[] stack) {
    for (StackTraceElement f : stack) {
      if (!isRuntime(f.getClassName())) {
        return shortForm(f.getClassName(), f.getMethodName(), f.getLineNumber());
      }
    }
    return null;
  }

  /** {@code Class.method:line}: the class without its package, a lambda's synthetic method as the enclosing one. */
  static String shortForm(String className, String method, int line) {
    String m = method;
    if (m.startsWith("lambda$")) {
      int end = m.indexOf('$', 7);
      m = end > 7 ? m.substring(7, end) : m;
    }
    return simpleName(className) + "." + m + (line > 0 ? ":" + line : "");
  }

  private static String simpleName(String className) {
    return className.substring(className.lastIndexOf('.') + 1);
  }
}
