package io.weft.testengine;

import io.weft.sim.Schedule;
import io.weft.sim.ScheduleSeries;
import io.weft.sim.SimResult;
import io.weft.sim.Simulation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;

/**
 * One schedule of an {@code @AsyncTest} method: its display name, and the extensions that run it.
 *
 * <p>JUnit resolves parameters before the simulation exists, and a resolved argument list cannot be changed, so the
 * resolver hands JUnit a null placeholder for the simulation's types and the interceptor skips JUnit's own
 * invocation: it invokes the method itself, inside the simulated main task, with the placeholders replaced by the
 * run's objects ({@link TestMethod}).
 */
final class ScheduleInvocation implements TestTemplateInvocationContext, InvocationInterceptor, ParameterResolver {

  /** Where the schedule came from. */
  enum Origin {
    /** The regression file. */
    REGRESSION,
    /** Generated from the seed. */
    GENERATED,
    /** The {@code replay} attribute or {@code weft.replay}. */
    REPLAY,
    /** A nested launch re-running a schedule in a fresh instance ({@link FreshRuns}): runs once, reports nothing. */
    FRESH
  }

  private final Plan plan;
  private final String key;
  private final Schedule schedule;
  private final String name;
  private final Origin origin;
  // Makes the explicit arguments (from @AsyncArguments) of one run: each run, fresh re-runs included, gets its own.
  private final Supplier<Object[]> arguments;
  // This invocation's explicit arguments, made when JUnit first asks about a parameter.
  private Object[] explicit;
  private final FreshRuns.Slot slot;
  // Told the step count of this invocation's run (the PCT horizon of the schedules after it); null: nobody.
  private ScheduleSeries series;

  ScheduleInvocation(Plan plan, String key, Schedule schedule, String name, Origin origin,
      Supplier<Object[]> arguments, FreshRuns.Slot slot) {
    this.plan = plan;
    this.key = key;
    this.schedule = schedule;
    this.name = name;
    this.origin = origin;
    this.arguments = arguments;
    this.slot = slot;
  }

  /** Has {@code series} told the step count of this invocation's run; returns this. */
  ScheduleInvocation observedBy(ScheduleSeries series) {
    this.series = series;
    return this;
  }

  String name() {
    return name;
  }

  Origin origin() {
    return origin;
  }

  @Override
  public String getDisplayName(int invocationIndex) {
    return name;
  }

  @Override
  public List<Extension> getAdditionalExtensions() {
    return List.of(this);
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    return pc.getIndex() < explicit().length || TestMethod.INJECTED.contains(pc.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    // The simulation's objects are placeholders here, replaced when the method is invoked (see the class comment).
    Object[] e = explicit();
    return pc.getIndex() < e.length ? e[pc.getIndex()] : null;
  }

  private Object[] explicit() {
    if (explicit == null) {
      explicit = arguments.get();
    }
    return explicit;
  }

  @Override
  public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
      ExtensionContext ec) {
    invocation.skip();
    Object target = ic.getTarget().orElse(null);
    List<Object> all = ec.getTestInstances().map(i -> i.getAllInstances()).orElse(List.of());
    List<Object> enclosing = all.isEmpty() || all.getLast() != target ? List.of() : all.subList(0, all.size() - 1);
    TestMethod test = new TestMethod(ec.getRequiredTestClass(), ic.getExecutable(), target,
        ic.getArguments().toArray(), explicit(), List.copyOf(enclosing));
    if (origin == Origin.FRESH) {
      slot.result = Simulation.run(schedule, slot.settings.options(), test.body(slot.settings));
      return;
    }
    Settings settings = plan.settings();
    if (settings.requireBlockingDetection() && !Simulation.detectsBlockingCalls()) {
      plan.finished(name, true, ec);
      throw new AssertionError("weft.requireBlockingDetection=true, but " + Simulation.carrierDescription());
    }
    Reruns reruns = reruns(settings, test, ec);
    boolean failed = true;
    try {
      plan.warnOnce(ec);
      Explorer.explore(settings, key, schedule, origin, test, reruns, ec, series);
      failed = false;
    } finally {
      plan.finished(name, failed, ec);
    }
  }

  private Reruns reruns(Settings settings, TestMethod test, ExtensionContext ec) {
    if (FreshRuns.available()) {
      return new Reruns() {
        @Override
        public SimResult<Object> run(Schedule s) {
          return run(s, settings.runTimeout());
        }

        @Override
        public SimResult<Object> run(Schedule s, java.time.Duration runTimeout) {
          Settings capped = runTimeout.compareTo(settings.runTimeout()) < 0 ? settings.withRunTimeout(runTimeout)
              : settings;
          Object[] args;
          try {
            args = arguments.get();
          } catch (RuntimeException e) {
            throw new Reruns.Impossible("could not re-run " + test.displayName() + ": its arguments could not be"
                + " made again: " + e.getMessage());
          }
          List<Class<?>> enclosing = test.enclosing().stream().<Class<?>>map(Object::getClass).toList();
          FreshRuns.Outcome o = FreshRuns.run(test.testClass(), enclosing, test.method(), capped, s, args,
              ec::getConfigurationParameter);
          if (o.result() == null) {
            throw new Reruns.Impossible("could not re-run " + test.displayName() + " in a fresh test instance: "
                + o.problem());
          }
          return o.result();
        }

        @Override
        public String description() {
          return "each in a fresh test instance with JUnit's lifecycle (@BeforeEach, @AfterEach, extensions)";
        }
      };
    }
    return new Reruns() {
      @Override
      public SimResult<Object> run(Schedule s) {
        return Simulation.run(s, settings.options(), test.body(settings));
      }

      @Override
      public SimResult<Object> run(Schedule s, java.time.Duration runTimeout) {
        Settings capped = runTimeout.compareTo(settings.runTimeout()) < 0 ? settings.withRunTimeout(runTimeout)
            : settings;
        return Simulation.run(s, capped.options(), test.body(capped));
      }

      @Override
      public String description() {
        return "on the same test instance, because junit-platform-launcher is not on the class path: state a run"
            + " leaves in fields (mocks, counters) is seen by the next";
      }
    };
  }
}
