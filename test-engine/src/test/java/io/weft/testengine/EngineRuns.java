package io.weft.testengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs *TestCase fixtures through the Jupiter engine with a temporary regression file and trace directory. */
final class EngineRuns {

  private EngineRuns() {}

  /** Runs {@code selector} with the regression file and traces under {@code tmp}, then {@code keyValues} pairs. */
  static EngineExecutionResults run(Path tmp, Map<String, String> defaults, DiscoverySelector selector,
      String... keyValues) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("weft.regressions", tmp.resolve("regressions.txt").toString());
    params.put("weft.traceDir", tmp.resolve("traces").toString());
    params.putAll(defaults);
    for (int i = 0; i < keyValues.length; i += 2) {
      params.put(keyValues[i], keyValues[i + 1]);
    }
    return EngineTestKit.engine("junit-jupiter").selectors(selector).configurationParameters(params).execute();
  }

  /** Each failed test's throwable, which must be an {@link AsyncTestFailure}. */
  static List<AsyncTestFailure> failures(EngineExecutionResults r) {
    return r.testEvents().failed().stream()
        .map(e -> e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
        .map(t -> {
          assertThat(t).isInstanceOf(AsyncTestFailure.class);
          return (AsyncTestFailure) t;
        })
        .toList();
  }
}
