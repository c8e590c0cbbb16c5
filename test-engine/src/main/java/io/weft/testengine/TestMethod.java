package io.weft.testengine;

import io.weft.AsyncCallable;
import io.weft.EventLoop;
import io.weft.sim.Schedule;
import io.weft.sim.Simulation;
import io.weft.spi.VirtualClock;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * One {@code @AsyncTest} method bound to a test instance and its arguments: what a simulated run's main task runs.
 *
 * <p>The main task runs the {@link AsyncBeforeEach} methods (superclass first), then the test method, then the
 * {@link AsyncAfterEach} methods (subclass first) even if the test failed; an exception of an after-method is added
 * to the test's as suppressed, or is the failure if the test passed.
 *
 * <p>For a test in a {@code @Nested} class, the enclosing classes' methods take part as JUnit's {@code @BeforeEach} and
 * {@code @AfterEach} do: the outermost class's before-methods first and its after-methods last, each on its own
 * instance.
 *
 * @param testClass the test class
 * @param method the test method
 * @param target the test instance (null for a static method)
 * @param resolved the arguments JUnit resolved, with null placeholders for the simulation's types
 * @param explicit the leading arguments from {@link AsyncArguments}, or an empty array
 * @param enclosing the instances of the enclosing classes of a {@code @Nested} test class, outermost first; empty
 *     otherwise
 */
record TestMethod(Class<?> testClass, Method method, Object target, Object[] resolved, Object[] explicit,
    List<Object> enclosing) {

  /** A test method of a class that is not nested. */
  TestMethod(Class<?> testClass, Method method, Object target, Object[] resolved, Object[] explicit) {
    this(testClass, method, target, resolved, explicit, List.of());
  }

  /** The parameter types the simulation supplies. */
  static final Set<Class<?>> INJECTED = Set.of(EventLoop.class, VirtualClock.class, Simulation.class,
      Schedule.class, io.weft.sim.net.SimNetwork.class);

  /** The main task's body without faults or hosts; see {@link #body(Settings)}. */
  AsyncCallable<Object> body() {
    return body(io.weft.fault.FaultPlan.NONE, List.of());
  }

  /** The main task's body with the settings' fault plan and hosts. */
  AsyncCallable<Object> body(Settings settings) {
    return body(settings.faults(), settings.hosts());
  }

  /**
   * The main task's body: the hosts added and the fault plan set on the run's network, then the before-methods, the
   * test method and the after-methods.
   */
  AsyncCallable<Object> body(io.weft.fault.FaultPlan faults, List<String> hosts) {
    List<Object> instances = new ArrayList<>(enclosing);
    instances.add(target);
    return () -> {
      if (!hosts.isEmpty() || !faults.rules().isEmpty()) {
        io.weft.sim.net.SimNetwork network = Simulation.current().network();
        hosts.forEach(network::addHost);
        if (!faults.rules().isEmpty()) {
          faults.applyTo(network);
        }
      }
      for (Object instance : instances) {
        for (Method m : hooks(classOf(instance), AsyncBeforeEach.class, HierarchyTraversalMode.TOP_DOWN)) {
          invoke(m, instance, injectedOnly(m));
        }
      }
      Throwable failure = null;
      try {
        invoke(method, target, arguments(method, resolved, explicit.length));
      } catch (Throwable t) {
        failure = t;
      }
      for (Object instance : instances.reversed()) {
        for (Method m : hooks(classOf(instance), AsyncAfterEach.class, HierarchyTraversalMode.BOTTOM_UP)) {
          try {
            invoke(m, instance, injectedOnly(m));
          } catch (Throwable t) {
            if (failure == null) {
              failure = t;
            } else if (failure != t) {
              failure.addSuppressed(t);
            }
          }
        }
      }
      if (failure != null) {
        throw io.weft.testengine.TestMethod.<RuntimeException>sneaky(failure);
      }
      return null;
    };
  }

  /** {@code testClass#method}, for messages. */
  String displayName() {
    return testClass.getSimpleName() + "." + method.getName();
  }

  /** The class whose hooks run on {@code instance}: its own, or the test class for the (null) static target. */
  private Class<?> classOf(Object instance) {
    return instance == null || instance == target ? testClass : instance.getClass();
  }

  private static List<Method> hooks(Class<?> c, Class<? extends java.lang.annotation.Annotation> kind,
      HierarchyTraversalMode mode) {
    return new ArrayList<>(AnnotationSupport.findAnnotatedMethods(c, kind, mode));
  }

  private static void invoke(Method m, Object instance, Object[] args) {
    ReflectionSupport.invokeMethod(m, java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? null : instance, args);
  }

  private static Object[] injectedOnly(Method m) {
    Class<?>[] types = m.getParameterTypes();
    for (Class<?> t : types) {
      if (!INJECTED.contains(t)) {
        throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(m + " may declare only parameters"
            + " of type EventLoop, VirtualClock, Simulation, Schedule and SimNetwork, got " + t.getName());
      }
    }
    return arguments(m, new Object[types.length], 0);
  }

  /**
   * The arguments of one run: {@code resolved}, with the simulation's objects in place of the placeholders from index
   * {@code from} on (the leading explicit arguments are kept as they are).
   */
  static Object[] arguments(Method method, Object[] resolved, int from) {
    Class<?>[] types = method.getParameterTypes();
    Object[] args = resolved.clone();
    if (types.length == from) {
      return args;
    }
    Simulation sim = Simulation.current();
    for (int i = from; i < types.length; i++) {
      if (types[i] == EventLoop.class) {
        args[i] = sim.loop();
      } else if (types[i] == VirtualClock.class) {
        args[i] = sim.clock();
      } else if (types[i] == Simulation.class) {
        args[i] = sim;
      } else if (types[i] == Schedule.class) {
        args[i] = sim.schedule();
      } else if (types[i] == io.weft.sim.net.SimNetwork.class) {
        args[i] = sim.network();
      }
    }
    return args;
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
