package io.weft.internal.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code io.weft.core} requires {@code jdk.jfr} statically: a runtime without it (a jlink image, or
 * {@code --limit-modules}) still runs Weft, and the event hooks record nothing instead of failing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NoJfrTests {

  @Test
  void aJvmWithoutJdkJfr_runsTasksTimersSlowCallbacksAndFailures() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(List.of(java, "--limit-modules", "java.base,jdk.unsupported",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", cp, NoJfrMain.class.getName()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("jfr=false result=6 failed=boom").doesNotContain("NoClassDefFoundError")
        .doesNotContain("jdk/jfr");
  }
}
