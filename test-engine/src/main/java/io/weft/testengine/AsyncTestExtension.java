package io.weft.testengine;

import io.weft.Api;
import io.weft.sim.Schedule;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link AsyncTest}: it turns an annotated method into one invocation per schedule (the stored
 * regressions first, then the generated schedules of this shard, or only the replayed one), and runs each invocation
 * on a simulated loop. Register it through {@code @AsyncTest}, not directly.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
public final class AsyncTestExtension implements TestTemplateInvocationContextProvider {

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
    AsyncTest annotation = AnnotationSupport.findAnnotation(method, AsyncTest.class).orElseThrow();
    Settings settings = Settings.resolve(annotation, context::getConfigurationParameter);
    String key = RegressionDatabase.key(context.getRequiredTestClass(), method.getName());
    if (settings.replay() != null) {
      return Stream.of(new ScheduleInvocation(settings, key, settings.replay(), "replay " + settings.replay(),
          ScheduleInvocation.Origin.REPLAY));
    }
    if (settings.seedWasRandom()) {
      context.publishReportEntry("weft.seed", "0x" + Long.toHexString(settings.seed()));
    }
    List<TestTemplateInvocationContext> stored = new ArrayList<>();
    if (settings.regressions() != null && settings.shardIndex() == 0) {
      for (Schedule s : new RegressionDatabase(settings.regressions()).schedules(key)) {
        stored.add(new ScheduleInvocation(settings, key, s, "regression " + s, ScheduleInvocation.Origin.REGRESSION));
      }
    }
    Stream<TestTemplateInvocationContext> generated = IntStream.range(0, settings.schedules())
        .filter(i -> i % settings.shardCount() == settings.shardIndex())
        .mapToObj(i -> {
          Schedule s = settings.schedule(i);
          String name = "[" + i + "] seed=0x" + Long.toHexString(s.seed()) + " " + s.strategy() + " " + s.mode();
          return new ScheduleInvocation(settings, key, s, name, ScheduleInvocation.Origin.GENERATED);
        });
    return Stream.concat(stored.stream(), generated);
  }
}
