package io.weft.testengine;

import io.weft.Api;
import io.weft.sim.Schedule;
import io.weft.sim.ScheduleSeries;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link AsyncTest}: it turns an annotated method into one invocation per schedule (for each
 * argument set of {@link AsyncArguments}: the stored regressions first, then the generated schedules of this shard;
 * or only the replayed one), and runs each invocation on a simulated loop. Register it through {@code @AsyncTest},
 * not directly.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class AsyncTestExtension implements TestTemplateInvocationContextProvider {

  /** Annotations that make a method a test of another kind; JUnit would run it both ways. */
  private static final List<String> OTHER_KINDS = List.of("org.junit.jupiter.params.ParameterizedTest",
      "org.junit.jupiter.api.RepeatedTest", "org.junit.jupiter.api.Test", "org.junit.jupiter.api.TestFactory");

  /** Created by JUnit. */
  public AsyncTestExtension() {}

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, AsyncTest.class)).isPresent();
  }

  @Override
  public boolean mayReturnZeroTestTemplateInvocationContexts(ExtensionContext context) {
    return true; // a shard may hold none of a method's schedules
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    Method method = context.getRequiredTestMethod();
    Class<?> testClass = context.getRequiredTestClass();
    AsyncTest annotation = AnnotationSupport.findAnnotation(method, AsyncTest.class).orElseThrow();
    rejectOtherKinds(method);
    Optional<String> token = context.getConfigurationParameter(FreshRuns.TOKEN);
    if (token.isPresent()) {
      FreshRuns.Slot slot = FreshRuns.slot(token.get());
      if (slot == null) {
        throw new ExtensionConfigurationException(FreshRuns.TOKEN + " is Weft's own parameter for re-running a"
            + " schedule in a fresh instance; no such run is waiting: '" + token.get() + "'");
      }
      return Stream.of(new ScheduleInvocation(null, "", slot.schedule, "fresh run of " + slot.schedule,
          ScheduleInvocation.Origin.FRESH, () -> slot.arguments, slot));
    }
    Settings settings = Settings.resolve(annotation, context::getConfigurationParameter, ProjectDir.of(testClass));
    String baseKey = RegressionDatabase.key(testClass, method.getName());
    Plan plan = new Plan(settings, testClass.getSimpleName() + "." + method.getName());
    List<Object[]> argumentSets = ArgumentSets.of(method, testClass);
    boolean withArguments = AnnotationSupport.isAnnotated(method, AsyncArguments.class);
    if (settings.replay() != null) {
      for (int a = 0; a < argumentSets.size(); a++) {
        String suffix = withArguments ? " " + ArgumentSets.describe(a, argumentSets.get(a)) : "";
        plan.add(new ScheduleInvocation(plan, key(baseKey, withArguments, a), settings.replay(),
            "replay " + settings.replay() + suffix, ScheduleInvocation.Origin.REPLAY,
            arguments(method, testClass, withArguments, a), null));
      }
      return plan.stream();
    }
    if (settings.seedWasRandom()) {
      context.publishReportEntry("weft.seed", "0x" + Long.toHexString(settings.seed()));
    }
    for (int a = 0; a < argumentSets.size(); a++) {
      Object[] described = argumentSets.get(a);
      Supplier<Object[]> args = arguments(method, testClass, withArguments, a);
      String key = key(baseKey, withArguments, a);
      String suffix = withArguments ? " " + ArgumentSets.describe(a, described) : "";
      // One series per argument set: each measures its own runs (the PCT horizon), regressions included.
      ScheduleSeries series = settings.series();
      if (settings.regressions() != null && settings.shardIndex() == 0) {
        for (Schedule s : new RegressionDatabase(settings.regressions()).schedules(key)) {
          plan.add(new ScheduleInvocation(plan, key, s, "regression " + s + suffix,
              ScheduleInvocation.Origin.REGRESSION, args, null).observedBy(series));
        }
      }
      for (int i = settings.shardIndex(); i < settings.schedules(); i += settings.shardCount()) {
        int index = i;
        plan.addLater(() -> {
          Schedule s = series.schedule(index);
          String name = "[" + index + "] seed=0x" + Long.toHexString(s.seed()) + " " + s.strategy() + " " + s.mode()
              + suffix;
          return new ScheduleInvocation(plan, key, s, name, ScheduleInvocation.Origin.GENERATED, args, null)
              .observedBy(series);
        });
      }
    }
    return plan.stream();
  }

  /**
   * The arguments of each run of set {@code index}: made anew by the factory for every run (see
   * {@link ArgumentSets#fresh}); none without {@code @AsyncArguments}.
   */
  private static Supplier<Object[]> arguments(Method method, Class<?> testClass, boolean withArguments, int index) {
    return withArguments ? () -> ArgumentSets.fresh(method, testClass, index) : () -> new Object[0];
  }

  private static String key(String baseKey, boolean withArguments, int index) {
    return withArguments ? baseKey + "[" + index + "]" : baseKey;
  }

  private static void rejectOtherKinds(Method method) {
    for (Annotation a : method.getAnnotations()) {
      String name = a.annotationType().getName();
      if (OTHER_KINDS.contains(name)) {
        throw new ExtensionConfigurationException("@AsyncTest cannot be combined with @"
            + a.annotationType().getSimpleName() + " on " + method.getDeclaringClass().getName() + "#"
            + method.getName() + ": JUnit would run the method both ways. For arguments from a source use"
            + " @AsyncArguments(\"factoryMethod\") with @AsyncTest alone.");
      }
    }
  }
}
