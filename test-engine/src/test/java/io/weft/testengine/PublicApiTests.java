package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.Api;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public surface of io.weft.testengine: every public type says how stable it is. */
class PublicApiTests {

  private static final List<Class<?>> PUBLIC = List.of(AsyncTest.class, AsyncTestExtension.class,
      AsyncTestFailure.class, Shrinker.class, Shrinker.Result.class, RegressionDatabase.class);

  @Test
  void everyPublicType_isAnnotatedExperimentalSince02() {
    for (Class<?> c : PUBLIC) {
      Api api = c.getAnnotation(Api.class);
      assertThat(api).as(c.getName()).isNotNull();
      assertThat(api.status()).as(c.getName()).isEqualTo(Api.Status.EXPERIMENTAL);
      assertThat(api.since()).isEqualTo("0.2");
    }
  }

  @Test
  void theShrinkersRunnerAndOutcome_areAnnotatedExperimentalSince03() {
    for (Class<?> c : List.of(Shrinker.Runner.class, Shrinker.Outcome.class)) {
      Api api = c.getAnnotation(Api.class);
      assertThat(api).as(c.getName()).isNotNull();
      assertThat(api.status()).as(c.getName()).isEqualTo(Api.Status.EXPERIMENTAL);
      assertThat(api.since()).isEqualTo("0.3");
    }
  }

  @Test
  void theOtherTypes_areNotPublic() {
    for (Class<?> c : List.of(Settings.class, Explorer.class, ScheduleInvocation.class)) {
      assertThat(java.lang.reflect.Modifier.isPublic(c.getModifiers())).as(c.getName()).isFalse();
    }
  }
}
