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
 * @param testClass the test class
 * @param method the test method
 * @param target the test instance (null for a static method)
 * @param resolved the arguments JUnit resolved, with null placeholders for the simulation's types
 * @param explicit the leading arguments from {@link AsyncArguments}, or an empty array
 */
record TestMethod(Class<?> testClass, Method method, Object target, Object[] resolved, Object[] explicit) {

  /** The parameter types the simulation supplies. */
  static final Set<Class<?>> INJECTED = Set.of(EventLoop.class, VirtualClock.class, Simulation.class,
      Schedule.class);

  /** The main task's body: the before-methods, the test method and the after-methods. */
  AsyncCallable<Object> body() {
    return () -> {
      for (Method m : hooks(AsyncBeforeEach.class, HierarchyTraversalMode.TOP_DOWN)) {
        invoke(m, injectedOnly(m));
      }
      Throwable failure = null;
      try {
        invoke(method, arguments(method, resolved, explicit.length));
      } catch (Throwable t) {
        failure = t;
      }
      for (Method m : hooks(AsyncAfterEach.class, HierarchyTraversalMode.BOTTOM_UP)) {
        try {
          invoke(m, injectedOnly(m));
        } catch (Throwable t) {
          if (failure == null) {
            failure = t;
          } else if (failure != t) {
            failure.addSuppressed(t);
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

  private List<Method> hooks(Class<? extends java.lang.annotation.Annotation> kind, HierarchyTraversalMode mode) {
    return new ArrayList<>(AnnotationSupport.findAnnotatedMethods(testClass, kind, mode));
  }

  private void invoke(Method m, Object[] args) {
    ReflectionSupport.invokeMethod(m, java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? null : target, args);
  }

  private static Object[] injectedOnly(Method m) {
    Class<?>[] types = m.getParameterTypes();
    for (Class<?> t : types) {
      if (!INJECTED.contains(t)) {
        throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(m + " may declare only parameters"
            + " of type EventLoop, VirtualClock, Simulation and Schedule, got " + t.getName());
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
      }
    }
    return args;
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
