package io.weft.testengine;

import org.opentest4j.TestAbortedException;

import io.weft.EventLoop;
import io.weft.sim.Schedule;
import io.weft.sim.Simulation;
import io.weft.spi.VirtualClock;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
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
 * run's objects. Every run (the first, each shrinking run, the self-check's second) invokes the method the same way.
 */
final class ScheduleInvocation implements TestTemplateInvocationContext, InvocationInterceptor, ParameterResolver {

  /** Where the schedule came from. */
  enum Origin {
    /** The regression file. */
    REGRESSION,
    /** Generated from the seed. */
    GENERATED,
    /** The {@code replay} attribute or {@code weft.replay}. */
    REPLAY
  }

  private static final Set<Class<?>> INJECTED = Set.of(EventLoop.class, VirtualClock.class, Simulation.class,
      Schedule.class);

  private final Settings settings;
  private final String key;
  private final Schedule schedule;
  private final String name;
  private final Origin origin;

  ScheduleInvocation(Settings settings, String key, Schedule schedule, String name, Origin origin) {
    this.settings = settings;
    this.key = key;
    this.schedule = schedule;
    this.name = name;
    this.origin = origin;
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
    return INJECTED.contains(pc.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    return null; // replaced by the run's object when the method is invoked (see the class comment)
  }

  @Override
  public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
      ExtensionContext ec) throws Throwable {
    invocation.skip();
    ExtensionContext.Store store = ec.getParent().orElse(ec).getStore(STOP);
    Object failedFirst = store.get("failed");
    if (settings.stopAfterFailure() && failedFirst != null && origin != Origin.REPLAY) {
      throw new TestAbortedException("not run: " + failedFirst + " already failed (set weft.afterFailure=continue"
          + " to explore every schedule)");
    }
    Method method = ic.getExecutable();
    Object target = ic.getTarget().orElse(null);
    Object[] resolved = ic.getArguments().toArray();
    try {
      Explorer.explore(settings, key, schedule, origin, method, target, resolved, ec);
    } catch (AsyncTestFailure e) {
      store.put("failed", name);
      throw e;
    }
  }

  private static final ExtensionContext.Namespace STOP = ExtensionContext.Namespace.create(ScheduleInvocation.class);

  /** The arguments of one run: JUnit's, with the simulation's objects in place of the placeholders. */
  static Object[] arguments(Method method, Object[] resolved) {
    Class<?>[] types = method.getParameterTypes();
    Object[] args = resolved.clone();
    if (types.length == 0) {
      return args;
    }
    Simulation sim = Simulation.current();
    for (int i = 0; i < types.length; i++) {
      if (types[i] == EventLoop.class) {
        args[i] = sim.loop();
      } else if (types[i] == VirtualClock.class) {
        args[i] = sim.clock();
      } else if (types[i] == Simulation.class) {
        args[i] = sim;
      } else if (types[i] == Schedule.class) {
        args[i] = sim.schedule();
      }
    }
    return args;
  }
}
