package io.weft.testengine;

import io.weft.sim.Schedule;
import io.weft.sim.SimResult;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs one schedule of an {@code @AsyncTest} method again in a fresh test instance, with JUnit's whole lifecycle:
 * a new instance, {@code @BeforeEach}/{@code @AfterEach}, and every other extension (Mockito's, {@code @TempDir}, …).
 *
 * <p>Shrinking, the confirmation of a failure and the self-check's second run each need a run that cannot see what
 * an earlier run left in the test instance (a mock's call counts, a field a test mutated). JUnit offers no API to
 * build a second instance from inside an extension, so this launches the Jupiter engine again, in this JVM, on
 * exactly that method, with one configuration parameter ({@value #TOKEN}) naming a {@link Slot}: the nested run's
 * extension sees it, runs only the slot's schedule, and leaves the {@link SimResult} in the slot instead of
 * reporting it. The nested launch sees {@code junit-platform.properties}, system properties and the outer run's
 * Jupiter settings that {@link #PASSED_ON} lists; it never runs in parallel and registers no listeners of its own.
 *
 * <p>It shares the JVM, and so the class's static state, with the outer run: its static {@code @BeforeAll} and
 * {@code @AfterAll} methods do not run again ({@link io.weft.testengine.internal.FreshRunLifecycle}), so what they
 * opened stays open for the outer run's later schedules. Class-level extensions' own callbacks do run again (an
 * extension that starts a static resource in {@code beforeAll} and stops it in {@code afterAll} stops it).
 *
 * <p>It needs {@code junit-platform-launcher} at run time (Surefire and the IDEs put it there; Gradle needs it declared). Without it
 * {@link #available()} is false and the caller re-runs on the same instance, saying so in its report.
 */
final class FreshRuns {

  /** The configuration parameter that marks a nested run and names its slot. */
  static final String TOKEN = io.weft.testengine.internal.FreshRunLifecycle.TOKEN;

  private static final String AUTODETECTION = "junit.jupiter.extensions.autodetection.enabled";
  private static final String AUTODETECTION_INCLUDE = "junit.jupiter.extensions.autodetection.include";

  /** The outer run's configuration parameters that a nested run also gets, when set. */
  static final List<String> PASSED_ON = List.of(
      "junit.jupiter.extensions.autodetection.enabled",
      "junit.jupiter.extensions.autodetection.include",
      "junit.jupiter.extensions.autodetection.exclude",
      "junit.jupiter.testinstance.lifecycle.default",
      "junit.jupiter.conditions.deactivate",
      "junit.jupiter.execution.timeout.default",
      "junit.jupiter.execution.timeout.testtemplate.method.default",
      "junit.jupiter.execution.timeout.mode",
      "junit.jupiter.tempdir.cleanup.mode.default",
      "junit.jupiter.tempdir.scope");

  private static final Map<String, Slot> SLOTS = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT = new AtomicLong();
  private static final boolean AVAILABLE = present("org.junit.platform.launcher.core.LauncherFactory");

  private FreshRuns() {}

  /** What one nested run is asked to run, and what it found. */
  static final class Slot {
    final Settings settings;
    final Schedule schedule;
    final Object[] arguments;
    // Written by the nested run's thread, read by the launching thread after the launch returns.
    volatile SimResult<Object> result;

    Slot(Settings settings, Schedule schedule, Object[] arguments) {
      this.settings = settings;
      this.schedule = schedule;
      this.arguments = arguments;
    }
  }

  /**
   * What a nested run gave: the simulation's result, or null with the reason the method did not run (a
   * {@code @BeforeEach} that threw, a disabled test, a class that could not be instantiated).
   *
   * @param result the run's result, or null
   * @param problem why the method did not run, or why JUnit failed the nested test after a passing run; or null
   */
  record Outcome(SimResult<Object> result, String problem) {}

  /** Whether nested runs are possible: {@code junit-platform-launcher} is on the class path. */
  static boolean available() {
    return AVAILABLE;
  }

  /** The slot a nested run's token names, or null. */
  static Slot slot(String token) {
    return SLOTS.get(token);
  }

  /**
   * Runs {@code schedule} of {@code method} in a fresh instance and returns what the simulation found.
   *
   * @param enclosing for a {@code @Nested} test class, the classes of the enclosing instances JUnit made, outermost
   *     first (a subclass of the class that declares the nested one, for an inherited {@code @Nested} class); empty
   *     otherwise
   * @param config the outer run's configuration parameters, for the keys in {@link #PASSED_ON}
   * @param arguments the explicit arguments of this invocation (from {@code @AsyncArguments}), or an empty array
   */
  static Outcome run(Class<?> testClass, List<Class<?>> enclosing, Method method, Settings settings,
      Schedule schedule, Object[] arguments, Function<String, java.util.Optional<String>> config) {
    String token = Long.toString(NEXT.incrementAndGet());
    Slot slot = new Slot(settings, schedule, arguments);
    SLOTS.put(token, slot);
    try {
      Map<String, String> params = new LinkedHashMap<>();
      for (String key : PASSED_ON) {
        config.apply(key).ifPresent(v -> params.put(key, v));
      }
      // The nested run shares the JVM's static state: FreshRunLifecycle keeps static @BeforeAll/@AfterAll from running
      // again there. It is enabled through autodetection, alone unless the outer run autodetects extensions too.
      String lifecycle = io.weft.testengine.internal.FreshRunLifecycle.class.getName();
      if (!Boolean.parseBoolean(params.getOrDefault(AUTODETECTION, "false").trim())) {
        params.put(AUTODETECTION, "true");
        params.put(AUTODETECTION_INCLUDE, lifecycle);
      } else if (params.containsKey(AUTODETECTION_INCLUDE)) {
        params.put(AUTODETECTION_INCLUDE, params.get(AUTODETECTION_INCLUDE) + "," + lifecycle);
      }
      params.put("junit.jupiter.execution.parallel.enabled", "false");
      params.put(TOKEN, token);
      String problem = onOwnThread(() -> Launch.execute(selector(testClass, enclosing, method), params));
      SimResult<Object> result = slot.result;
      if (result == null && problem == null) {
        problem = "JUnit did not run " + testClass.getName() + "#" + method.getName() + " again";
      }
      return new Outcome(result, problem);
    } finally {
      SLOTS.remove(token);
    }
  }

  /**
   * Runs {@code launch} on a new thread and waits for it: the nested run must not see the outer test's thread-local
   * state (Mockito's mocking session is per thread, and the outer one is still open).
   */
  private static String onOwnThread(java.util.function.Supplier<String> launch) {
    String[] problem = new String[1];
    Throwable[] failure = new Throwable[1];
    Thread t = Thread.ofPlatform().daemon().name("weft-fresh-run-" + NEXT.get()).start(() -> {
      try {
        problem[0] = launch.get();
      } catch (Throwable e) {
        failure[0] = e;
      }
    });
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] != null) {
      return "the nested launch threw " + failure[0];
    }
    return problem[0];
  }

  private static DiscoverySelector selector(Class<?> testClass, List<Class<?>> runtimeEnclosing, Method method) {
    List<Class<?>> enclosing = new ArrayList<>(runtimeEnclosing);
    if (enclosing.isEmpty()) {
      for (Class<?> c = testClass; c.getEnclosingClass() != null && !Modifier.isStatic(c.getModifiers());
          c = c.getEnclosingClass()) {
        enclosing.addFirst(c.getEnclosingClass());
      }
    }
    return enclosing.isEmpty() ? DiscoverySelectors.selectMethod(testClass, method)
        : DiscoverySelectors.selectNestedMethod(enclosing, testClass, method.getName(), method.getParameterTypes());
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, FreshRuns.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The code that touches the launcher API: loaded only when {@link #available()}. */
  private static final class Launch {

    // Created once: engines are discovered once. Each execute() opens a session of its own.
    private static final Launcher LAUNCHER = LauncherFactory.create(LauncherConfig.builder()
        .enableTestExecutionListenerAutoRegistration(false)
        .enablePostDiscoveryFilterAutoRegistration(false)
        .enableLauncherDiscoveryListenerAutoRegistration(false)
        .enableLauncherSessionListenerAutoRegistration(false)
        .build());

    /** Executes the one method; returns the first failure JUnit reported for it or its containers, or null. */
    static String execute(DiscoverySelector selector, Map<String, String> params) {
      String[] problem = new String[1];
      TestExecutionListener listener = new TestExecutionListener() {
        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
          if (problem[0] == null) {
            problem[0] = id.getDisplayName() + " was skipped: " + reason;
          }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
          if (problem[0] == null && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            problem[0] = id.getDisplayName() + " " + result.getStatus().name().toLowerCase(java.util.Locale.ROOT)
                + result.getThrowable().map(t -> ": " + t).orElse("");
          }
        }
      };
      LAUNCHER.execute(LauncherDiscoveryRequestBuilder.request()
          .selectors(selector)
          .filters(EngineFilter.includeEngines("junit-jupiter"))
          .configurationParameters(params)
          .build(), listener);
      return problem[0];
    }
  }
}
