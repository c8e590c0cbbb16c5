package io.weft.testengine;

import io.weft.spi.SystemClock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;

/**
 * The invocations of one {@code @AsyncTest} method in one run, and what they have done so far: how many finished,
 * which failed first, when progress was last printed.
 *
 * <p>JUnit pulls invocations from {@link #stream()} one at a time, so after the first failure (unless
 * {@code weft.afterFailure=continue}) the stream ends with one invocation that reports the rest as skipped, once,
 * instead of one aborted invocation (and one stack trace) per remaining schedule.
 */
final class Plan {

  private final Settings settings;
  private final String method;
  // Made when JUnit pulls them, so that a schedule can depend on the runs before it (the PCT horizon).
  private final List<java.util.function.Supplier<ScheduleInvocation>> planned = new ArrayList<>();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final long start = SystemClock.INSTANCE.nanoTime();
  // Written by the invocation that failed first; read when JUnit pulls the next invocation.
  private volatile String failedFirst;
  private volatile long lastProgress = start;
  private volatile boolean warned;

  Plan(Settings settings, String method) {
    this.settings = settings;
    this.method = method;
  }

  Settings settings() {
    return settings;
  }

  void add(ScheduleInvocation invocation) {
    planned.add(() -> invocation);
  }

  /**
   * Adds an invocation made only when JUnit pulls it, after the invocations before it have run (JUnit runs a
   * template's invocations one at a time unless parallel execution is on).
   */
  void addLater(java.util.function.Supplier<ScheduleInvocation> invocation) {
    planned.add(invocation);
  }

  int size() {
    return planned.size();
  }

  /** The planned invocations, ending early (with one skipped-report invocation) after a failure. */
  Stream<TestTemplateInvocationContext> stream() {
    Iterator<java.util.function.Supplier<ScheduleInvocation>> it = planned.iterator();
    Spliterator<TestTemplateInvocationContext> s = new Spliterators.AbstractSpliterator<>(planned.size(),
        Spliterator.ORDERED) {
      private int handed;
      private boolean ended;

      @Override
      public boolean tryAdvance(Consumer<? super TestTemplateInvocationContext> action) {
        if (ended || !it.hasNext()) {
          return false;
        }
        String failed = failedFirst;
        if (failed != null && settings.stopAfterFailure()) {
          ended = true;
          action.accept(new Skipped(planned.size() - handed, failed));
          return true;
        }
        handed++;
        action.accept(it.next().get());
        return true;
      }
    };
    return StreamSupport.stream(s, false);
  }

  /**
   * An invocation finished; prints a progress line when {@code weft.progressSeconds} have passed since the last, or
   * every {@code weft.progressEvery} schedules.
   */
  void finished(String name, boolean failed, ExtensionContext ec) {
    int done = finished.incrementAndGet();
    if (failed) {
      failures.incrementAndGet();
      if (failedFirst == null) {
        failedFirst = name;
      }
    }
    long every = settings.progressNanos();
    long now = SystemClock.INSTANCE.nanoTime();
    boolean byCount = settings.progressEvery() > 0 && done % settings.progressEvery() == 0;
    boolean byTime = every > 0 && now - lastProgress >= every;
    if ((byCount || byTime) && done < planned.size()) {
      lastProgress = now;
      String line = String.format(java.util.Locale.ROOT, "[weft] %s: %,d of %,d schedules run, %d failed, %.1f s",
          method, done, planned.size(), failures.get(), (now - start) / 1e9);
      System.out.println(line);
      ec.publishReportEntry("weft.progress", line.substring("[weft] ".length()));
    }
  }

  /** Says once per method, as a report entry and a line on standard output, what weakens this run's checks. */
  void warnOnce(ExtensionContext ec) {
    if (warned) {
      return;
    }
    warned = true;
    for (String w : Warnings.forRun(settings)) {
      Warnings.publish(ec, method, w);
    }
  }

  /**
   * The invocation that stands for the schedules not run after a failure: a condition disables it, so JUnit reports
   * it as skipped, once, with the reason, without resolving parameters or running the lifecycle.
   */
  private static final class Skipped implements TestTemplateInvocationContext, ExecutionCondition {
    private final int count;
    private final String failed;

    Skipped(int count, String failed) {
      this.count = count;
      this.failed = failed;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
      return "skipped: " + count + " more schedule(s) after " + failed + " failed";
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
      return List.of(this);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return ConditionEvaluationResult.disabled(count + " schedule(s) not run: " + failed + " already failed (set"
          + " weft.afterFailure=continue to explore every schedule)");
    }
  }
}
