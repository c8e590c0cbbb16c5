package io.weft.testengine.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Skips the static {@code @BeforeAll} and {@code @AfterAll} methods in a nested launch that re-runs one schedule in
 * a fresh test instance, and only there (it does nothing in any other run).
 *
 * <p>A nested launch runs in the same JVM as the run that asked for it, so it shares the class's static state: what a
 * static {@code @BeforeAll} opened (a server, a database) is open already, and a static {@code @AfterAll} would close
 * it under the outer run's later schedules. Non-static ones ({@code @TestInstance(PER_CLASS)}) act on the fresh
 * instance and run. The nested launch enables this extension alone through JUnit's extension autodetection
 * ({@code META-INF/services}); it is not part of Weft's API.
 */
public final class FreshRunLifecycle implements InvocationInterceptor {

  /** The configuration parameter that marks a nested run (see {@code FreshRuns}). */
  public static final String TOKEN = "weft.internal.freshRun";

  /** Created by JUnit's extension autodetection. */
  public FreshRunLifecycle() {}

  @Override
  public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
      ExtensionContext ec) throws Throwable {
    skipInFreshRun(invocation, ic, ec);
  }

  @Override
  public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
      ExtensionContext ec) throws Throwable {
    skipInFreshRun(invocation, ic, ec);
  }

  private static void skipInFreshRun(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
      ExtensionContext ec) throws Throwable {
    if (Modifier.isStatic(ic.getExecutable().getModifiers()) && ec.getConfigurationParameter(TOKEN).isPresent()) {
      invocation.skip();
    } else {
      invocation.proceed();
    }
  }
}
