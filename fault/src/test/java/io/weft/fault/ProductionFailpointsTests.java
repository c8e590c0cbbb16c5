package io.weft.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.EventLoop;
import io.weft.Weft;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Failpoints in production: decisions drawn from the seeded generator with the configured odds, each action's effect
 * on a real loop and a plain thread, and the system property read in a JVM of its own (so no state leaks into other
 * tests: this JVM never sets it).
 */
class ProductionFailpointsTests {

  static ProductionFailpoints config(String spec, long seed) {
    return new ProductionFailpoints(ProductionFailpoints.parse(spec), seed);
  }

  static String draws(ProductionFailpoints p, String name, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(p.evaluate(name, true) ? '1' : '0');
    }
    return sb.toString();
  }

  @Nested
  class Decisions {
    @Test
    void theSeedFixesTheDecisions_andTheyHaveTheConfiguredOdds() {
      String a = draws(config("cache.fill=25%return", 7), "cache.fill", 1_000);
      assertThat(draws(config("cache.fill=25%return", 7), "cache.fill", 1_000)).isEqualTo(a);
      assertThat(draws(config("cache.fill=25%return", 8), "cache.fill", 1_000)).isNotEqualTo(a);
      // 250 expected, sd 13.7; the seed fixes the count, the bound is 5 sd.
      assertThat(a.chars().filter(c -> c == '1').count()).isBetween(182L, 318L);
    }

    @Test
    void aCountLimitsHowOftenAnActionFires_andAnUnnamedPointDoesNothing() {
      ProductionFailpoints p = config("cache.fill=3*return", 1);
      assertThat(draws(p, "cache.fill", 6)).isEqualTo("111000");
      assertThat(draws(p, "db.commit", 6)).isEqualTo("000000");
    }
  }

  @Nested
  class Actions {
    @Test
    void throw_throwsTheCheckedException_undeclared() {
      ProductionFailpoints p = config("db.commit=throw(java.io.IOException: disk full)", 1);
      assertThatThrownBy(() -> p.evaluate("db.commit", false)).isExactlyInstanceOf(IOException.class)
          .hasMessage("disk full");
    }

    @Test
    void return_atAnEvalPoint_isAnError() {
      ProductionFailpoints p = config("db.commit=return", 1);
      assertThatThrownBy(() -> p.evaluate("db.commit", false)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("failpoint db.commit fired return at ProductionFailpointsTests.java:")
          .hasMessageContaining("Failpoints.returnEarly");
    }

    @Test
    void delay_inATaskOnAProductionLoop_sleepsTheTask_whileOtherTasksRun() {
      ProductionFailpoints p = config("db.commit=delay(30ms)", 1);
      List<String> events = new ArrayList<>();
      double took = Weft.run(() -> {
        EventLoop loop = EventLoop.getRunningLoop();
        var other = Weft.createTask(() -> {
          events.add("other ran");
        });
        double start = loop.time();
        assertThat(p.evaluate("db.commit", true)).isFalse();
        events.add("delay over");
        other.await();
        return loop.time() - start;
      });
      assertThat(events).containsExactly("other ran", "delay over");
      assertThat(took).as("the loop's clock moved at least the delay").isGreaterThanOrEqualTo(0.030);
    }

    @Test
    void delay_onAThreadWithoutALoop_sleepsTheThread() {
      ProductionFailpoints p = config("db.commit=delay(20ms)", 1);
      long start = System.nanoTime();
      assertThat(p.evaluate("db.commit", true)).isFalse();
      assertThat(System.nanoTime() - start).as("at least the delay").isGreaterThanOrEqualTo(20_000_000L);
    }
  }

  @Nested
  class SystemProperty {
    record Run(int exit, String out, String err) {}

    Run fork(String... properties) throws Exception {
      String java = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
      cmd.addAll(List.of(properties));
      cmd.add(FailpointsForkedMain.class.getName());
      Process proc = new ProcessBuilder(cmd).start();
      proc.getOutputStream().close();
      byte[] out = proc.getInputStream().readAllBytes();
      byte[] err = proc.getErrorStream().readAllBytes();
      assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Run(proc.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void withoutTheProperty_failpointsAreOff() throws Exception {
      Run r = fork();
      assertThat(r.out()).as(r.err()).contains("enabled=false", "returns=0", "commit=ok");
      assertThat(r.err()).doesNotContain("failpoints are on");
    }

    @Test
    void theProperty_turnsThemOn_withALoggedSeed_thatDrawsTheSameDecisionsAgain() throws Exception {
      String spec = "-D" + Failpoints.PROPERTY + "=cache.fill=25%return;db.commit=throw(java.io.IOException: boom)";
      Run r = fork(spec, "-D" + Failpoints.SEED_PROPERTY + "=42");
      assertThat(r.out()).as(r.err()).contains("enabled=true", "commit=java.io.IOException: boom");
      int returns = Integer.parseInt(r.out().replaceAll("(?s).*returns=(\\d+).*", "$1"));
      assertThat(returns).isBetween(182, 318);
      assertThat(r.err()).contains("failpoints are on").contains("cache.fill=25% return")
          .contains("seed 42");
      Run again = fork(spec, "-D" + Failpoints.SEED_PROPERTY + "=42");
      assertThat(again.out()).isEqualTo(r.out());
      Run unseeded = fork(spec);
      assertThat(unseeded.err()).as("a random seed, logged").containsPattern("seed -?\\d+");
    }

    @Test
    void aBadValue_failsTheFirstFailpoint_namingTheValue() throws Exception {
      Run r = fork("-D" + Failpoints.PROPERTY + "=db.commit=10%explode");
      assertThat(r.out()).contains("error=unknown failpoint action \"explode\"").contains("db.commit");
      Run seed = fork("-D" + Failpoints.PROPERTY + "=db.commit=return", "-D" + Failpoints.SEED_PROPERTY + "=x1");
      assertThat(seed.out()).contains("error=-Dweft.failpoints.seed must be a long, got \"x1\"");
    }
  }
}
